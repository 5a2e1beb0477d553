"""Deadline clocks over HTTP: a case opened in a Shanghai vendor shows the
NVDB clock of spec §3.2 (target and Civil-Code legal latest, in UTC and
local time), the dashboard list filters by state and due time and is
scoped to the caller's organisation, waivers and evidence follow the
role rules and the state rules, and an overdue clock is recorded missed.
The server's clock is pinned with VULNTRACK_FAKE_NOW."""
import os
import shutil
import tempfile

from clitest import SOURCE, run, run_tests
from servertest import Server


def prepare(work):
    db = os.path.join(work, "vt.db")
    orgs = [("acme", "Asia/Shanghai", "CN_RMSV_2021", []),
            ("euco", "Europe/Berlin", "CN_RMSV_2021,EU_CRA", ["--flag", "eu_manufacturer"])]
    for slug, tz, profiles, flags in orgs:
        code, out, err = run("org", "add", "--db", db, "--slug", slug, "--name", slug.title(),
                             "--kind", "vendor", "--country", "CN", "--time-zone", tz,
                             "--profiles", profiles, *flags)
        assert code == 0, err
    return db


def server(work, now):
    data = os.path.join(SOURCE, "data")
    return Server(args=["--policy-dir", os.path.join(data, "policy"),
                        "--calendar-dir", os.path.join(data, "calendars")],
                  db=prepare(work), workdir=work, env={"VULNTRACK_FAKE_NOW": now})


def open_case(srv, token, aware_at):
    status, _, body = srv.request("POST", "/api/v1/cases", token=token,
                                  body={"title": "Buffer overflow in the web UI",
                                        "aware_at": aware_at})
    assert status == 201, body
    return body["ref"]


def by_code(items):
    return {i["obligation"]: i for i in items}


