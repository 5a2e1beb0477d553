"""The authority report and the EU CRA stages over HTTP (docs/authority.md):
an incomplete report lists its missing fields, its submission is refused
(422) and then accepted once the case is complete, CN-NVDB is met at the
submission time, the ledger has the entry and still verifies, the HTML page
is served in both languages; CRA: a person's confirmation of exploitation
opens CRA-V-EW and CRA-V-N with their due times, a stage is refused until
its mandatory fields are filled and then met, and a KEV match is only a
suggestion."""
import json
import os
from datetime import datetime, timedelta, timezone

from clitest import run, run_tests
from servertest import Server

FAST = ["--rate-client", "1000", "--rate-client-burst", "1000"]
HOSTILE = "<script>alert(1)</script> & \"quotes\""


def parse_time(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def add_org(srv, slug, eu=False):
    args = ["org", "add", "--db", srv.db, "--slug", slug, "--name", slug + " Ltd",
            "--kind", "vendor", "--country", "CN", "--time-zone", "Asia/Shanghai",
            "--profiles", "CN_RMSV_2021,EU_CRA"]
    if eu:
        args += ["--flag", "eu_manufacturer"]
    code, out, err = srv.cli(*args)
    assert code == 0, err


def open_case(srv, token, doc):
    status, _, b = srv.request("POST", "/api/v1/cases",
                               {"title": "Overflow " + HOSTILE, "doc": doc}, token=token)
    assert status == 201, (status, b)
    return b


def patch(srv, token, ref, doc):
    status, _, b = srv.request("GET", "/api/v1/cases/" + ref, token=token)
    assert status == 200, b
    status, _, b = srv.request("PATCH", "/api/v1/cases/" + ref,
                               {"revision": b["revision"], "doc": doc}, token=token)
    assert status == 200, (status, b)
    return b


def obligations(srv, token, ref, profile):
    status, _, b = srv.request("GET", "/api/v1/cases/%s/cra" % ref, token=token)
    assert status == 200, (status, b)
    if profile == "EU_CRA":
        return {s["stage"]: s["obligation"] for s in b["stages"]}
    raise AssertionError(profile)


COMPLETE = {
    "products": [{"name": "Router", "model": "RT-1", "ecosystem": "semver",
                  "versions": ["2.0.0", {"scheme": "semver", "introduced": "2.0.0",
                                         "fixed": "2.0.5"}]}],
    "tech_characteristics": "Stack overflow in the Host header parser " + HOSTILE,
    "category_code": "代码问题/缓冲区错误",
    "harm": "Remote code execution as root",
    "impact_scope": "All RT-1 units running 2.0.x; about 10,000 in the field",
    "gbt": {"method": "MANUAL", "grade": "high", "justification": "vendor analysis",
            "indicators": {"c_imp": "IMP_SERIOUS", "i_imp": "IMP_SERIOUS",
                           "a_imp": "IMP_GENERAL"}},
    "identifiers": [{"scheme": "CVE", "id": "CVE-2026-10001"},
                    {"scheme": "CNVD", "id": "CNVD-2026-00001"}],
    "eu_market": True,
}


def test_authority_report_submission_and_html():
    with Server(FAST) as srv:
        add_org(srv, "acme")
        analyst = srv.token("analyst", org="acme")
        manager = srv.token("psirt_manager", org="acme")
        admin = srv.token("admin")
        for bad in ({}, {"fax": "1"}, {"email": ""}, "psirt@acme.example"):
            status, _, e = srv.request("PATCH", "/api/v1/orgs/acme", {"flags": {"contact": bad}},
                                       token=admin)
            assert status == 422 and e["error"]["field"] == "/flags/contact", (bad, status, e)
        status, _, b = srv.request("PATCH", "/api/v1/orgs/acme",
                                   {"flags": {"contact": {"name": "PSIRT",
                                                          "email": "psirt@acme.example"}}},
                                   token=admin)
        assert status == 200, (status, b)
        # The model may come from the inventory product the case names.
        status, _, prod = srv.request("POST", "/api/v1/products",
                                      {"name": "Switch", "model": "SW-24", "type": "hardware"},
                                      token=manager)
        assert status == 201, (status, prod)
        inv = open_case(srv, analyst, {"products": [{"product_id": prod["id"], "name": "Switch"}]})
        status, _, rep = srv.request("GET", "/api/v1/cases/%s/authority-report" % inv["ref"],
                                     token=analyst)
        assert rep["required"]["products"][0]["product_model"] == "SW-24", rep
        assert "product_model" not in {m["field"] for m in rep["completeness"]["missing"]}, rep

        case = open_case(srv, analyst, {"products": [{"name": "Router"}]})
        ref = case["ref"]
        base = "/api/v1/cases/%s/authority-report" % ref

        # Incomplete: every missing field by name, in Chinese and English.
        status, headers, rep = srv.request("GET", base, token=analyst)
        assert status == 200 and "json" in headers["content-type"], (status, rep)
        assert rep["completeness"]["complete"] is False, rep
        missing = {m["field"]: m for m in rep["completeness"]["missing"]}
        for field, zh in [("product_model", "型号"), ("affected_versions", "版本"),
                          ("tech_characteristics", "技术特点"), ("harm", "危害"),
                          ("impact_scope", "影响范围"), ("grade", None),
                          ("category_code", None)]:
            assert field in missing, (field, missing)
            assert missing[field]["en"] and missing[field]["zh"], missing[field]
            if zh:
                assert missing[field]["zh"] == zh, missing[field]
        assert "product_name" not in missing, missing
        assert rep["recommended"]["contact"]["email"] == "psirt@acme.example", rep
        assert rep["recommended"]["vendor"] == "acme Ltd", rep

        # Submission refused while incomplete: 422 with the list; nothing recorded.
        status, _, e = srv.request("POST", base + "/submissions",
                                   {"receipt_number": "NVDB-1"}, token=manager)
        assert status == 422 and e["error"]["code"] == "incomplete", (status, e)
        assert {m["field"] for m in e["error"]["missing"]} == set(missing), e
        status, _, subs = srv.request("GET", base + "/submissions", token=analyst)
        assert status == 200 and subs["submissions"] == [], subs
        # An analyst may not record a submission.
        status, _, e = srv.request("POST", base + "/submissions", {}, token=analyst)
        assert status == 403, (status, e)

        patch(srv, analyst, ref, COMPLETE)
        status, _, rep = srv.request("GET", base + "?format=json", token=analyst)
        assert rep["completeness"] == {"complete": True, "missing": []}, rep
        assert rep["recommended"]["identifiers"]["CVE"] == ["CVE-2026-10001"], rep
        assert rep["required"]["grade"]["impact"]["confidentiality"] == "IMP_SERIOUS", rep
        assert rep["update_due"] is False, rep

        # The HTML page: text/html, both languages, hostile text escaped.
        status, headers, html = srv.request("GET", base + "?format=html", token=analyst)
        assert status == 200 and headers["content-type"].startswith("text/html"), headers
        for word in ["产品名称", "Product name", "技术特点", "Technical characteristics",
                     "影响范围", "Scope of impact", "@media print"]:
            assert word in html, word
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        status, _, e = srv.request("GET", base + "?format=pdf", token=analyst)
        assert status == 422, (status, e)

        # Accepted: the submission time meets CN-NVDB.
        submitted_at = (datetime.now(timezone.utc) - timedelta(minutes=5)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        status, _, s = srv.request("POST", base + "/submissions",
                                   {"submitted_at": submitted_at, "receipt_number": "NVDB-77",
                                    "evidence": "screenshot sha256 abc"}, token=manager)
        assert status == 201, (status, s)
        assert s["first"] is True and len(s["report_sha256"]) == 64, s
        assert parse_time(s["submitted_at"]) == parse_time(submitted_at), s
        status, _, c = srv.request("GET", "/api/v1/cases/" + ref, token=analyst)
        ev = c["events"]["E_NVDB_REPORTED"]
        assert parse_time(ev["at"]) == parse_time(submitted_at), ev
        assert "NVDB-77" in ev["evidence"] and s["report_sha256"] in ev["evidence"], ev
        status, _, obl = srv.request("GET", "/api/v1/obligations?state=met", token=manager)
        assert status == 200, (status, obl)
        items = obl["items"]
        nvdb = [o for o in items if o["obligation"] == "CN-NVDB" and o["case"] == ref]
        assert len(nvdb) == 1 and nvdb[0]["state"] == "met", items
        assert parse_time(nvdb[0]["met_at"]) == parse_time(submitted_at), nvdb
        status, _, subs = srv.request("GET", base + "/submissions", token=analyst)
        assert [x["receipt_number"] for x in subs["submissions"]] == ["NVDB-77"], subs

        # A material change after the submission: update due.
        doc = dict(COMPLETE)
        doc["products"] = [dict(COMPLETE["products"][0], versions=["2.0.0", "2.0.1"])]
        patch(srv, analyst, ref, doc)
        status, _, rep = srv.request("GET", base, token=analyst)
        assert rep["update_due"] is True and "affected_versions" in rep["update_reasons"], rep
        status, _, html = srv.request("GET", base + "?format=html", token=analyst)
        assert "Update due" in html, html[:400]

        # The fix released: CN-NVDB-UPD opens; a second submission meets it.
        def move(to):
            status, _, b = srv.request("POST", "/api/v1/cases/%s/transitions" % ref,
                                       {"to": to}, token=analyst)
            assert status == 200, (to, status, b)
        patch(srv, analyst, ref, {"verification_note": "reproduced",
                                  "remediations": [{"kind": "patch", "version": "2.0.5"}]})
        for to in ["triage", "confirmed", "remediation", "fix_available"]:
            move(to)
        status, _, rep = srv.request("GET", base, token=analyst)
        assert rep["update_due"] is True and "fix" in rep["update_reasons"], rep
        status, _, obl = srv.request("GET", "/api/v1/obligations", token=manager)
        items = obl["items"]
        upd = [o for o in items if o["obligation"] == "CN-NVDB-UPD" and o["case"] == ref]
        assert len(upd) == 1 and upd[0]["state"] == "open", upd
        status, _, s2 = srv.request("POST", base + "/submissions", {"receipt_number": "NVDB-78"},
                                    token=manager)
        assert status == 201 and s2["first"] is False, (status, s2)
        assert s2["report_sha256"] != s["report_sha256"], s2
        status, _, c2 = srv.request("GET", "/api/v1/cases/" + ref, token=analyst)
        assert c2["events"]["E_NVDB_REPORTED"] == ev, c2["events"]
        status, _, obl = srv.request("GET", "/api/v1/obligations", token=manager)
        items = obl["items"]
        upd = [o for o in items if o["obligation"] == "CN-NVDB-UPD" and o["case"] == ref]
        assert upd[0]["state"] == "met" and "NVDB-78" in upd[0]["evidence"], upd
        status, _, rep = srv.request("GET", base, token=analyst)
        assert rep["update_due"] is False, rep

        # The ledger has the entries and still verifies.
        srv.stop()
        rc, out, err = run("ledger", "list", "--db", srv.db, "--json")
        assert rc == 0, err
        kinds = [json.loads(line)["kind"] for line in out.splitlines() if line.strip()]
        assert kinds.count("authority.submission") == 2, kinds
        rc, out, err = run("ledger", "verify", "--db", srv.db)
        assert rc == 0 and out.startswith("ledger intact"), (rc, out, err)


def kev_file(directory, cve):
    path = os.path.join(directory, "kev.json")
    entry = {"cveID": cve, "vendorProject": "Acme", "product": "Router",
             "vulnerabilityName": "Acme Router overflow", "dateAdded": "2026-10-01",
             "shortDescription": "x", "requiredAction": "Apply updates",
             "dueDate": "2026-10-22", "knownRansomwareCampaignUse": "Unknown", "notes": ""}
    with open(path, "w") as f:
        json.dump({"title": "KEV", "catalogVersion": "2026.10.01",
                   "dateReleased": "2026-10-01T00:00:00Z", "count": 1,
                   "vulnerabilities": [entry]}, f)
    return path


def test_cra_stages_exploitation_and_suggestions():
    with Server(FAST) as srv:
        add_org(srv, "eu", eu=True)
        analyst = srv.token("analyst", org="eu")
        manager = srv.token("psirt_manager", org="eu")
        rc, out, err = run("db", "import", "--db", srv.db, kev_file(srv.dir, "CVE-2026-10001"))
        assert rc == 0, (rc, out, err)
        case = open_case(srv, analyst, COMPLETE)
        ref = case["ref"]
        cra = "/api/v1/cases/%s/cra" % ref

        # The KEV match is a suggestion and stamps nothing.
        status, _, sug = srv.request("GET", cra + "/suggestions", token=analyst)
        assert status == 200, (status, sug)
        assert [s["cve"] for s in sug["suggestions"]] == ["CVE-2026-10001"], sug
        assert sug["confirmed"] is False, sug
        status, _, c = srv.request("GET", "/api/v1/cases/" + ref, token=analyst)
        assert "E_EXPLOITED_AWARE" not in c["events"], c["events"]
        obl = obligations(srv, analyst, ref, "EU_CRA")
        assert obl["CRA-V-EW"]["state"] == "not_applicable", obl["CRA-V-EW"]
        assert obl["CRA-V-N"]["state"] == "not_applicable", obl["CRA-V-N"]

        # Only a manager confirms; evidence is required.
        status, _, e = srv.request("POST", cra + "/exploitation", {"evidence": "x"},
                                   token=analyst)
        assert status == 403, (status, e)
        status, _, e = srv.request("POST", cra + "/exploitation", {}, token=manager)
        assert status == 422 and e["error"]["field"] == "/evidence", (status, e)
        first = (datetime.now(timezone.utc) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        before = datetime.now(timezone.utc).replace(microsecond=0)
        status, _, view = srv.request("POST", cra + "/exploitation",
                                      {"evidence": "IDS logs from a customer",
                                       "judged_by": "Head of PSIRT",
                                       "first_signal_at": first}, token=manager)
        assert status == 201, (status, view)
        judgement = view["exploitation"]["judgement"]
        assert judgement["judged_by"] == "Head of PSIRT", judgement
        assert parse_time(judgement["first_signal_at"]) == parse_time(first), judgement
        aware = parse_time(view["exploitation"]["at"])
        assert aware >= before - timedelta(seconds=1), (aware, before)
        stages = {s["stage"]: s for s in view["stages"]}
        ew, n = stages["CRA-V-EW"]["obligation"], stages["CRA-V-N"]["obligation"]
        assert ew and ew["state"] == "open" and n and n["state"] == "open", stages
        due_key = "due" if "due" in ew else "due_at"
        assert parse_time(ew[due_key]) - aware == timedelta(hours=24), ew
        assert parse_time(n[due_key]) - aware == timedelta(hours=72), n
        assert stages["CRA-V-EW"]["complete"] is False, stages["CRA-V-EW"]
        # Proposed from the case, never counted as filled.
        prop = stages["CRA-V-EW"]["proposed"]
        assert prop["manufacturer"] == "eu Ltd", prop
        assert prop["product"].startswith("Router RT-1 (2.0.0"), prop
        assert "member_states" not in prop, prop
        assert stages["CRA-V-N"]["proposed"]["vulnerability_nature"] == \
            COMPLETE["tech_characteristics"], stages["CRA-V-N"]
        assert {m["field"] for m in stages["CRA-V-EW"]["missing"]} == {"manufacturer",
                                                                      "product"}

        # Refused until the X fields are filled.
        status, _, e = srv.request("POST", cra + "/CRA-V-EW/submission",
                                   {"evidence": "SRP ref 1"}, token=manager)
        assert status == 422 and e["error"]["code"] == "incomplete", (status, e)
        assert {m["field"] for m in e["error"]["missing"]} == {"manufacturer", "product"}, e
        status, _, e = srv.request("PUT", cra + "/CRA-V-EW",
                                   {"fields": {"nonsense": "x"}}, token=analyst)
        assert status == 422 and e["error"]["field"] == "/fields/nonsense", (status, e)
        status, _, view = srv.request("PUT", cra + "/CRA-V-EW",
                                      {"fields": {"manufacturer": "EU Ltd, psirt@eu.example",
                                                  "product": ""}}, token=analyst)
        assert status == 200, (status, view)
        status, _, e = srv.request("POST", cra + "/CRA-V-EW/submission",
                                   {"evidence": "SRP ref 1"}, token=manager)
        assert status == 422 and [m["field"] for m in e["error"]["missing"]] == ["product"], e
        status, _, view = srv.request("PUT", cra + "/CRA-V-EW",
                                      {"fields": {"manufacturer": "EU Ltd, psirt@eu.example",
                                                  "product": "Router RT-1 2.0.0",
                                                  "member_states": ["DE", "FR"]}},
                                      token=analyst)
        assert status == 200, (status, view)
        status, _, e = srv.request("POST", cra + "/CRA-V-EW/submission", {}, token=manager)
        assert status == 422 and e["error"]["field"] == "/evidence", (status, e)
        status, _, view = srv.request("POST", cra + "/CRA-V-EW/submission",
                                      {"evidence": "SRP ref 1"}, token=manager)
        assert status == 201, (status, view)
        stages = {s["stage"]: s for s in view["stages"]}
        assert stages["CRA-V-EW"]["submitted_at"], stages["CRA-V-EW"]
        assert stages["CRA-V-EW"]["obligation"]["state"] == "met", stages["CRA-V-EW"]
        assert stages["CRA-V-N"]["obligation"]["state"] == "open", stages["CRA-V-N"]
        # A submitted stage no longer changes.
        status, _, e = srv.request("PUT", cra + "/CRA-V-EW", {"fields": {"product": "y"}},
                                   token=analyst)
        assert status == 409, (status, e)
        status, _, e = srv.request("PUT", cra + "/CRA-X", {"fields": {}}, token=analyst)
        assert status == 404, (status, e)

        # Confirmed once: a second confirmation is a conflict.
        status, _, e = srv.request("POST", cra + "/exploitation", {"evidence": "again"},
                                   token=manager)
        assert status == 409, (status, e)
        status, _, sug = srv.request("GET", cra + "/suggestions", token=analyst)
        assert sug["confirmed"] is True, sug

        srv.stop()
        rc, out, err = run("ledger", "verify", "--db", srv.db)
        assert rc == 0 and out.startswith("ledger intact"), (rc, out, err)


if __name__ == "__main__":
    run_tests(globals())
