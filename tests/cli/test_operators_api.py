"""VEX statements on product findings and operator assets over HTTP, against
the real server on loopback: statements set and refused, the CycloneDX VEX
and OpenVEX exports validated against the schemas the scan tests use and
carrying the statuses and justifications as set; assets by purl, SBOM and
product name, their findings from OSV and from a published CSAF advisory,
and the operator case opened from a finding with its CN-OPFIX and BOD 26-04
clocks, once only."""
import json
import os
import sqlite3
import tempfile

import jsonschema

from clitest import DATA, SOURCE, run, run_tests
from servertest import Server

GIN = "pkg:golang/github.com/gin-gonic/gin@v1.4.0"
WS = "pkg:golang/github.com/gorilla/websocket@v1.4.0"

ADVISORIES = [
    {"id": "VT-OPS-2026-1", "modified": "2026-01-01T00:00:00Z", "aliases": ["CVE-2099-0301"],
     "summary": "gin and websocket test advisory",
     "affected": [{"package": {"ecosystem": "Go", "name": n},
                   "ranges": [{"type": "SEMVER",
                               "events": [{"introduced": "0"}, {"fixed": "1.5.0"}]}]}
                  for n in ("github.com/gin-gonic/gin", "github.com/gorilla/websocket")]},
    {"id": "VT-OPS-2026-2", "modified": "2026-01-01T00:00:00Z", "aliases": ["CVE-2099-0302"],
     "summary": "second gin test advisory",
     "affected": [{"package": {"ecosystem": "Go", "name": "github.com/gin-gonic/gin"},
                   "ranges": [{"type": "SEMVER",
                               "events": [{"introduced": "0"}, {"fixed": "1.6.0"}]}]}]},
]

KEV = {"title": "test catalogue", "catalogVersion": "2026.07.01",
       "dateReleased": "2026-07-01T00:00:00.000Z", "count": 1,
       "vulnerabilities": [{"cveID": "CVE-2099-0301", "vendorProject": "gin", "product": "gin",
                            "vulnerabilityName": "test", "dateAdded": "2026-06-30",
                            "shortDescription": "test", "requiredAction": "patch",
                            "dueDate": "2026-07-21",
                            "knownRansomwareCampaignUse": "Unknown", "notes": ""}]}

SBOM = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
        "components": [{"type": "library", "name": "gin", "version": "v1.4.0",
                        "bom-ref": "gin", "purl": GIN},
                       {"type": "library", "name": "websocket", "version": "v1.4.0",
                        "bom-ref": "ws", "purl": WS}]}

CSAF = os.path.join(DATA, "csaf", "examples", "csaf", "csaf_vex", "2022-evd-uc-01-a-001.json")
NOW = "2026-07-01T15:00:00Z"


def prepare(work):
    """Advisories, a KEV catalogue, a vendor, an operator and a published CSAF."""
    db = os.path.join(work, "vt.db")
    files = []
    for a in ADVISORIES:
        p = os.path.join(work, a["id"] + ".json")
        with open(p, "w", encoding="utf-8") as f:
            json.dump(a, f)
        files.append(p)
    kev = os.path.join(work, "kev.json")
    with open(kev, "w", encoding="utf-8") as f:
        json.dump(KEV, f)
    code, out, err = run("db", "import", "--db", db, *files, kev)
    assert code == 0, err
    for slug, kind, cc, tz, profiles, flags in (
            ("acme", "vendor", "CN", "Asia/Shanghai", "CN_RMSV_2021", []),
            ("op", "operator", "US", "America/New_York", "CN_RMSV_2021,US_BOD_26_04",
             ["--flag", "us_fceb"]),
            ("other", "operator", "CN", "Asia/Shanghai", "CN_RMSV_2021", [])):
        code, out, err = run("org", "add", "--db", db, "--slug", slug, "--name", slug.title(),
                             "--kind", kind, "--country", cc, "--time-zone", tz,
                             "--profiles", profiles, *flags)
        assert code == 0, err
    # A CSAF advisory the vendor published (written here by hand: the
    # publication service is not what is tested).
    with open(CSAF, encoding="utf-8") as f:
        doc = f.read()
    con = sqlite3.connect(db)
    with con:
        vendor = con.execute("SELECT id FROM orgs WHERE slug = 'acme'").fetchone()[0]
        cur = con.execute(
            "INSERT INTO cases (ref, org_id, state, title, scope, doc, created_ms, updated_ms) "
            "VALUES ('VT-2022-900000', ?, 'disclosed', 'log4j in DEF', 'own_product', '{}', 0, 0)",
            (vendor,))
        con.execute("INSERT INTO published_advisories (case_id, tracking_id, revision, category, "
                    "document, sha512, published_ms, actor) VALUES (?, '2022-EVD-UC-01-A-001', "
                    "1, 'csaf_vex', ?, 'x', 0, 'vendor')", (cur.lastrowid, doc))
    con.close()
    return db


