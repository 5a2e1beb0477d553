"""Published advisories (docs/advisories.md): a case walked to fix_available
with products, CVSS, remediations and VEX statuses is previewed and
published over HTTP; every generated document is validated (CSAF security
advisory and VEX with the official validator library and the CSAF JSON
schema, the OSV record with the OSV schema); a publication the gate refuses
stores nothing; `vulntrack advisory publish --out` writes the CSAF provider
directory of the published advisories only, the same on every run; and
`vulntrack advisory export` prints a published document."""
import csv
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import urllib.request

import jsonschema

try:  # jsonschema >= 4.18 resolves through `referencing`; older ones through RefResolver
    import referencing
    import referencing.jsonschema
except ImportError:
    referencing = None

from clitest import DATA, SOURCE, run_tests
from servertest import Server

CSAF_DIR = os.path.join(DATA, "csaf")
VALIDATOR = os.path.join(SOURCE, "tests", "js", "validate-csaf.mjs")

DOC = {
    "verification_note": "reproduced on 2.0.3",
    "description": "A crafted request overflows a stack buffer in the web server.",
    "tech_characteristics": "Missing length check in the header parser.",
    "harm": "Remote code execution on the device.",
    "impact_scope": "All 2.x routers with the web interface enabled.",
    "credit": "Alice Example",
    "cwe": ["CWE-787"],
    "identifiers": [{"scheme": "CVE", "id": "CVE-2026-12345"},
                    {"scheme": "CNVD", "id": "CNVD-2026-00001"}],
    "cvss": [{"vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"},
             {"vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"}],
    "gbt": {"method": "MANUAL", "grade": "high", "justification": "reviewed"},
    "products": [
        {"vendor": "Acme", "name": "Router OS", "ecosystem": "semver",
         "versions": ["2.0.3", "2.0.4"], "fixed_versions": ["2.0.5"],
         "vex": [{"version": "2.0.2", "status": "NOT_AFFECTED",
                  "justification": "code_not_present",
                  "impact_statement": "The parser arrived in 2.0.3."},
                 {"version": "2.0.1", "status": "FALSE_POSITIVE"}]},
        {"vendor": "Acme", "name": "acme-web", "ecosystem": "npm",
         "versions": [{"introduced": "1.0.0", "fixed": "1.4.2"}], "fixed_versions": ["1.4.2"]},
    ],
    "remediations": [{"kind": "patch", "version": "2.0.5",
                      "instructions": "Install the firmware from the support site."}],
}


def add_org(srv, slug):
    code, _, err = srv.cli("org", "add", "--db", srv.db, "--slug", slug, "--name", slug.title(),
                           "--kind", "vendor", "--country", "CN", "--time-zone", "Asia/Shanghai")
    assert code == 0, err


def walk(srv, token, title, doc):
    status, _, b = srv.request("POST", "/api/v1/cases", {"title": title, "doc": doc}, token=token)
    assert status == 201, (status, b)
    ref = b["ref"]
    for to in ("triage", "confirmed", "remediation", "fix_available"):
        status, _, b = srv.request("POST", "/api/v1/cases/%s/transitions" % ref, {"to": to},
                                   token=token)
        assert status == 200, (to, status, b)
    return ref


def attest(srv, ref, token):
    status, _, b = srv.request("POST", "/api/v1/cases/%s/disclosure-records" % ref,
                               {"kind": "no_exaggeration_attestation",
                                "record": {"note": "wording checked"}}, token=token)
    assert status == 201, (status, b)


def _validator(main, extra, **kw):
    """A 2020-12 validator of `main` that resolves the schemas `extra`
    (path -> the URL `main` refers to it by) locally, so that nothing is
    fetched: the CSAF schema refers to FIRST's CVSS schemas by URLs that
    differ from their own ids (a ?date suffix)."""
    loaded = []
    for path, url in extra:
        with open(path, encoding="utf-8") as f:
            loaded.append((url, json.load(f)))
    if referencing is None:
        store = {main["$id"]: main}
        for url, s in loaded:
            for key in (url, s.get("$id"), s.get("id")):
                if key:
                    store[key] = s
        resolver = jsonschema.RefResolver.from_schema(main, store=store)
        return jsonschema.Draft202012Validator(main, resolver=resolver, **kw)
    resources = [(main["$id"], referencing.Resource.from_contents(main))]
    for url, s in loaded:
        r = referencing.Resource.from_contents(
            s, default_specification=referencing.jsonschema.DRAFT7)
        resources += [(url, r), (s.get("$id", url), r)]
    registry = referencing.Registry().with_resources(resources)
    return jsonschema.Draft202012Validator(main, registry=registry, **kw)


