"""The product inventory over HTTP: products and their scoping by
organisation, versions with an SBOM of the data kit, the findings of a
version against advisories imported with `vulntrack db import`, and a case
opened from one finding (once only), against the real server on loopback."""
import hashlib
import json
import os
import socket
import tempfile

from clitest import DATA, run, run_tests
from servertest import Server

PROTON = os.path.join(DATA, "sbom", "cyclonedx", "SBOM_proton-bridge_proton-bridge-v1.6.3.bom.json")
JUICE = os.path.join(DATA, "sbom", "cyclonedx", "SBOM_juice-shop_via_npm_bare_bom.1.4.json")
GIN = "pkg:golang/github.com/gin-gonic/gin@v1.4.0"

# An advisory of our own on gin with a CVSS vector and a CWE, beside the
# Go advisories of the data kit.
OWN_ADVISORY = {
    "id": "VT-TEST-2026-1", "modified": "2026-01-01T00:00:00Z",
    "aliases": ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"],
    "summary": "test advisory with a CVSS vector",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "database_specific": {"cwe_ids": ["CWE-79"]},
    "affected": [{"package": {"ecosystem": "Go", "name": "github.com/gin-gonic/gin"},
                  "ranges": [{"type": "SEMVER",
                              "events": [{"introduced": "0"}, {"fixed": "1.5.0"}]}]}],
}


def component_count(name):
    """The component count the data kit's SOURCES.md gives for an SBOM."""
    with open(os.path.join(DATA, "SOURCES.md"), encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.split("|")]
            if len(cells) > 4 and cells[1] == name:
                return int(cells[3].replace(",", ""))
    raise AssertionError("SOURCES.md does not list " + name)


def prepare(work):
    """A database with the Go advisories, our own and two organisations."""
    db = os.path.join(work, "vt.db")
    own = os.path.join(work, "VT-TEST-2026-1.json")
    with open(own, "w", encoding="utf-8") as f:
        json.dump(OWN_ADVISORY, f)
    code, out, err = run("db", "import", "--db", db, os.path.join(DATA, "osv", "Go", "all.zip"), own)
    assert code == 0, err
    for slug in ("acme", "other"):
        code, out, err = run("org", "add", "--db", db, "--slug", slug, "--name", slug.title(),
                             "--kind", "vendor", "--country", "CN", "--time-zone", "Asia/Shanghai",
                             "--profiles", "CN_RMSV_2021")
        assert code == 0, err
    return db


def server(work, *args):
    return Server(args=args, db=prepare(work), workdir=work)


def test_products_scoped_by_organisation():
    with tempfile.TemporaryDirectory() as work, server(work) as srv:
        mgr = srv.token("psirt_manager", org="acme")
        analyst = srv.token("analyst", org="acme")
        auditor = srv.token("auditor", org="acme")
        other = srv.token("psirt_manager", org="other")
        admin = srv.token("admin")

        status, _, p = srv.request("POST", "/api/v1/products", token=mgr,
                                   body={"name": "Bridge", "model": "PB-1", "type": "software"})
        assert status == 201, p
        assert p["name"] == "Bridge" and p["model"] == "PB-1" and p["type"] == "software", p
        assert p["support_status"] == "supported" and p["versions"] == [], p
        pid = p["id"]

        # Same name and model in the same organisation: 409; elsewhere fine.
        status, _, body = srv.request("POST", "/api/v1/products", token=mgr,
                                      body={"name": "Bridge", "model": "PB-1", "type": "system"})
        assert status == 409 and body["error"]["code"] == "conflict", body
        assert str(pid) in body["error"]["message"], body
        status, _, body = srv.request("POST", "/api/v1/products", token=other,
                                      body={"name": "Bridge", "model": "PB-1", "type": "system"})
        assert status == 201, body
        other_pid = body["id"]

        # Validation names the field; roles are enforced.
        status, _, body = srv.request("POST", "/api/v1/products", token=mgr,
                                      body={"name": "X", "type": "firmware"})
        assert status == 422 and body["error"]["field"] == "/type", body
        status, _, body = srv.request("POST", "/api/v1/products", token=mgr,
                                      body={"name": "X", "type": "software", "colour": "red"})
        assert status == 422 and body["error"]["field"] == "/colour", body
        status, _, body = srv.request("POST", "/api/v1/products", token=analyst,
                                      body={"name": "X", "type": "software"})
        assert status == 403, body
        status, _, body = srv.request("POST", "/api/v1/products", token=admin,
                                      body={"name": "X", "type": "software"})
        assert status == 422 and body["error"]["field"] == "/org", body
        status, _, body = srv.request("POST", "/api/v1/products", token=admin,
                                      body={"name": "Router", "type": "hardware", "org": "acme"})
        assert status == 201, body

        # Each organisation sees its own; an admin without one sees all.
        status, _, body = srv.request("GET", "/api/v1/products", token=auditor)
        assert status == 200, body
        assert sorted(p["name"] for p in body["products"]) == ["Bridge", "Router"], body
        status, _, body = srv.request("GET", "/api/v1/products", token=other)
        assert [p["id"] for p in body["products"]] == [other_pid], body
        status, _, body = srv.request("GET", "/api/v1/products", token=admin)
        assert len(body["products"]) == 3, body
        status, _, body = srv.request("GET", "/api/v1/products?org=other", token=admin)
        assert [p["id"] for p in body["products"]] == [other_pid], body

        status, _, body = srv.request("GET", "/api/v1/products/%d" % pid, token=other)
        assert status == 404, body
        status, _, body = srv.request("GET", "/api/v1/products/%d" % pid, token=auditor)
        assert status == 200 and body["id"] == pid, body
        status, _, body = srv.request("GET", "/api/v1/products/nope", token=auditor)
        assert status == 404, body

        status, _, body = srv.request("PATCH", "/api/v1/products/%d" % pid, token=mgr,
                                      body={"support_status": "end_of_life"})
        assert status == 200 and body["support_status"] == "end_of_life", body
        assert body["name"] == "Bridge", body
        status, _, body = srv.request("PATCH", "/api/v1/products/%d" % pid, token=other,
                                      body={"support_status": "supported"})
        assert status == 404, body
        status, _, body = srv.request("PATCH", "/api/v1/products/%d" % pid, token=mgr,
                                      body={"name": "Router", "model": ""})
        assert status == 409, body


