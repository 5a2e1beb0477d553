"""Cases over HTTP (docs/cases.md): one case from an intake report through
every state to closed and back, each guard refused with its field first,
409 with the allowed states, roles per transition, optimistic revisions,
manual events set once, a duplicate report attached, the history, the
listing and its scoping, and the receipt ledger intact at the end."""
import re
import sqlite3

from clitest import run, run_tests
from servertest import Server

FAST = ["--rate-client", "1000", "--rate-client-burst", "1000"]
REF_RE = re.compile(r"^VT-\d{4}-\d{6}$")


def add_org(srv, slug, country="CN", tz="Asia/Shanghai"):
    code, out, err = srv.cli("org", "add", "--db", srv.db, "--slug", slug, "--name", slug,
                             "--kind", "vendor", "--country", country, "--time-zone", tz)
    assert code == 0, err


def submit(srv, title, vendor="acme"):
    body = {"vendor": vendor,
            "product": {"name": "Router", "model": "RT-1", "version": "2.0.0"},
            "title": title, "description": "A long Host header crashes httpd."}
    status, _, b = srv.request("POST", "/api/v1/reports", body)
    assert status == 201, (status, b)
    return b["id"]


def error_of(status, body, want_status, code, field=None):
    assert status == want_status, (status, body)
    assert body["error"]["code"] == code, body
    if field is not None:
        assert body["error"].get("field") == field, body


class Case:
    """One case as a client holds it: the last reply, for its revision."""

    def __init__(self, srv, body):
        self.srv = srv
        self.body = body
        self.ref = body["ref"]

    def get(self, token):
        status, _, b = self.srv.request("GET", "/api/v1/cases/" + self.ref, token=token)
        assert status == 200, (status, b)
        self.body = b
        return b

    def move(self, to, token, **extra):
        body = dict(extra, to=to)
        return self.srv.request("POST", "/api/v1/cases/%s/transitions" % self.ref, body,
                                token=token)

    def move_ok(self, to, token, **extra):
        status, _, b = self.move(to, token, **extra)
        assert status == 200, (to, status, b)
        assert b["state"] == to, b
        self.body = b
        return b["transition"]

    def refused(self, to, token, field, **extra):
        status, _, b = self.move(to, token, **extra)
        error_of(status, b, 422, "invalid", field)

    def patch(self, token, doc, revision=None):
        body = {"revision": revision if revision is not None else self.body["revision"],
                "doc": doc}
        status, _, b = self.srv.request("PATCH", "/api/v1/cases/" + self.ref, body,
                                        token=token)
        if status == 200:
            self.body = b
        return status, b

    def patch_ok(self, token, doc):
        before = self.body["revision"]
        status, b = self.patch(token, doc)
        assert status == 200, (status, b)
        assert b["revision"] == before + 1, (before, b["revision"])
        return b


