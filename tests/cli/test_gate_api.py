"""The disclosure gate over HTTP (docs/disclosure.md): the gate's answer for
publishing a case now and for sharing it abroad, disclosure records with
their required members and roles, blackout windows (admins write, readers
read), the users_notified -> disclosed transition refused by the gate and
allowed once its rules hold, an operator's system never published and its
asset identifiers kept out of documents (P2), sharing abroad (P7), and a
ledger entry for every record write."""
import sqlite3
import time

from clitest import run_tests
from servertest import Server

FAST = ["--rate-client", "1000", "--rate-client-burst", "1000"]


def add_org(srv, slug, kind="vendor", country="CN"):
    code, out, err = srv.cli("org", "add", "--db", srv.db, "--slug", slug, "--name", slug,
                             "--kind", kind, "--country", country,
                             "--time-zone", "Asia/Shanghai")
    assert code == 0, err


def rfc3339(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))


def error_of(status, body, want_status, code, field=None):
    assert status == want_status, (status, body)
    assert body["error"]["code"] == code, body
    if field is not None:
        assert body["error"].get("field") == field, body


def open_case(srv, token, scope="own_product", grade="medium"):
    """A case walked to users_notified: graded, with a patch, fix available."""
    doc = {"verification_note": "reproduced", "impact_scope": "all 2.x routers",
           "gbt": {"method": "MANUAL", "grade": grade, "justification": "reviewed"},
           "remediations": [{"kind": "patch", "version": "2.1.1"}]}
    status, _, b = srv.request("POST", "/api/v1/cases",
                               {"title": "Overflow in httpd", "scope": scope, "doc": doc},
                               token=token)
    assert status == 201, (status, b)
    ref = b["ref"]
    for to in ("triage", "confirmed", "remediation", "fix_available", "users_notified"):
        status, _, b = srv.request("POST", "/api/v1/cases/%s/transitions" % ref, {"to": to},
                                   token=token)
        assert status == 200, (to, status, b)
    return ref


def codes(result):
    return [(r["rule"], r["code"]) for r in result["refusals"]]


def gate(srv, ref, token, document=None):
    body = {} if document is None else {"document": document}
    status, _, b = srv.request("POST", "/api/v1/cases/%s/gate" % ref, body, token=token)
    assert status == 200, (status, b)
    assert b["case"] == ref and b["action"] == "publish", b
    for r in b["refusals"]:
        assert r["message"] and r["remedy"], r
    assert b["allowed"] == (b["refusals"] == []), b
    return b


def share(srv, ref, token, country, provider=None):
    body = {"country": country}
    if provider is not None:
        body["provider"] = provider
    status, _, b = srv.request("POST", "/api/v1/cases/%s/gate/share" % ref, body, token=token)
    assert status == 200, (status, b)
    return b


def add_record(srv, ref, token, kind, record):
    return srv.request("POST", "/api/v1/cases/%s/disclosure-records" % ref,
                       {"kind": kind, "record": record}, token=token)


def ledger_kinds(srv):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        return [k for (k,) in con.execute("SELECT kind FROM ledger ORDER BY seq")]
    finally:
        con.close()