def test_sbom_findings_and_case_from_finding():
    with tempfile.TemporaryDirectory() as work, server(work) as srv:
        mgr = srv.token("psirt_manager", org="acme")
        analyst = srv.token("analyst", org="acme")
        auditor = srv.token("auditor", org="acme")
        other = srv.token("analyst", org="other")

        status, _, p = srv.request("POST", "/api/v1/products", token=mgr,
                                   body={"name": "Bridge", "type": "network_service"})
        assert status == 201, p
        base = "/api/v1/products/%d/versions/1.6.3" % p["id"]

        # The SBOM as text: stored byte for byte, hashed as sent.
        with open(PROTON, "rb") as f:
            raw = f.read()
        status, _, v = srv.request("PUT", base, token=analyst,
                                   body={"sbom": raw.decode("utf-8"),
                                         "support_status": "security_only"})
        assert status == 201, v
        assert v["version"] == "1.6.3" and v["support_status"] == "security_only", v
        assert v["sbom"]["format"] == "CycloneDX", v
        assert v["sbom"]["sha256"] == hashlib.sha256(raw).hexdigest(), v
        assert v["sbom"]["components"] == component_count(os.path.basename(PROTON)), v
        # Again as an object: the same document, replaced; 200 this time.
        status, _, v = srv.request("PUT", base, token=mgr, body={"sbom": json.loads(raw)})
        assert status == 200 and v["support_status"] == "security_only", v
        assert v["sbom"]["components"] == component_count(os.path.basename(PROTON)), v

        # Bad SBOMs give the reader's message and pointer; nothing changes.
        bad = {"bomFormat": "CycloneDX", "specVersion": "1.5",
               "components": [{"type": "library", "name": 5}]}
        status, _, body = srv.request("PUT", base, token=mgr, body={"sbom": bad})
        assert status == 422, body
        assert body["error"]["field"] == "/sbom/components/0/name", body
        assert "expected a string" in body["error"]["message"], body
        status, _, body = srv.request("PUT", base, token=mgr, body={"sbom": "{\"bomFormat\": "})
        assert status == 422 and "malformed JSON at byte" in body["error"]["message"], body
        status, _, body = srv.request("PUT", base, token=mgr, body={"sbom": {"spdx": 1}})
        assert status == 422 and body["error"]["code"] == "unsupported_sbom", body
        status, _, body = srv.request("PUT", base, token=auditor, body={"support_status": "supported"})
        assert status == 403, body
        status, _, body = srv.request("PUT", base, token=other, body={"support_status": "supported"})
        assert status == 404, body
        status, _, prod = srv.request("GET", "/api/v1/products/%d" % p["id"], token=auditor)
        assert [x["version"] for x in prod["versions"]] == ["1.6.3"], prod
        assert prod["versions"][0]["sbom"]["sha256"] == v["sbom"]["sha256"], prod

        # Findings: the scanner's, against the imported advisories.
        status, _, f = srv.request("GET", base + "/findings", token=auditor)
        assert status == 200, f
        hits = [x for x in f["findings"] if x["id"] == "GO-2020-0001"]
        assert len(hits) == 1, f
        assert hits[0]["component"]["purl"] == GIN and hits[0]["component"]["version"] == "v1.4.0"
        assert hits[0]["fixed_versions"] == ["1.6.0"], hits
        assert "CVE-2020-36567" in hits[0]["aliases"] and hits[0]["case"] is None, hits
        own = [x for x in f["findings"] if x["id"] == "VT-TEST-2026-1"]
        assert len(own) == 1 and own[0]["score"] == 9.8, own
        assert own[0]["grade"]["level"] == "critical", own
        # Highest grade first.
        assert f["findings"][0]["id"] == "VT-TEST-2026-1", f["findings"][0]
        status, _, body = srv.request("GET", base + "/findings", token=other)
        assert status == 404, body
        status, _, body = srv.request("PUT", base.replace("1.6.3", "2.0"), token=mgr, body={})
        assert status == 201, body
        status, _, body = srv.request("GET", base.replace("1.6.3", "2.0") + "/findings",
                                      token=auditor)
        assert status == 404 and "no SBOM" in body["error"]["message"], body

        # One call opens the case; the same finding cannot open a second.
        url = base + "/findings/VT-TEST-2026-1/case"
        status, _, body = srv.request("POST", url, token=auditor)
        assert status == 403, body
        status, headers, body = srv.request("POST", url, token=analyst)
        assert status == 201, body
        ref = body["case"]
        assert ref.startswith("VT-") and headers["location"] == "/api/v1/cases/" + ref, headers
        status, _, body = srv.request("POST", url, token=mgr)
        assert status == 409 and ref in body["error"]["message"], body
        status, _, body = srv.request("POST", base + "/findings/GO-1999-0000/case", token=mgr)
        assert status == 404, body
        status, _, f = srv.request("GET", base + "/findings", token=auditor)
        marked = {x["id"]: x["case"] for x in f["findings"]}
        assert marked["VT-TEST-2026-1"] == ref and marked["GO-2020-0001"] is None, marked

        status, _, case = srv.request("GET", "/api/v1/cases/" + ref, token=auditor)
        assert status == 200, case
        assert case["title"] == "VT-TEST-2026-1 in github.com/gin-gonic/gin (Bridge 1.6.3)", case
        doc = case["doc"]
        assert doc["upstream"]["purl"] == GIN, doc
        assert doc["upstream"]["provider"] == "github.com/gin-gonic", doc
        assert doc["product_type"] == "network_service", doc
        assert {"scheme": "CVE", "id": "CVE-2099-0001"} in doc["identifiers"], doc
        assert doc["source_finding"]["advisory_id"] == "VT-TEST-2026-1", doc
        assert doc["products"][0]["product_id"] == p["id"], doc
        # The upstream component is named: the CN profile owes the upstream notice.
        status, _, obl = srv.request("GET", "/api/v1/cases/%s/obligations" % ref, token=auditor)
        assert status == 200, obl
        upstream = [o for o in obl["items"] if o["obligation"] == "CN-UPSTREAM"]
        assert upstream, obl
        # The finding names the upstream provider from the start, so the
        # notice runs from awareness, not from verification.
        assert doc["upstream"]["known_at_awareness"] is True, doc
        assert upstream[0]["start_event"] == "E_AWARE", upstream
        assert upstream[0]["due"] is not None, upstream