def test_case_walks_every_state_from_an_intake_report():
    with Server(FAST) as srv:
        add_org(srv, "acme")
        add_org(srv, "other", "DE", "Europe/Berlin")
        analyst = srv.token("analyst", org="acme")
        manager = srv.token("psirt_manager", org="acme")
        auditor = srv.token("auditor")
        stranger = srv.token("psirt_manager", org="other")
        report_id = submit(srv, "Overflow in httpd")

        # A report becomes a case: E_RECEIVED is the report's receipt, E_AWARE the same.
        status, headers, b = srv.request("POST", "/api/v1/reports/%s/case" % report_id, {},
                                         token=analyst)
        assert status == 201, (status, b)
        assert REF_RE.match(b["ref"]), b
        assert headers["location"] == "/api/v1/cases/" + b["ref"], headers
        assert b["state"] == "received" and b["allowed"] == ["triage"], b
        assert b["title"] == "Overflow in httpd" and b["org"] == "acme", b
        assert b["reports"] == [report_id], b
        assert b["events"]["E_RECEIVED"]["at"] == b["events"]["E_AWARE"]["at"], b["events"]
        status, _, rep = srv.request("GET", "/api/v1/reports/" + report_id, token=analyst)
        assert status == 200 and rep["case"] == b["ref"], (status, rep)
        case = Case(srv, b)

        # Opening it again is a conflict.
        status, _, e = srv.request("POST", "/api/v1/reports/%s/case" % report_id, {},
                                   token=analyst)
        error_of(status, e, 409, "has_case")

        # An illegal transition: 409 with the current state and the allowed ones.
        status, _, e = case.move("confirmed", analyst)
        error_of(status, e, 409, "illegal_transition", "/to")
        assert e["error"]["allowed"] == ["triage"] and e["error"]["state"] == "received", e
        status, _, e = case.move("flying", analyst)
        error_of(status, e, 422, "invalid", "/to")

        case.move_ok("triage", analyst)
        assert case.body["allowed"] == ["confirmed", "rejected"], case.body

        # Verification: the note is required.
        case.refused("confirmed", analyst, "/doc/verification_note")
        status, e = case.patch(analyst, {"verification_note": "x"}, revision=0)
        error_of(status, e, 422, "invalid", "/revision")
        status, e = case.patch(analyst, {"verification_note": "x"},
                               revision=case.body["revision"] - 1)
        error_of(status, e, 409, "stale_revision")
        case.patch_ok(analyst, {"verification_note": "reproduced on 2.0.0 and 2.1.0"})
        tr = case.move_ok("confirmed", analyst)
        assert tr["stamped"] == ["E_VERIFIED"] and tr["from"] == "triage", tr

        # Assessment: a grade (here from CVSS, labelled) and the impact scope.
        case.refused("remediation", analyst, "/doc/gbt/grade")
        b = case.patch_ok(analyst, {"cvss": [
            {"vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]})
        assert b["doc"]["cvss"][0]["score"] == 9.8, b["doc"]
        assert b["doc"]["cvss"][0]["severity"] == "Critical", b["doc"]
        assert b["doc"]["gbt"]["grade"] == "critical", b["doc"]
        assert b["doc"]["gbt"]["method"] == "CVSS_DERIVED", b["doc"]
        case.refused("remediation", analyst, "/doc/impact_scope")
        status, e = case.patch(analyst, {"products": [
            {"name": "Router", "model": "RT-1", "ecosystem": "npm",
             "versions": ["2.0.0", "not a version!"]}]})
        error_of(status, e, 422, "invalid", "/doc/products/0/versions/1")
        case.patch_ok(analyst, {
            "impact_scope": "every RT-1 in the field", "harm": "remote code execution",
            "products": [{"name": "Router", "model": "RT-1", "ecosystem": "npm",
                          "versions": [{"introduced": "2.0.0", "fixed": "2.1.1"}]}],
            "product_type": "hardware", "cwe": ["CWE-787"],
            "upstream": {"purl": "pkg:npm/%40acme/httpd@2.0.0", "provider": "acme httpd"}})
        tr = case.move_ok("remediation", analyst)
        assert tr["stamped"] == ["E_ASSESSED"], tr

        # A fix: at least one remediation item.
        case.refused("fix_available", analyst, "/doc/remediations")
        case.patch_ok(analyst, {"remediations": [{"kind": "patch", "version": "2.1.1"}]})
        tr = case.move_ok("fix_available", analyst)
        assert tr["stamped"] == ["E_MEASURES_TAKEN", "E_FIX_AVAILABLE"], tr

        # Telling users and publishing are a manager's.
        status, _, e = case.move("users_notified", analyst)
        error_of(status, e, 403, "forbidden")
        tr = case.move_ok("users_notified", manager)
        assert tr["stamped"] == ["E_USERS_NOTIFIED"], tr
        case.patch_ok(manager, {"embargo_until": "2999-01-01T00:00:00Z"})
        case.refused("disclosed", manager, "/doc/embargo_until")
        case.patch_ok(manager, {"embargo_until": "2020-01-01T00:00:00+08:00"})
        # The disclosure gate (Art. 9 P3): a reviewer attests there is no exaggeration.
        case.refused("disclosed", manager, "/gate")
        status, _, b = srv.request("POST", "/api/v1/cases/%s/disclosure-records" % case.ref,
                                   {"kind": "no_exaggeration_attestation", "record": {}},
                                   token=manager)
        assert status == 201, (status, b)
        tr = case.move_ok("disclosed", manager)
        assert tr["stamped"] == ["E_PUBLISHED"], tr

        # Manual events: once each, known names only, managers only.
        path = "/api/v1/cases/%s/events" % case.ref
        status, _, e = srv.request("POST", path, {"event": "E_NVDB_REPORTED"}, token=analyst)
        assert status == 403, (status, e)
        status, _, e = srv.request("POST", path, {"event": "E_TEA_BREAK"}, token=manager)
        error_of(status, e, 422, "invalid", "/event")
        status, _, b = srv.request("POST", path, {"event": "E_NVDB_REPORTED",
                                                  "evidence": "NVDB receipt 2026-42"},
                                   token=manager)
        assert status == 201, (status, b)
        assert b["events"]["E_NVDB_REPORTED"]["evidence"] == "NVDB receipt 2026-42", b
        status, _, e = srv.request("POST", path, {"event": "E_NVDB_REPORTED",
                                                  "evidence": "again"}, token=manager)
        error_of(status, e, 409, "event_already_set", "/event")

        # Closing: every obligation met or waived first.
        status, _, obl = srv.request("GET", "/api/v1/cases/%s/obligations" % case.ref,
                                     token=manager)
        assert status == 200, (status, obl)
        pending = [o for o in obl["items"] if o["state"] in ("open", "missed")]
        assert pending, obl  # a CN vendor's case owes something (CN_RMSV_2021)
        case.refused("closed", manager, "/obligations")
        for o in pending:
            status, _, w = srv.request(
                "POST", "/api/v1/cases/%s/obligations/%s/waive" % (case.ref, o["id"]),
                {"reason": "handled outside vulntrack for this test"}, token=manager)
            assert status == 200, (status, w)
        status, _, e = case.move("closed", analyst)
        error_of(status, e, 403, "forbidden")
        case.move_ok("closed", manager)
        assert case.body["allowed"] == ["triage"], case.body

        # Reopening: managers, with a reason; events keep their first times.
        events_before = case.body["events"]
        status, _, e = case.move("triage", analyst, reason="regression")
        error_of(status, e, 403, "forbidden")
        case.refused("triage", manager, "/reason")
        tr = case.move_ok("triage", manager, reason="regression in 2.1.1")
        assert tr["stamped"] == [], tr
        assert case.body["events"] == events_before, (case.body["events"], events_before)

        # History: every transition in order, each with its ledger entry.
        status, _, h = srv.request("GET", "/api/v1/cases/%s/history" % case.ref, token=auditor)
        assert status == 200, (status, h)
        steps = [(t["from"], t["to"]) for t in h["transitions"]]
        assert steps == [(None, "received"), ("received", "triage"), ("triage", "confirmed"),
                         ("confirmed", "remediation"), ("remediation", "fix_available"),
                         ("fix_available", "users_notified"), ("users_notified", "disclosed"),
                         ("disclosed", "closed"), ("closed", "triage")], steps
        assert [t["seq"] for t in h["transitions"]] == list(range(1, 10)), h
        assert h["transitions"][-1]["reason"] == "regression in 2.1.1", h
        names = [e["event"] for e in h["events"]]
        assert sorted(names) == sorted(set(names)), names
        assert set(names) == {"E_RECEIVED", "E_AWARE", "E_VERIFIED", "E_ASSESSED",
                              "E_MEASURES_TAKEN", "E_FIX_AVAILABLE", "E_USERS_NOTIFIED",
                              "E_PUBLISHED", "E_NVDB_REPORTED"}, names
        con = sqlite3.connect(srv.db)
        try:
            kinds = {seq: (kind, subject) for seq, kind, subject in con.execute(
                "SELECT seq, kind, subject FROM ledger")}
        finally:
            con.close()
        for t in h["transitions"]:
            assert kinds[t["ledger_seq"]] == ("case.transition", case.ref), (t, kinds)

        # Another organisation does not see the case; an auditor does.
        status, _, e = srv.request("GET", "/api/v1/cases/" + case.ref, token=stranger)
        assert status == 404, (status, e)
        status, _, lst = srv.request("GET", "/api/v1/cases", token=stranger)
        assert status == 200 and lst["items"] == [], lst
        status, _, lst = srv.request("GET", "/api/v1/cases?state=triage", token=auditor)
        assert status == 200 and [c["ref"] for c in lst["items"]] == [case.ref], lst
        status, _, lst = srv.request("GET", "/api/v1/cases?state=closed", token=analyst)
        assert status == 200 and lst["items"] == [], lst
        status, _, e = srv.request("GET", "/api/v1/cases?state=open", token=analyst)
        error_of(status, e, 422, "invalid", "state")

        srv.stop()
        rc, out, err = run("ledger", "verify", "--db", srv.db)
        assert rc == 0 and out.startswith("ledger intact"), (rc, out, err)


def test_duplicates_direct_cases_and_rejection():
    with Server(FAST) as srv:
        add_org(srv, "acme")
        add_org(srv, "other", "DE", "Europe/Berlin")
        analyst = srv.token("analyst", org="acme")
        stranger = srv.token("analyst", org="other")
        admin = srv.token("admin")
        first = submit(srv, "XSS in the login form")
        second = submit(srv, "Login page XSS")
        status, _, b = srv.request("POST", "/api/v1/reports/%s/case" % first,
                                   {"title": "Reflected XSS in /login",
                                    "doc": {"cwe": ["CWE-79"]}}, token=analyst)
        assert status == 201 and b["title"] == "Reflected XSS in /login", (status, b)
        assert b["doc"]["cwe"] == ["CWE-79"], b
        ref = b["ref"]

        # Another organisation's analyst cannot touch the report.
        status, _, e = srv.request("POST", "/api/v1/reports/%s/case" % second,
                                   {"duplicate_of": ref}, token=stranger)
        assert status == 404, (status, e)
        status, _, e = srv.request("POST", "/api/v1/reports/%s/case" % second,
                                   {"duplicate_of": "VT-2000-000001"}, token=analyst)
        error_of(status, e, 422, "invalid", "/duplicate_of")
        status, _, b = srv.request("POST", "/api/v1/reports/%s/case" % second,
                                   {"duplicate_of": ref}, token=analyst)
        assert status == 200, (status, b)
        assert b["ref"] == ref and b["attached"] == {"report": second}, b
        assert b["reports"] == [first, second], b
        status, _, lst = srv.request("GET", "/api/v1/cases", token=analyst)
        assert [c["ref"] for c in lst["items"]] == [ref], lst
        status, _, e = srv.request("POST", "/api/v1/reports/%s/case" % second, {},
                                   token=analyst)
        error_of(status, e, 409, "has_case")
        con = sqlite3.connect(srv.db)
        try:
            row = con.execute("SELECT status FROM reports WHERE id = ?", (second,)).fetchone()
            dup = con.execute("SELECT count(*) FROM ledger WHERE kind = 'case.duplicate' AND "
                              "subject = ?", (ref,)).fetchone()
        finally:
            con.close()
        assert row == ("duplicate",) and dup == (1,), (row, dup)

        # A case opened directly: an internal finding with its own E_AWARE, no E_RECEIVED.
        status, _, e = srv.request("POST", "/api/v1/cases", {"title": "found in review"},
                                   token=admin)
        error_of(status, e, 422, "invalid", "/org")
        status, _, b = srv.request("POST", "/api/v1/cases",
                                   {"title": "found in review", "org": "acme",
                                    "aware_at": "2026-01-05T09:00:00+08:00",
                                    "doc": {"identifiers": [{"scheme": "INTERNAL",
                                                             "id": "SEC-7"}]}},
                                   token=admin)
        assert status == 201, (status, b)
        assert set(b["events"]) == {"E_AWARE"}, b["events"]
        assert b["events"]["E_AWARE"]["at"] == "2026-01-05T01:00:00.000Z", b["events"]
        direct = b["ref"]
        status, _, e = srv.request("POST", "/api/v1/cases",
                                   {"title": "x", "doc": {"identifiers": [
                                       {"scheme": "MITRE", "id": "1"}]}}, token=analyst)
        error_of(status, e, 422, "invalid", "/doc/identifiers/0/scheme")

        # Rejected as a duplicate of the first case, with the reason and the case kept.
        status, _, b = srv.request("POST", "/api/v1/cases/%s/transitions" % direct,
                                   {"to": "triage"}, token=analyst)
        assert status == 200, (status, b)
        status, _, b = srv.request("PATCH", "/api/v1/cases/" + direct,
                                   {"revision": b["revision"],
                                    "doc": {"verification_note": "same as " + ref}},
                                   token=analyst)
        assert status == 200, (status, b)
        status, _, e = srv.request("POST", "/api/v1/cases/%s/transitions" % direct,
                                   {"to": "rejected", "reason": "meh"}, token=analyst)
        error_of(status, e, 422, "invalid", "/reason")
        status, _, b = srv.request("POST", "/api/v1/cases/%s/transitions" % direct,
                                   {"to": "rejected", "reason": "duplicate",
                                    "duplicate_of": ref}, token=analyst)
        assert status == 200, (status, b)
        assert b["duplicate_of"] == ref and b["transition"]["stamped"] == ["E_VERIFIED"], b
        assert b["allowed"] == ["closed", "triage"], b

        # Paging: a full page names the next one.
        status, _, page = srv.request("GET", "/api/v1/cases?limit=1", token=analyst)
        assert status == 200 and [c["ref"] for c in page["items"]] == [ref], page
        assert page["next"] == ref, page
        status, _, page = srv.request("GET", "/api/v1/cases?limit=1&after=" + ref, token=analyst)
        assert [c["ref"] for c in page["items"]] == [direct] and page["next"] == direct, page
        status, _, page = srv.request("GET", "/api/v1/cases?limit=1&after=" + direct,
                                      token=analyst)
        assert page["items"] == [] and page["next"] is None, page
        status, _, page = srv.request("GET", "/api/v1/cases?state=rejected&org=acme",
                                      token=admin)
        assert [c["ref"] for c in page["items"]] == [direct], page
        status, _, e = srv.request("GET", "/api/v1/cases?limit=0", token=analyst)
        error_of(status, e, 422, "invalid", "limit")


if __name__ == "__main__":
    run_tests(globals())