def test_nvdb_clock_and_dashboard():
    work = tempfile.mkdtemp(prefix="vt-obl-")
    try:
        with server(work, "2025-03-03T03:00:00Z") as srv:
            mgr = srv.token("psirt_manager", org="acme")
            analyst = srv.token("analyst", org="acme")
            other = srv.token("psirt_manager", org="euco")
            admin = srv.token("admin")
            ref = open_case(srv, mgr, "2025-03-03T10:00:00+08:00")

            status, _, body = srv.request("GET", "/api/v1/cases/%s/obligations" % ref,
                                          token=analyst)
            assert status == 200, body
            items = by_code(body["items"])
            nvdb = items["CN-NVDB"]
            assert nvdb["state"] == "open", nvdb
            assert nvdb["start_event"] == "E_AWARE"
            assert nvdb["due"] == "2025-03-05T02:00:00.000Z", nvdb
            assert nvdb["due_local"] == "2025-03-05T10:00:00+08:00", nvdb
            assert nvdb["legal_latest"] == "2025-03-05T16:00:00.000Z", nvdb
            assert nvdb["legal_latest_local"] == "2025-03-06T00:00:00+08:00", nvdb
            assert nvdb["time_zone"] == "Asia/Shanghai"
            assert nvdb["basis"] == "LAW" and nvdb["policy"] is False
            assert items["CN-VERIFY"]["policy"] is True
            assert items["CN-OPFIX"]["state"] == "not_applicable"
            assert items["CN-USERNOTE"]["awaiting"] == "E_MEASURES_TAKEN"

            # Dashboard: pending before 4 March 12:00Z is CN-VERIFY alone.
            status, _, body = srv.request(
                "GET", "/api/v1/obligations?state=pending&due_before=2025-03-04T12:00:00Z",
                token=analyst)
            assert status == 200, body
            assert [i["obligation"] for i in body["items"]] == ["CN-VERIFY"], body
            status, _, body = srv.request("GET", "/api/v1/obligations?state=pending",
                                          token=analyst)
            dues = [i["due"] for i in body["items"] if i["due"]]
            assert dues == sorted(dues) and len(dues) >= 3, body
            # Another organisation sees none of it; an admin sees it.
            status, _, body = srv.request("GET", "/api/v1/obligations", token=other)
            assert status == 200 and body["count"] == 0, body
            status, _, body = srv.request("GET", "/api/v1/cases/%s/obligations" % ref,
                                          token=other)
            assert status == 404, body
            status, _, body = srv.request("GET", "/api/v1/obligations?org=acme", token=admin)
            assert status == 200 and body["count"] == len(items), body
            # Bad filters.
            status, _, body = srv.request("GET", "/api/v1/obligations?due_before=tomorrow",
                                          token=analyst)
            assert status == 422 and body["error"]["field"] == "due_before", body
            status, _, body = srv.request("GET", "/api/v1/obligations?state=late",
                                          token=analyst)
            assert status == 422 and body["error"]["field"] == "state", body

            # Waiving: managers only, with a reason, once.
            path = "/api/v1/cases/%s/obligations/CN-PATCH/waive" % ref
            status, _, body = srv.request("POST", path, token=analyst, body={"reason": "x"})
            assert status == 403, body
            status, _, body = srv.request("POST", path, token=mgr, body={"reason": ""})
            assert status == 422 and body["error"]["field"] == "/reason", body
            status, _, body = srv.request("POST", path, token=mgr,
                                          body={"reason": "the supplier ships the fix"})
            assert status == 200 and body["state"] == "waived", body
            assert body["waived_reason"] == "the supplier ships the fix"
            status, _, body = srv.request("POST", path, token=mgr, body={"reason": "again"})
            assert status == 409, body

            # Evidence by an analyst, by numeric id.
            path = "/api/v1/cases/%s/obligations/%d/evidence" % (ref, nvdb["id"])
            status, _, body = srv.request("POST", path, token=analyst,
                                          body={"evidence": "NVDB receipt 2025-0042",
                                                "met_at": "2025-03-03T02:30:00Z"})
            assert status == 200 and body["state"] == "met", body
            assert body["met_at"] == "2025-03-03T02:30:00.000Z" and body["late"] is False, body
            status, _, body = srv.request("POST", path, token=analyst,
                                          body={"evidence": "x",
                                                "met_at": "2025-03-09T00:00:00Z"})
            assert status == 422 and body["error"]["field"] == "/met_at", body
            status, _, body = srv.request(
                "POST", "/api/v1/cases/%s/obligations/NO-SUCH/evidence" % ref, token=analyst,
                body={"evidence": "x"})
            assert status == 404, body

            # The ledger has the computation, the waiver and the evidence.
            auditor = srv.token("auditor")
            kinds, after = [], 0
            while True:
                status, _, body = srv.request("GET", "/api/v1/ledger?after=%d" % after,
                                              token=auditor)
                assert status == 200, body
                kinds += [(e["kind"], e["subject"]) for e in body["entries"]]
                if body["next_after"] is None:
                    break
                after = body["next_after"]
            for kind in ("obligation.computed", "obligation.waived", "obligation.met"):
                assert (kind, ref) in kinds, kinds
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_overdue_is_missed_and_local_times_follow_the_zone():
    work = tempfile.mkdtemp(prefix="vt-obl-")
    try:
        # Now is 2026-03-30 (after the Berlin spring-forward); awareness was
        # on 28 March, in winter time: the 24 h clock ended in summer time.
        with server(work, "2026-03-30T12:00:00Z") as srv:
            mgr = srv.token("psirt_manager", org="euco")
            ref = open_case(srv, mgr, "2026-03-28T10:00:00+01:00")
            status, _, body = srv.request("GET", "/api/v1/obligations?state=missed", token=mgr)
            assert status == 200, body
            items = by_code(body["items"])
            verify = items["CN-VERIFY"]
            assert verify["case"] == ref and verify["late"] is True, verify
            assert verify["due"] == "2026-03-29T09:00:00.000Z", verify
            assert verify["due_local"] == "2026-03-29T11:00:00+02:00", verify
            assert verify["start_local"] == "2026-03-28T10:00:00+01:00", verify
            assert verify["time_zone"] == "Europe/Berlin"
            # CRA clocks are not applicable without an exploitation trigger.
            status, _, body = srv.request("GET", "/api/v1/obligations?profile=EU_CRA",
                                          token=mgr)
            assert status == 200 and body["count"] == 7, body
            assert {i["state"] for i in body["items"]} == {"not_applicable"}, body
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    run_tests(globals())