def csaf_validator():
    with open(os.path.join(CSAF_DIR, "json_schema", "csaf_json_schema.json"),
              encoding="utf-8") as f:
        main = json.load(f)
    first = os.path.join(CSAF_DIR, "referenced_schema", "first")
    extra = [(os.path.join(first, n), "https://www.first.org/cvss/" + n)
             for n in ("cvss-v2.0.json", "cvss-v3.0.json", "cvss-v3.1.json")]
    return _validator(main, extra,
                      format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def provider_validator():
    schemas = os.path.join(CSAF_DIR, "json_schema")
    with open(os.path.join(schemas, "provider_json_schema.json"), encoding="utf-8") as f:
        main = json.load(f)
    extra = [(os.path.join(schemas, "csaf_json_schema.json"),
              "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json")]
    return _validator(main, extra)


def osv_validator():
    with open(os.path.join(DATA, "schemas", "osv", "schema.json"), encoding="utf-8") as f:
        return jsonschema.Draft202012Validator(json.load(f))


def schema_errors(validator, doc):
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message)
            for e in validator.iter_errors(doc)]


def npm_validate(paths):
    assert os.path.isdir(os.path.join(SOURCE, "tests", "js", "node_modules")), \
        "tests/js/node_modules missing: run scripts/install-deps.sh"
    p = subprocess.run(["node", VALIDATOR, *paths], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


def check_csaf(docs, tmp):
    """Every CSAF document valid for the validator library and the schema."""
    v = csaf_validator()
    paths = []
    for i, d in enumerate(docs):
        assert schema_errors(v, d) == [], schema_errors(v, d)
        path = os.path.join(tmp, "doc%d.json" % i)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(d, f)
        paths.append(path)
    code, out = npm_validate(paths)
    assert code == 0, out
    assert out.count(": valid (") == len(paths), out


def count_rows(db):
    with sqlite3.connect(db) as con:
        return con.execute("SELECT COUNT(*) FROM published_advisories").fetchone()[0]


def test_validator_catches_a_broken_document():
    tmp = tempfile.mkdtemp(prefix="vt-csaf-")
    try:
        src = os.path.join(CSAF_DIR, "examples", "csaf", "csaf_vex", "sec-vex-2022-0001.json")
        with open(src, encoding="utf-8") as f:
            doc = json.load(f)
        good = os.path.join(tmp, "good.json")
        with open(good, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        doc["document"]["tracking"]["version"] = "7"  # 6.1.16: not the last revision
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        assert npm_validate([good])[0] == 0
        code, out = npm_validate([bad])
        assert code == 1 and "/document/tracking/version" in out, out
        # The schema check resolves the CVSS schemas locally and catches a
        # broken CVSS object and a missing publisher.
        v = csaf_validator()
        assert schema_errors(v, json.load(open(src, encoding="utf-8"))) == []
        doc["vulnerabilities"][0]["scores"] = [{"products": ["CSAFPID-0001"], "cvss_v3": {
            "version": "3.1", "vectorString": "CVSS:3.1/AV:N", "baseScore": "high",
            "baseSeverity": "HIGH"}}]
        del doc["document"]["publisher"]
        errors = schema_errors(v, doc)
        assert len(errors) >= 2, errors
    finally:
        shutil.rmtree(tmp)


def test_publish_validate_and_provider_directory():
    tmp = tempfile.mkdtemp(prefix="vt-adv-")
    try:
        with Server() as srv:
            add_org(srv, "acme")
            manager = srv.token("psirt_manager", org="acme")
            analyst = srv.token("analyst", org="acme")
            ref = walk(srv, manager, "Stack overflow in the router web server", DOC)
            other = walk(srv, manager, "Second issue, never published",
                         dict(DOC, identifiers=[{"scheme": "CVE", "id": "CVE-2026-99999"}]))

            # Preview: the draft and the gate's verdict; nothing stored.
            status, _, pv = srv.request("GET", "/api/v1/cases/%s/advisory/preview?format=csaf"
                                        % ref, token=analyst)
            assert status == 200, (status, pv)
            assert pv["tracking_id"] == "ACME-" + ref and pv["revision"] == 1, pv
            assert pv["filename"] == ("acme-" + ref).lower() + ".json", pv
            assert pv["gate"]["allowed"] is False, pv
            assert ("P3", "no_attestation") in [(r["rule"], r["code"])
                                                for r in pv["gate"]["refusals"]], pv
            status, _, _ = srv.request("GET", "/api/v1/cases/%s/advisory/preview" % ref)
            assert status == 401
            status, _, e = srv.request("GET", "/api/v1/cases/%s/advisory/preview?format=pdf"
                                       % ref, token=analyst)
            assert status == 422 and e["error"]["field"] == "format", e

            # Refused by the gate: 422 with the refusals, nothing stored.
            status, _, e = srv.request("POST", "/api/v1/cases/%s/advisory" % ref, {},
                                       token=manager)
            assert status == 422 and e["error"]["code"] == "gate_refused", (status, e)
            assert any(r["code"] == "no_attestation" for r in e["error"]["gate"]["refusals"]), e
            assert count_rows(srv.db) == 0
            status, _, lst = srv.request("GET", "/api/v1/advisories")
            assert status == 200 and lst["advisories"] == [], lst
            # Analysts may preview but not publish.
            status, _, _ = srv.request("POST", "/api/v1/cases/%s/advisory" % ref, {},
                                       token=analyst)
            assert status == 403

            attest(srv, ref, manager)
            status, _, pub = srv.request("POST", "/api/v1/cases/%s/advisory" % ref, {},
                                         token=manager)
            assert status == 201, (status, pub)
            assert pub["revision"] == 1 and pub["gate"]["allowed"] is True, pub
            assert count_rows(srv.db) == 3

            # The published documents are public.
            docs = {}
            for fmt in ("csaf", "csaf_vex", "osv"):
                status, hdrs, body = srv.request("GET", "/api/v1/advisories/%s?format=%s"
                                                 % (pub["tracking_id"], fmt))
                assert status == 200, (fmt, status, body)
                assert hdrs["content-type"].startswith("application/json"), hdrs
                docs[fmt] = body
                # The bytes served are the bytes published (their SHA-512).
                with urllib.request.urlopen("%s/api/v1/advisories/%s?format=%s" % (
                        srv.url, pub["tracking_id"], fmt), timeout=30) as resp:
                    raw = resp.read()
                assert hashlib.sha512(raw).hexdigest() == pub["sha512"][
                    {"csaf": "csaf_security_advisory"}.get(fmt, fmt)]
            csaf, vex, osv = docs["csaf"], docs["csaf_vex"], docs["osv"]
            check_csaf([csaf, vex], tmp)
            assert schema_errors(osv_validator(), osv) == [], schema_errors(osv_validator(), osv)

            # What the documents say.
            d = csaf["document"]
            assert d["category"] == "csaf_security_advisory" and d["csaf_version"] == "2.0"
            assert vex["document"]["category"] == "csaf_vex"
            assert vex["document"]["tracking"]["id"] == pub["tracking_id"] + "-VEX"
            status, _, by_id = srv.request("GET", "/api/v1/advisories/%s-VEX"
                                           % pub["tracking_id"])
            assert status == 200 and by_id == vex, (status, by_id)
            assert d["publisher"] == {"category": "vendor", "name": "Acme",
                                      "namespace": "https://vulntrack.invalid/"}, d
            assert d["tracking"]["id"] == pub["tracking_id"] and d["tracking"]["version"] == "1"
            assert [r["number"] for r in d["tracking"]["revision_history"]] == ["1"]
            assert d["acknowledgments"] == [{"names": ["Alice Example"]}]
            v = csaf["vulnerabilities"][0]
            assert v["cve"] == "CVE-2026-12345"
            assert v["ids"] == [{"system_name": "CNVD", "text": "CNVD-2026-00001"}]
            names = {}

            def walk_tree(branches):
                for b in branches:
                    if "product" in b:
                        names[b["product"]["product_id"]] = b["product"]["name"]
                    walk_tree(b.get("branches", []))
            walk_tree(csaf["product_tree"]["branches"])
            st = v["product_status"]
            by_name = {names[i]: k for k, ids in st.items() for i in ids}
            assert by_name == {
                "Acme Router OS 2.0.3": "known_affected", "Acme Router OS 2.0.4": "known_affected",
                "Acme Router OS 2.0.5": "fixed", "Acme Router OS 2.0.2": "known_not_affected",
                "Acme Router OS 2.0.1": "known_not_affected",
                "Acme acme-web vers:npm/>=1.0.0|<1.4.2": "known_affected",
                "Acme acme-web 1.4.2": "fixed"}, by_name
            flags = {names[f["product_ids"][0]]: f["label"] for f in v["flags"]}
            assert flags == {"Acme Router OS 2.0.2": "vulnerable_code_not_present",
                             "Acme Router OS 2.0.1": "component_not_present"}, flags
            assert v["threats"][0]["details"] == "The parser arrived in 2.0.3."
            assert v["remediations"][0]["category"] == "vendor_fix"
            assert set(v["remediations"][0]["product_ids"]) == set(st["known_affected"])
            assert [s["cvss_v3"]["baseScore"] for s in v["scores"]] == [7.5]
            notes = {n["title"]: n["text"] for n in v["notes"]}
            assert "CVSS:4.0/AV:N" in notes["CVSS v4.0"], notes
            assert notes["CWE"] == "CWE-787"
            assert osv["id"] == "x_" + pub["tracking_id"]
            assert osv["aliases"] == ["CVE-2026-12345", "CNVD-2026-00001"]
            assert osv["affected"] == [{"package": {"ecosystem": "npm", "name": "acme-web"},
                                        "ranges": [{"type": "ECOSYSTEM", "events": [
                                            {"introduced": "1.0.0"}, {"fixed": "1.4.2"}]}]}], osv
            assert osv["database_specific"]["products_without_ecosystem"] == ["Router OS"]

            # E_PUBLISHED stamped, ledger entry written.
            status, _, c = srv.request("GET", "/api/v1/cases/%s" % ref, token=manager)
            assert "E_PUBLISHED" in c["events"], c["events"]
            with sqlite3.connect(srv.db) as con:
                kinds = [k for (k,) in con.execute(
                    "SELECT kind FROM ledger WHERE subject = ?", (ref,))]
            assert kinds.count("advisory.published") == 1, kinds

            # A republication is revision 2 with a history of two.
            status, _, pub2 = srv.request("POST", "/api/v1/cases/%s/advisory" % ref, {},
                                          token=manager)
            assert status == 201 and pub2["revision"] == 2, pub2
            status, _, csaf2 = srv.request("GET", "/api/v1/advisories/%s" % pub["tracking_id"])
            csaf2 = csaf2 if isinstance(csaf2, dict) else json.loads(csaf2)
            assert csaf2["document"]["tracking"]["version"] == "2"
            assert [r["number"] for r in csaf2["document"]["tracking"]["revision_history"]] \
                == ["1", "2"]
            assert (csaf2["document"]["tracking"]["initial_release_date"]
                    == d["tracking"]["initial_release_date"])
            check_csaf([csaf2], tmp)
            status, _, old = srv.request("GET", "/api/v1/advisories/%s?revision=1"
                                         % pub["tracking_id"])
            old = old if isinstance(old, dict) else json.loads(old)
            assert old == csaf
            status, _, lst = srv.request("GET", "/api/v1/advisories")
            assert [a["tracking_id"] for a in lst["advisories"]] == [pub["tracking_id"]], lst
            assert lst["advisories"][0]["revision"] == 2
            # The unpublished case is nowhere public.
            status, _, _ = srv.request("GET", "/api/v1/advisories/ACME-%s" % other)
            assert status == 404

            # The provider directory.
            out = os.path.join(tmp, "csaf")
            code, _, err = srv.cli("advisory", "publish", "--out", out, "--db", srv.db,
                                   "--base-url", "https://acme.example/.well-known/csaf")
            assert code == 0, err
            year = d["tracking"]["initial_release_date"][:4]
            files = sorted(os.path.relpath(os.path.join(r, f), out)
                           for r, _, fs in os.walk(out) for f in fs)
            fa = "%s/%s" % (year, pub["filename"])
            fv = "%s/%s" % (year, ("acme-" + ref + "-vex").lower() + ".json")
            assert files == sorted(["changes.csv", "index.txt", "provider-metadata.json",
                                    fa, fa + ".sha512", fv, fv + ".sha512"]), files
            for f in (fa, fv):
                with open(os.path.join(out, f), "rb") as fh:
                    digest = hashlib.sha512(fh.read()).hexdigest()
                with open(os.path.join(out, f + ".sha512"), encoding="utf-8") as fh:
                    assert fh.read() == "%s  %s\n" % (digest, os.path.basename(f))
            with open(os.path.join(out, fa), encoding="utf-8") as fh:
                assert json.load(fh) == csaf2
            with open(os.path.join(out, "index.txt"), encoding="utf-8") as fh:
                assert fh.read().splitlines() == sorted([fa, fv])
            with open(os.path.join(out, "changes.csv"), encoding="utf-8") as fh:
                rows = list(csv.reader(fh))
            assert sorted(r[0] for r in rows) == sorted([fa, fv]), rows
            assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True), rows
            assert dict(rows)[fa] == csaf2["document"]["tracking"]["current_release_date"]
            with open(os.path.join(out, "provider-metadata.json"), encoding="utf-8") as fh:
                pm = json.load(fh)
            assert schema_errors(provider_validator(), pm) == [], schema_errors(
                provider_validator(), pm)
            assert pm["canonical_url"] == \
                "https://acme.example/.well-known/csaf/provider-metadata.json"
            assert pm["publisher"] == d["publisher"] and pm["role"] == "csaf_provider"

            # Idempotent: a second run gives the same tree, byte for byte.
            def snapshot():
                snap = {}
                for r, _, fs in os.walk(out):
                    for f in fs:
                        with open(os.path.join(r, f), "rb") as fh:
                            snap[os.path.relpath(os.path.join(r, f), out)] = fh.read()
                return snap
            first = snapshot()
            code, _, err = srv.cli("advisory", "publish", "--out", out, "--db", srv.db,
                                   "--base-url", "https://acme.example/.well-known/csaf")
            assert code == 0, err
            assert snapshot() == first

            # Export from the command line.
            code, text, err = srv.cli("advisory", "export", ref, "--format", "osv",
                                      "--db", srv.db)
            assert code == 0, err
            status, _, osv2 = srv.request("GET", "/api/v1/advisories/%s?format=osv"
                                          % pub["tracking_id"])
            osv2 = osv2 if isinstance(osv2, dict) else json.loads(osv2)
            assert json.loads(text) == osv2 and osv2["modified"] != osv["modified"]
            assert osv2["published"] == osv["published"]
            code, text, err = srv.cli("advisory", "export", other, "--db", srv.db)
            assert code == 1 and text == "" and "no published" in err, (code, text, err)
            code, _, err = srv.cli("advisory", "export", ref, "--format", "pdf", "--db", srv.db)
            assert code == 2, err
    finally:
        shutil.rmtree(tmp)


def test_nothing_published_uncovered_product_and_publisher_namespace():
    with Server() as srv:
        add_org(srv, "beta")
        manager = srv.token("psirt_manager", org="beta")
        out = os.path.join(srv.dir, "empty")
        code, _, err = srv.cli("advisory", "publish", "--out", out, "--db", srv.db)
        assert code == 1 and "no published advisories" in err, (code, err)
        assert not os.path.exists(out)
        # A known_affected product no remediation covers: refused with the field.
        doc = dict(DOC, remediations=[{"kind": "mitigation", "instructions": "Disable it.",
                                       "product": "acme-web"}])
        ref = walk(srv, manager, "Partly remediated", doc)
        status, _, e = srv.request("GET", "/api/v1/cases/%s/advisory/preview" % ref,
                                   token=manager)
        assert status == 422 and e["error"]["field"] == "/doc/remediations", (status, e)
        status, _, e = srv.request("POST", "/api/v1/cases/%s/advisory" % ref, {},
                                   token=manager)
        assert status == 422 and e["error"]["field"] == "/doc/remediations", (status, e)
        assert count_rows(srv.db) == 0

        # The organisation's publisher_namespace flag names the publisher, and
        # the provider directory's default URL follows it.
        # (Set in the row: the organisation API does not accept this flag yet.)
        with sqlite3.connect(srv.db) as con:
            con.execute("UPDATE orgs SET flags = json_set(flags, '$.publisher_namespace', ?) "
                        "WHERE slug = 'beta'", ("https://beta.example",))
        ref = walk(srv, manager, "Fully remediated", DOC)
        attest(srv, ref, manager)
        status, _, pub = srv.request("POST", "/api/v1/cases/%s/advisory" % ref, {},
                                     token=manager)
        assert status == 201, (status, pub)
        status, _, csaf = srv.request("GET", "/api/v1/advisories/" + pub["tracking_id"])
        assert csaf["document"]["publisher"]["namespace"] == "https://beta.example", csaf
        code, _, err = srv.cli("advisory", "publish", "--out", out, "--db", srv.db)
        assert code == 0, err
        with open(os.path.join(out, "provider-metadata.json"), encoding="utf-8") as fh:
            pm = json.load(fh)
        assert pm["canonical_url"] == \
            "https://beta.example/.well-known/csaf/provider-metadata.json", pm
        assert pm["distributions"] == [{"directory_url": "https://beta.example/.well-known/csaf"}]


if __name__ == "__main__":
    run_tests(globals())