def test_publication_gate_records_windows_and_the_disclosed_transition():
    with Server(FAST) as srv:
        add_org(srv, "acme")
        manager = srv.token("psirt_manager", org="acme")
        analyst = srv.token("analyst", org="acme")
        auditor = srv.token("auditor", org="acme")
        admin = srv.token("admin")
        ref = open_case(srv, manager)

        # The gate: refused by P3 (no attestation), a reader may ask.
        b = gate(srv, ref, auditor)
        assert b["allowed"] is False and codes(b) == [("P3", "no_attestation")], b
        b = gate(srv, ref, auditor, "Critical! Upgrade to 2.1.1.")
        assert ("P3", "severity_exaggerated") in codes(b), b
        b = gate(srv, ref, auditor, "极其严重的漏洞。升级到 2.1.1。")
        assert ("P3", "severity_exaggerated") in codes(b), b
        b = gate(srv, ref, auditor, "A medium severity flaw.")
        assert ("P5", "no_remediation") in codes(b), b
        status, _, e = srv.request("POST", "/api/v1/cases/%s/gate" % ref, {"document": 7},
                                   token=auditor)
        error_of(status, e, 422, "invalid", "/document")

        # The disclosed transition asks the gate: 422 naming the rule.
        status, _, e = srv.request("POST", "/api/v1/cases/%s/transitions" % ref,
                                   {"to": "disclosed"}, token=manager)
        error_of(status, e, 422, "invalid", "/gate")
        assert "P3 (no_attestation)" in e["error"]["message"], e

        # Records: managers write, with each kind's members; readers read.
        status, _, e = add_record(srv, ref, analyst, "no_exaggeration_attestation", {})
        assert status == 403, (status, e)
        status, _, e = add_record(srv, ref, manager, "early_publication_approval",
                                  {"miit_ref": "M-1", "mps_ref": "P-1"})
        error_of(status, e, 422, "invalid", "/record")
        status, _, e = add_record(srv, ref, manager, "hype_check", {})
        error_of(status, e, 422, "invalid", "/kind")
        status, _, e = add_record(srv, ref, manager, "no_exaggeration_attestation",
                                  {"reviewer": "someone else"})
        error_of(status, e, 422, "invalid", "/record")
        status, _, rec = add_record(srv, ref, manager, "no_exaggeration_attestation",
                                    {"note": "wording checked"})
        assert status == 201, (status, rec)
        assert rec["kind"] == "no_exaggeration_attestation" and rec["case"] == ref, rec
        assert rec["record"]["reviewer"].startswith("token:"), rec
        assert "reviewer_user_id" in rec["record"], rec
        status, _, lst = srv.request("GET", "/api/v1/cases/%s/disclosure-records" % ref,
                                     token=auditor)
        assert status == 200 and [r["id"] for r in lst["items"]] == [rec["id"]], lst
        b = gate(srv, ref, auditor)
        assert b["allowed"] is True, b
        b = gate(srv, ref, auditor, "A medium severity overflow. Upgrade to 2.1.1.")
        assert b["allowed"] is True, b

        # A blackout window now: admins only write it; it holds publication.
        now = int(time.time() * 1000)
        window = {"starts_at": rfc3339(now - 3600000), "ends_at": rfc3339(now + 3600000),
                  "reason": "national event"}
        status, _, e = srv.request("POST", "/api/v1/blackout-windows", window, token=manager)
        assert status == 403, (status, e)
        status, _, e = srv.request("POST", "/api/v1/blackout-windows",
                                   dict(window, ends_at=window["starts_at"]), token=admin)
        error_of(status, e, 422, "invalid", "/ends_at")
        status, _, w = srv.request("POST", "/api/v1/blackout-windows", window, token=admin)
        assert status == 201 and w["org"] is None and w["reason"] == "national event", (status, w)
        status, _, lst = srv.request("GET", "/api/v1/blackout-windows", token=auditor)
        assert status == 200 and [x["id"] for x in lst["items"]] == [w["id"]], lst
        b = gate(srv, ref, auditor)
        assert codes(b) == [("P6", "blackout_window")], b
        status, _, e = srv.request("POST", "/api/v1/cases/%s/transitions" % ref,
                                   {"to": "disclosed"}, token=manager)
        error_of(status, e, 422, "invalid", "/gate")
        assert "P6" in e["error"]["message"], e
        # With the public-security authority's consent it may go ahead.
        status, _, e = add_record(srv, ref, manager, "mps_consent", {})
        error_of(status, e, 422, "invalid", "/record")
        status, _, c = add_record(srv, ref, manager, "mps_consent", {"ref": "MPS-2026-9"})
        assert status == 201, (status, c)
        assert gate(srv, ref, auditor)["allowed"] is True
        # Deleting the window: admins only.
        status, _, e = srv.request("DELETE", "/api/v1/blackout-windows/%d" % w["id"],
                                   token=manager)
        assert status == 403, (status, e)
        status, _, _ = srv.request("DELETE", "/api/v1/blackout-windows/%d" % w["id"],
                                   token=admin)
        assert status == 204, status
        status, _, e = srv.request("DELETE", "/api/v1/blackout-windows/%d" % w["id"],
                                   token=admin)
        assert status == 404, (status, e)
        status, _, lst = srv.request("GET", "/api/v1/blackout-windows", token=auditor)
        assert lst["items"] == [], lst

        status, _, b = srv.request("POST", "/api/v1/cases/%s/transitions" % ref,
                                   {"to": "disclosed"}, token=manager)
        assert status == 200 and b["state"] == "disclosed", (status, b)
        assert b["transition"]["stamped"] == ["E_PUBLISHED"], b

        kinds = ledger_kinds(srv)
        assert kinds.count("disclosure.recorded") == 2, kinds
        assert kinds.count("blackout.added") == 1 and kinds.count("blackout.deleted") == 1, kinds