def server(work):
    return Server(db=prepare(work), workdir=work, env={"VULNTRACK_FAKE_NOW": NOW})


def cyclonedx_validator():
    d = os.path.join(DATA, "schemas", "cyclonedx")
    store = {}
    for name in ("bom-1.5.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"):
        with open(os.path.join(d, name), encoding="utf-8") as f:
            s = json.load(f)
        store[s["$id"]] = s
    main = store["http://cyclonedx.org/schema/bom-1.5.schema.json"]
    resolver = jsonschema.RefResolver.from_schema(main, store=store)
    return jsonschema.Draft7Validator(main, resolver=resolver)


def openvex_validator():
    with open(os.path.join(SOURCE, "tests", "fixtures", "schemas", "openvex_json_schema.json"),
              encoding="utf-8") as f:
        return jsonschema.Draft202012Validator(json.load(f))


def errors(validator, doc):
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
            for e in validator.iter_errors(doc)][:5]


def test_vex_statements_and_exports():
    with tempfile.TemporaryDirectory() as work, server(work) as srv:
        mgr = srv.token("psirt_manager", org="acme")
        analyst = srv.token("analyst", org="acme")
        auditor = srv.token("auditor", org="acme")
        other = srv.token("analyst", org="other")
        status, _, p = srv.request("POST", "/api/v1/products", token=mgr,
                                   body={"name": "Gateway", "type": "software"})
        assert status == 201, p
        base = "/api/v1/products/%d/versions/3.1" % p["id"]
        status, _, v = srv.request("PUT", base, token=analyst, body={"sbom": SBOM})
        assert status in (200, 201), v
        vex = base + "/vex/"

        # Refusals: the §11 rules, roles and organisations.
        status, _, body = srv.request("PUT", vex + "CVE-2099-0301", token=analyst,
                                      body={"status": "not_affected"})
        assert status == 422 and body["error"]["field"] == "/justification", body
        status, _, body = srv.request("PUT", vex + "CVE-2099-0301", token=analyst,
                                      body={"status": "affected"})
        assert status == 422 and body["error"]["field"] == "/action_statement", body
        status, _, body = srv.request("PUT", vex + "CVE-2099-0301", token=analyst,
                                      body={"status": "fixed", "justification": "code_not_present"})
        assert status == 422 and body["error"]["field"] == "/justification", body
        status, _, body = srv.request("PUT", vex + "CVE-2099-0301", token=analyst,
                                      body={"status": "wontfix"})
        assert status == 422 and body["error"]["field"] == "/status", body
        status, _, body = srv.request("PUT", vex + "CVE-2099-0301", token=auditor,
                                      body={"status": "fixed"})
        assert status == 403, body
        status, _, body = srv.request("PUT", vex + "CVE-2099-0301", token=other,
                                      body={"status": "fixed"})
        assert status == 404, body

        # gin: not affected (by the CVE alias, for every component, in
        # CycloneDX words); websocket: affected (by the advisory id and its
        # purl); the second advisory: a false positive.
        status, _, st = srv.request("PUT", vex + "CVE-2099-0301", token=analyst,
                                    body={"status": "not_affected",
                                          "justification": "requires_environment",
                                          "impact_statement": "needs a debug build"})
        assert status == 201, st
        assert st["justification"] == "not_controllable", st
        assert st["original_justification"] == "requires_environment", st
        assert st["openvex_justification"] == "vulnerable_code_cannot_be_controlled_by_adversary"
        assert st["cyclonedx_justification"] == "requires_environment", st
        status, _, st = srv.request("PUT", vex + "VT-OPS-2026-1", token=analyst,
                                    body={"status": "affected", "component_purl": WS,
                                          "action_statement": "Upgrade websocket to 1.5.0"})
        assert status == 201, st
        status, _, st = srv.request("PUT", vex + "VT-OPS-2026-2", token=mgr,
                                    body={"status": "false_positive"})
        assert status == 201, st
        # Replacing is 200, and the internal name keeps no original.
        status, _, st = srv.request("PUT", vex + "CVE-2099-0301", token=analyst,
                                    body={"status": "not_affected",
                                          "justification": "protected_at_perimeter"})
        assert status == 200 and st["original_justification"] == "protected_at_perimeter", st

        status, _, body = srv.request("GET", base + "/vex", token=auditor)
        assert status == 200, body
        assert [(s["vulnerability"], s["status"]) for s in body["statements"]] == [
            ("CVE-2099-0301", "not_affected"), ("VT-OPS-2026-1", "affected"),
            ("VT-OPS-2026-2", "false_positive")], body
        status, _, body = srv.request("GET", base + "/vex", token=other)
        assert status == 404, body

        # CycloneDX VEX: valid, with the statements applied.
        status, headers, doc = srv.request("GET", base + "/vex/export?format=cyclonedx",
                                           token=auditor)
        assert status == 200, doc
        if isinstance(doc, str):
            doc = json.loads(doc)
        assert not errors(cyclonedx_validator(), doc), errors(cyclonedx_validator(), doc)
        seen = {}
        for vul in doc["vulnerabilities"]:
            for a in vul["affects"]:
                seen[(vul["id"], a["ref"])] = (vul["analysis"], a["versions"][0]["status"])
        assert set(seen) == {("VT-OPS-2026-1", "gin"), ("VT-OPS-2026-1", "ws"),
                             ("VT-OPS-2026-2", "gin")}, seen
        an, vs = seen[("VT-OPS-2026-1", "gin")]
        assert an["state"] == "not_affected" and an["justification"] == "protected_at_perimeter"
        assert vs == "unaffected"
        an, vs = seen[("VT-OPS-2026-1", "ws")]
        assert an["state"] == "exploitable" and an["response"] == ["update"], an
        assert "Upgrade websocket to 1.5.0" in an["detail"] and vs == "affected"
        an, vs = seen[("VT-OPS-2026-2", "gin")]
        assert an["state"] == "false_positive" and vs == "unaffected", an

        # OpenVEX: valid, with the statements applied.
        status, _, doc = srv.request("GET", base + "/vex/export?format=openvex", token=auditor)
        assert status == 200, doc
        if isinstance(doc, str):
            doc = json.loads(doc)
        assert not errors(openvex_validator(), doc), errors(openvex_validator(), doc)
        got = {}
        for s in doc["statements"]:
            for prod in s["products"]:
                got[(s["vulnerability"]["name"], prod["@id"])] = s
        assert set(got) == {("VT-OPS-2026-1", GIN), ("VT-OPS-2026-1", WS),
                            ("VT-OPS-2026-2", GIN)}, got
        s = got[("VT-OPS-2026-1", GIN)]
        assert s["status"] == "not_affected", s
        assert s["justification"] == "vulnerable_code_cannot_be_controlled_by_adversary", s
        s = got[("VT-OPS-2026-1", WS)]
        assert s["status"] == "affected" and s["action_statement"] == "Upgrade websocket to 1.5.0"
        s = got[("VT-OPS-2026-2", GIN)]
        assert s["status"] == "not_affected" and s["justification"] == "component_not_present", s

        status, _, body = srv.request("GET", base + "/vex/export?format=csaf", token=auditor)
        assert status == 422, body
        status, _, body = srv.request("GET", base + "/vex/export", token=other)
        assert status == 404, body