def status_of_head(srv, method, path, token, length):
    """Send only the head of a request declaring a `length`-byte JSON body
    and return the status the server answers with: a server refusing the
    size answers at once, and a client still sending megabytes would only
    see the connection closed under it."""
    host, port = srv.url.rsplit("/", 1)[-1].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(("%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: %d\r\n"
                   "Connection: close\r\n\r\n" % (method, path, host, token, length)).encode())
        reply = b""
        while b"\r\n" not in reply:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def test_large_sbom_needs_the_body_limit():
    with open(JUICE, "rb") as f:
        raw = f.read()
    assert len(raw) > 1024 * 1024
    body = {"sbom": raw.decode("utf-8")}
    size = len(json.dumps(body).encode())
    # The default limit (1 MiB) refuses a real SBOM of a few MB ...
    with tempfile.TemporaryDirectory() as work, server(work) as srv:
        mgr = srv.token("psirt_manager", org="acme")
        status, _, p = srv.request("POST", "/api/v1/products", token=mgr,
                                   body={"name": "Shop", "type": "software"})
        assert status == 201, p
        path = "/api/v1/products/%d/versions/11" % p["id"]
        assert status_of_head(srv, "PUT", path, mgr, size) == 413
    # ... which --body-limit lets in.
    with tempfile.TemporaryDirectory() as work, server(work, "--body-limit", "8388608") as srv:
        mgr = srv.token("psirt_manager", org="acme")
        status, _, p = srv.request("POST", "/api/v1/products", token=mgr,
                                   body={"name": "Shop", "type": "software"})
        assert status == 201, p
        status, _, v = srv.request("PUT", "/api/v1/products/%d/versions/11" % p["id"],
                                   token=mgr, body=body)
        assert status == 201, v
        assert v["sbom"]["components"] == component_count(os.path.basename(JUICE)), v
        assert v["sbom"]["sha256"] == hashlib.sha256(raw).hexdigest(), v


if __name__ == "__main__":
    run_tests(globals())