def test_operator_system_cases_are_never_published():
    with Server(FAST) as srv:
        add_org(srv, "acme")
        manager = srv.token("psirt_manager", org="acme")
        ref = open_case(srv, manager, scope="operator_system")
        status, _, rec = add_record(srv, ref, manager, "no_exaggeration_attestation", {})
        assert status == 201, (status, rec)
        b = gate(srv, ref, manager)
        assert codes(b) == [("P2", "operator_system")], b
        status, _, e = srv.request("POST", "/api/v1/cases/%s/transitions" % ref,
                                   {"to": "disclosed"}, token=manager)
        error_of(status, e, 422, "invalid", "/gate")
        assert "P2 (operator_system)" in e["error"]["message"], e
        # Any case: the organisation's asset identifiers never appear in a document.
        status, _, a = srv.request("POST", "/api/v1/assets",
                                   {"name": "billing db", "purl": "pkg:generic/billing@1.0",
                                    "identifiers": ["db1.corp.example.cn", "10.20.30.40"]},
                                   token=manager)
        assert status == 201, (status, a)
        own = open_case(srv, manager)
        status, _, rec = add_record(srv, own, manager, "no_exaggeration_attestation", {})
        assert status == 201, (status, rec)
        b = gate(srv, own, manager, "Upgrade to 2.1.1; seen on DB1.corp.example.cn.")
        assert codes(b) == [("P2", "operator_asset_identifier")], b
        b = gate(srv, own, manager, "Upgrade to 2.1.1; seen on xdb1.corp.example.cn.")
        assert b["allowed"] is True, b
        # Closing without disclosure stays possible (after the obligations).
        status, _, b = srv.request("GET", "/api/v1/cases/" + ref, token=manager)
        assert "closed" in b["allowed"], b


def test_share_abroad_p7():
    with Server(FAST) as srv:
        add_org(srv, "acme")
        add_org(srv, "plat", kind="platform")
        add_org(srv, "euro", country="DE")
        manager = srv.token("psirt_manager", org="acme")
        plat = srv.token("psirt_manager", org="plat")
        euro = srv.token("psirt_manager", org="euro")
        ref = open_case(srv, manager)

        b = share(srv, ref, manager, "US")
        assert codes(b) == [("P7", "cross_border_release_required")], b
        assert share(srv, ref, manager, "CN")["allowed"] is True
        assert share(srv, ref, manager, "US", provider=True)["allowed"] is True
        status, _, e = add_record(srv, ref, manager, "cross_border_release",
                                  {"approver": "Li Wei", "country": "US"})
        error_of(status, e, 422, "invalid", "/record")
        status, _, r = add_record(srv, ref, manager, "cross_border_release",
                                  {"approver": "Li Wei", "recipient": "Example CERT",
                                   "country": "us"})
        assert status == 201 and r["record"]["country"] == "US", (status, r)
        assert share(srv, ref, manager, "US")["allowed"] is True
        assert codes(share(srv, ref, manager, "JP")) == [("P7", "cross_border_release_required")]
        status, _, e = srv.request("POST", "/api/v1/cases/%s/gate/share" % ref,
                                   {"country": "USA"}, token=manager)
        error_of(status, e, 422, "invalid", "/country")

        # A collection platform: no release abroad, except to the product's provider.
        pref = open_case(srv, plat, scope="third_party_product")
        assert codes(share(srv, pref, plat, "DE")) == [("P7", "cross_border_blocked")]
        status, _, r = add_record(srv, pref, plat, "cross_border_release",
                                  {"approver": "Wang", "recipient": "Example GmbH",
                                   "country": "DE"})
        assert status == 201, (status, r)
        assert codes(share(srv, pref, plat, "DE")) == [("P7", "cross_border_blocked")]
        assert share(srv, pref, plat, "DE", provider=True)["allowed"] is True
        # Another organisation's case is not found.
        status, _, e = srv.request("POST", "/api/v1/cases/%s/gate/share" % pref,
                                   {"country": "DE"}, token=manager)
        assert status == 404, (status, e)

        # An organisation outside China: no Art. 9(7) duty, a note says so.
        eref = open_case(srv, euro)
        b = share(srv, eref, euro, "US")
        assert b["allowed"] is True and "not CN" in b["note"], b


if __name__ == "__main__":
    run_tests(globals())