def findings(srv, tok, aid):
    status, _, body = srv.request("GET", "/api/v1/assets/%d/findings" % aid, token=tok)
    assert status == 200, body
    return {f["vulnerability"]: f for f in body["findings"]}


def test_assets_findings_and_operator_case():
    with tempfile.TemporaryDirectory() as work, server(work) as srv:
        analyst = srv.token("analyst", org="op")
        auditor = srv.token("auditor", org="op")
        other = srv.token("analyst", org="other")

        status, _, a = srv.request("POST", "/api/v1/assets", token=analyst,
                                   body={"name": "api-gateway", "purl": GIN,
                                         "publicly_exposed": "yes",
                                         "identifiers": ["gw.example.net", "192.0.2.10"]})
        assert status == 201, a
        assert a["identifiers"] == ["gw.example.net", "192.0.2.10"], a
        assert a["publicly_exposed"] == "yes" and a["purl"] == GIN, a
        gw = a["id"]
        status, _, body = srv.request("POST", "/api/v1/assets", token=analyst,
                                      body={"name": "api-gateway", "purl": GIN})
        assert status == 409, body
        status, _, body = srv.request("POST", "/api/v1/assets", token=analyst,
                                      body={"name": "x", "purl": GIN, "publicly_exposed": "maybe"})
        assert status == 422 and body["error"]["field"] == "/publicly_exposed", body
        status, _, body = srv.request("POST", "/api/v1/assets", token=auditor,
                                      body={"name": "y", "purl": GIN})
        assert status == 403, body
        status, _, a = srv.request("POST", "/api/v1/assets", token=analyst,
                                   body={"name": "chat", "sbom": SBOM, "publicly_exposed": "no",
                                         "next_upgrade": "2026-09-01T02:00:00Z"})
        assert status == 201, a
        assert a["sbom"] == {"format": "CycloneDX", "components": 2}, a
        chat = a["id"]
        status, _, a = srv.request("POST", "/api/v1/assets", token=analyst,
                                   body={"name": "billing", "vendor": "Example Company",
                                         "product": "DEF", "version": "1.0"})
        assert status == 201, a
        billing = a["id"]

        status, _, body = srv.request("GET", "/api/v1/assets", token=auditor)
        assert status == 200 and [x["name"] for x in body["assets"]] == [
            "api-gateway", "chat", "billing"], body
        status, _, body = srv.request("GET", "/api/v1/assets", token=other)
        assert status == 200 and body["assets"] == [], body
        status, _, body = srv.request("GET", "/api/v1/assets/%d" % gw, token=other)
        assert status == 404, body

        # Findings: OSV by purl and SBOM, and the published CSAF advisory.
        f = findings(srv, auditor, gw)
        assert set(f) == {"VT-OPS-2026-1", "VT-OPS-2026-2"}, f
        assert f["VT-OPS-2026-1"]["known_exploited"] is True
        assert f["VT-OPS-2026-1"]["kev"]["date_added"] == "2026-06-30"
        assert f["VT-OPS-2026-2"]["known_exploited"] is False
        assert f["VT-OPS-2026-1"]["source"] == "osv" and f["VT-OPS-2026-1"]["case"] is None
        status, _, body = srv.request("GET", "/api/v1/assets/%d/findings" % chat, token=auditor)
        assert status == 200, body
        pairs = sorted((x["vulnerability"], x["component"]["purl"]) for x in body["findings"])
        assert pairs == [("VT-OPS-2026-1", GIN), ("VT-OPS-2026-1", WS),
                         ("VT-OPS-2026-2", GIN)], pairs
        f = findings(srv, auditor, billing)
        assert set(f) == {"CVE-2021-44228"}, f
        assert f["CVE-2021-44228"]["source"] == "advisory"
        assert f["CVE-2021-44228"]["advisory"]["tracking_id"] == "2022-EVD-UC-01-A-001"

        # An operator case from the KEV finding of the exposed gateway.
        path = "/api/v1/assets/%d/findings/CVE-2099-0301/case" % gw
        status, headers, body = srv.request("POST", path, token=auditor)
        assert status == 403, body
        status, headers, body = srv.request("POST", path, token=analyst)
        assert status == 201, body
        ref = body["case"]
        assert headers["location"] == "/api/v1/cases/" + ref
        status, _, body = srv.request("POST", path, token=analyst)
        assert status == 409 and ref in body["error"]["message"], body
        status, _, body = srv.request("POST", path, token=other)
        assert status == 404, body
        status, _, c = srv.request("GET", "/api/v1/cases/" + ref, token=auditor)
        assert status == 200, c
        assert c["scope"] == "operator_system", c
        assert c["doc"]["ssvc"] == {"exposed": "yes"}, c["doc"]
        assert {"scheme": "CVE", "id": "CVE-2099-0301"} in c["doc"]["identifiers"], c["doc"]
        status, _, body = srv.request("GET", "/api/v1/cases/%s/obligations" % ref, token=auditor)
        assert status == 200, body
        items = {i["obligation"]: i for i in body["items"]}
        assert items["CN-OPFIX"]["state"] == "open", items["CN-OPFIX"]
        assert items["CN-OPFIX"]["due"] == "2026-07-11T15:00:00.000Z", items["CN-OPFIX"]
        bod = items["BOD2604-REMEDIATE"]
        assert bod["due"] == "2026-07-03T04:00:00.000Z", bod
        assert findings(srv, auditor, gw)["VT-OPS-2026-1"]["case"] == ref

        # Not exposed, not in KEV: due at the next upgrade.
        status, _, body = srv.request(
            "POST", "/api/v1/assets/%d/findings/VT-OPS-2026-2/case" % chat, token=analyst)
        assert status == 201, body
        status, _, body = srv.request("GET", "/api/v1/cases/%s/obligations" % body["case"],
                                      token=auditor)
        items = {i["obligation"]: i for i in body["items"]}
        assert items["BOD2604-REMEDIATE"]["due"] == "2026-09-01T02:00:00.000Z", items

        # Change and remove.
        status, _, a = srv.request("PATCH", "/api/v1/assets/%d" % gw, token=analyst,
                                   body={"publicly_exposed": "no", "identifiers": []})
        assert status == 200 and a["publicly_exposed"] == "no" and a["identifiers"] == [], a
        status, _, a = srv.request("PATCH", "/api/v1/assets/%d" % chat, token=analyst,
                                   body={"next_upgrade": None, "vendor": "Acme"})
        assert status == 200 and a["next_upgrade"] is None and a["vendor"] == "Acme", a
        status, _, a = srv.request("PATCH", "/api/v1/assets/%d" % chat, token=analyst,
                                   body={"vendor": None})
        assert status == 200 and a["vendor"] is None and a["sbom"]["components"] == 2, a
        # Without purl, SBOM or product an asset names nothing to match.
        status, _, body = srv.request("PATCH", "/api/v1/assets/%d" % gw, token=analyst,
                                      body={"purl": None})
        assert status == 422 and body["error"]["field"] == "/product", body
        status, _, body = srv.request("DELETE", "/api/v1/assets/%d" % billing, token=other)
        assert status == 404, body
        status, _, body = srv.request("DELETE", "/api/v1/assets/%d" % billing, token=analyst)
        assert status == 204, body
        status, _, body = srv.request("GET", "/api/v1/assets/%d" % billing, token=analyst)
        assert status == 404, body


if __name__ == "__main__":
    run_tests(globals())
