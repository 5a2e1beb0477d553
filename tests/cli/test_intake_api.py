"""The intake channel over HTTP (docs/intake.md): submission by anyone and
by partners with the exact 201 shape, receipts that are ledger entries,
the reporter's tracking token, messages, field-level refusals, body and
attachment limits, rate limiting, the staff listing and attachment
downloads."""
import base64
import datetime
import hashlib
import json
import re
import sqlite3

from clitest import run, run_tests
from servertest import Server

ID_RE = re.compile(r"^R-[0-9A-HJKMNP-TV-Z]{20}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
FAST = ["--rate-client", "1000", "--rate-client-burst", "1000"]


def report(title="Overflow in the web UI", **extra):
    body = {
        "product": {"name": "Router", "model": "RT-1", "version": "2.0"},
        "title": title,
        "description": "Sending a 5000-byte Host header crashes httpd.",
    }
    body.update(extra)
    return body


def b64(data):
    return base64.b64encode(data).decode()


def add_org(srv, slug, kind="vendor", *extra):
    code, out, err = srv.cli("org", "add", "--db", srv.db, "--slug", slug, "--name", slug,
                             "--kind", kind, "--country", "CN",
                             "--time-zone", "Asia/Shanghai", *extra)
    assert code == 0, err


def check_receipt_shape(status, headers, body):
    assert status == 201, (status, body)
    assert set(body) == {"id", "tracking_token", "receipt"}, body
    assert ID_RE.match(body["id"]), body["id"]
    assert body["tracking_token"].startswith("vtr_"), body
    receipt = body["receipt"]
    assert set(receipt) == {"seq", "entry_hash", "received_at"}, receipt
    assert isinstance(receipt["seq"], int) and receipt["seq"] >= 1, receipt
    assert HEX64.match(receipt["entry_hash"]), receipt
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", receipt["received_at"]), receipt
    when = datetime.datetime.fromisoformat(receipt["received_at"].replace("Z", "+00:00"))
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - when).total_seconds()) < 300, (when, now)
    assert headers["location"] == "/api/v1/reports/" + body["id"], headers


def ledger_rows(db):
    con = sqlite3.connect(db)
    try:
        return {row[0]: row[1:] for row in con.execute(
            "SELECT seq, kind, channel, actor, subject, content_sha256, detail, entry_hash"
            " FROM ledger")}
    finally:
        con.close()


def test_anonymous_and_partner_submissions_get_ledger_receipts():
    with Server(FAST) as srv:
        add_org(srv, "acme")
        partner = srv.token("partner", name="cert-lab")
        attachment = b"GET / HTTP/1.1\r\nHost: " + b"A" * 64 + b"\r\n"
        anon_body = report(reporter={"name": "Zhang San", "email": "zhang@example.cn"},
                           attachments=[{"filename": "poc.txt", "media_type": "text/plain",
                                         "classification": "poc",
                                         "content_base64": b64(attachment)}])
        raw = json.dumps(anon_body).encode()
        status, headers, a = srv.request("POST", "/api/v1/reports", raw=raw,
                                         headers={"Content-Type": "application/json"})
        check_receipt_shape(status, headers, a)
        status, headers, p = srv.request("POST", "/api/v1/reports", body=report("Second"),
                                         token=partner)
        check_receipt_shape(status, headers, p)
        assert p["receipt"]["seq"] > a["receipt"]["seq"], (a, p)
        assert p["id"] > a["id"], (a["id"], p["id"])  # ids are time-ordered

        code, out, err = run("ledger", "verify", "--db", srv.db)
        assert code == 0, (code, out, err)
        rows = ledger_rows(srv.db)
        kind, channel, actor, subject, content, detail, entry_hash = rows[a["receipt"]["seq"]]
        assert (kind, channel, actor, subject) == ("report.received", "api", "anonymous", a["id"])
        assert entry_hash == a["receipt"]["entry_hash"]
        assert content == hashlib.sha256(raw).hexdigest()  # the exact request bytes
        detail = json.loads(detail)
        assert detail["record"] == a["id"] and detail["summary"] == anon_body["title"], detail
        assert detail["product"] == anon_body["product"], detail
        assert detail["reporter"] == anon_body["reporter"], detail
        assert detail["handler"] == "acme", detail
        assert [x["sha256"] for x in detail["attachments"]] == [
            hashlib.sha256(attachment).hexdigest()], detail
        kind, channel, actor, subject, _, _, entry_hash = rows[p["receipt"]["seq"]]
        assert (kind, channel, actor, subject) == ("report.received", "partner:cert-lab",
                                                   "token:cert-lab", p["id"]), rows
        assert entry_hash == p["receipt"]["entry_hash"]

        con = sqlite3.connect(srv.db)
        (stored_hash,) = con.execute("SELECT tracking_hash FROM reports WHERE id = ?",
                                     (a["id"],)).fetchone()
        con.close()
        assert stored_hash == hashlib.sha256(a["tracking_token"].encode()).digest()


def test_tracking_token_reads_its_own_report_only():
    with Server(FAST) as srv:
        add_org(srv, "acme")
        add_org(srv, "other")
        _, _, a = srv.request("POST", "/api/v1/reports", body=report("First"))
        _, _, b = srv.request("POST", "/api/v1/reports", body=report("Second"))
        status, _, view = srv.request("GET", "/api/v1/reports/" + a["id"],
                                      token=a["tracking_token"])
        assert status == 200, view
        assert view["id"] == a["id"] and view["title"] == "First", view
        assert view["status"] == "received" and view["case"] is None, view
        assert view["received_at"] == a["receipt"]["received_at"], view
        for internal in ("client_addr", "submitted_by", "report", "channel", "org"):
            assert internal not in view, (internal, view)
        status, _, body = srv.request("GET", "/api/v1/reports/" + a["id"],
                                      token=b["tracking_token"])
        assert status == 403 and body["error"]["code"] == "forbidden", body
        status, _, body = srv.request("GET", "/api/v1/reports/" + a["id"])
        assert status == 401, body
        status, _, body = srv.request("GET", "/api/v1/reports/" + a["id"], token="vtr_forged")
        assert status == 401, body

        analyst = srv.token("analyst", org="acme")
        status, _, view = srv.request("GET", "/api/v1/reports/" + a["id"], token=analyst)
        assert status == 200 and view["client_addr"] == "127.0.0.1", view
        assert view["org"] == "acme" and view["report"]["title"] == "First", view
        outsider = srv.token("auditor", org="other")
        status, _, body = srv.request("GET", "/api/v1/reports/" + a["id"], token=outsider)
        assert status == 404, body
        partner = srv.token("partner")
        status, _, body = srv.request("GET", "/api/v1/reports/" + a["id"], token=partner)
        assert status == 403, body


def test_messages_are_received_and_logged():
    with Server(FAST) as srv:
        add_org(srv, "acme")
        _, _, a = srv.request("POST", "/api/v1/reports", body=report())
        _, _, b = srv.request("POST", "/api/v1/reports", body=report("Other"))
        note = {"text": "The crash also happens on 1.9.",
                "attachments": [{"filename": "core.txt", "media_type": "text/plain",
                                 "classification": "log", "content_base64": b64(b"core")}]}
        status, headers, m = srv.request("POST", "/api/v1/reports/%s/messages" % a["id"],
                                         body=note, token=a["tracking_token"])
        assert status == 201, m
        assert set(m) == {"id", "report", "receipt"} and m["report"] == a["id"], m
        assert m["receipt"]["seq"] > b["receipt"]["seq"], m
        assert HEX64.match(m["receipt"]["entry_hash"]), m
        analyst = srv.token("analyst", org="acme", name="alice")
        status, _, s = srv.request("POST", "/api/v1/reports/%s/messages" % a["id"],
                                   body={"text": "Thanks, confirmed."}, token=analyst)
        assert status == 201, s
        status, _, body = srv.request("POST", "/api/v1/reports/%s/messages" % a["id"],
                                      body={"text": "not mine"}, token=b["tracking_token"])
        assert status == 403, body
        status, _, body = srv.request("POST", "/api/v1/reports/%s/messages" % a["id"],
                                      body={"text": "  "}, token=a["tracking_token"])
        assert status == 422 and body["error"]["field"] == "/text", body

        status, _, view = srv.request("GET", "/api/v1/reports/" + a["id"],
                                      token=a["tracking_token"])
        assert [(x["author"], x["text"]) for x in view["messages"]] == [
            ("reporter", note["text"]), ("staff", "Thanks, confirmed.")], view
        assert [x["filename"] for x in view["messages"][0]["attachments"]] == ["core.txt"]
        code, out, err = run("ledger", "verify", "--db", srv.db)
        assert code == 0, (code, out, err)
        rows = ledger_rows(srv.db)
        assert rows[m["receipt"]["seq"]][:4] == ("report.message", "api",
                                                 "reporter:" + a["id"], a["id"]), rows
        assert rows[m["receipt"]["seq"]][6] == m["receipt"]["entry_hash"]
        assert rows[s["receipt"]["seq"]][0] == "report.message"


def test_refusals_name_the_field():
    cases = [
        (report(colour="red"), 422, "/colour"),
        ({"title": "t", "description": "d"}, 422, "/product"),
        (report(product={"name": " ", "model": "M", "version": "1"}), 422, "/product/name"),
        (report(title="x" * 301), 422, "/title"),
        (report(reporter={"email": "not-an-address"}), 422, "/reporter/email"),
        (report(cvss_vector="CVSS:3.1/AV:N"), 422, "/cvss_vector"),
        (report(vendor="no-such-vendor"), 422, "/vendor"),
        (report(attachments=[{"filename": "a", "media_type": "text/plain",
                              "content_base64": b64(b"x")}]), 422,
         "/attachments/0/classification"),
        (report(attachments=[{"filename": "a", "media_type": "text/plain",
                              "classification": "weapon", "content_base64": b64(b"x")}]), 422,
         "/attachments/0/classification"),
        (report(attachments=[{"filename": "a", "media_type": "text/plain",
                              "classification": "log", "content_base64": "@@@="}]), 422,
         "/attachments/0/content_base64"),
        (report(attachments=[{"filename": "a", "media_type": "text/plain",
                              "classification": "exploit", "content_base64": b64(b"x" * 17)}]),
         413, "/attachments/0/content_base64"),
    ]
    with Server(FAST + ["--attachment-limit", "16", "--body-limit", "4096"]) as srv:
        for body, want_status, want_field in cases:
            status, _, reply = srv.request("POST", "/api/v1/reports", body=body)
            assert status == want_status, (body, status, reply)
            assert reply["error"]["field"] == want_field, (body, reply)
            assert reply["error"]["message"], reply
        # Malformed JSON: 400 with the byte offset.
        status, _, reply = srv.request("POST", "/api/v1/reports", raw=b'{"title": tru}',
                                       headers={"Content-Type": "application/json"})
        assert status == 400 and reply["error"]["code"] == "malformed_json", reply
        assert "at byte 10" in reply["error"]["message"], reply
        # \u0000 would cut a string short: refused.
        status, _, reply = srv.request(
            "POST", "/api/v1/reports", raw=json.dumps(report(title="a\u0000b")).encode(),
            headers={"Content-Type": "application/json"})
        assert status == 422, reply
        # Over the body limit: 413 before the route looks at it.
        status, _, reply = srv.request("POST", "/api/v1/reports",
                                       body=report(description="d" * 5000))
        assert status == 413 and reply["error"]["code"] == "too_large", reply
        # Nothing refused was recorded.
        con = sqlite3.connect(srv.db)
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM ledger").fetchone()[0] == 0
        con.close()


def test_platform_without_filing_id_has_no_public_intake():
    with Server(FAST) as srv:
        add_org(srv, "hub", "platform")
        add_org(srv, "filed", "platform", "--filing-id", "F-2026-1")
        status, _, body = srv.request("POST", "/api/v1/reports", body=report(vendor="hub"))
        assert status == 403 and body["error"]["code"] == "intake_closed", body
        assert body["error"]["field"] == "/vendor" and "Art. 10" in body["error"]["message"]
        status, _, body = srv.request("POST", "/api/v1/reports", body=report(vendor="hub"),
                                      token=srv.token("partner"))
        assert status == 403, body
        status, _, body = srv.request("POST", "/api/v1/reports", body=report(vendor="hub"),
                                      token=srv.token("analyst"))
        assert status == 201, body
        status, _, body = srv.request("POST", "/api/v1/reports", body=report(vendor="filed"))
        assert status == 201, body


def test_rate_limit_answers_429_with_retry_after():
    with Server(["--rate-client", "0.5", "--rate-client-burst", "2"]) as srv:
        statuses = []
        for i in range(4):
            status, headers, body = srv.request("POST", "/api/v1/reports",
                                                body=report("r%d" % i))
            statuses.append(status)
            if status == 429:
                assert body["error"]["code"] == "rate_limited", body
                assert int(headers["retry-after"]) >= 1, headers
        assert statuses[:2] == [201, 201], statuses
        assert 429 in statuses[2:], statuses


def test_staff_list_and_attachment_download():
    with Server(FAST) as srv:
        add_org(srv, "acme")
        ids = []
        data = "日志\n".encode() + bytes(range(256))
        for i in range(3):
            body = report("r%d" % i, attachments=[{
                "filename": "日志 %d.bin" % i, "media_type": "application/x-evil",
                "classification": "tool", "content_base64": b64(data)}])
            status, _, r = srv.request("POST", "/api/v1/reports", body=body)
            assert status == 201, r
            ids.append(r)
        auditor = srv.token("auditor")
        status, _, page = srv.request("GET", "/api/v1/reports?limit=2", token=auditor)
        assert status == 200, page
        assert [x["id"] for x in page["items"]] == [ids[2]["id"], ids[1]["id"]], page
        status, _, page2 = srv.request("GET", "/api/v1/reports?limit=2&after=" + page["next"],
                                       token=auditor)
        assert [x["id"] for x in page2["items"]] == [ids[0]["id"]] and page2["next"] is None
        status, _, body = srv.request("GET", "/api/v1/reports?limit=0", token=auditor)
        assert status == 422 and body["error"]["field"] == "limit", body
        status, _, body = srv.request("GET", "/api/v1/reports", token=ids[0]["tracking_token"])
        assert status == 403, body

        analyst = srv.token("analyst")
        status, _, view = srv.request("GET", "/api/v1/reports/" + ids[0]["id"], token=analyst)
        aid = view["attachments"][0]["id"]
        assert view["attachments"][0]["classification"] == "tool", view
        url = "/api/v1/reports/%s/attachments/%d" % (ids[0]["id"], aid)
        status, headers, _ = srv.request("GET", url, token=ids[0]["tracking_token"])
        assert status == 403, status
        status, headers, _ = srv.request("GET", url, token=auditor)
        assert status == 403, status
        import urllib.request
        req = urllib.request.Request(srv.url + url, headers={"Authorization": "Bearer " + analyst})
        with urllib.request.urlopen(req, timeout=30) as resp:
            got = resp.read()
            assert resp.status == 200
            # An unknown media type is never served as itself.
            assert resp.headers["Content-Type"] == "application/octet-stream", resp.headers
            assert resp.headers["Content-Disposition"].startswith("attachment;"), resp.headers
            assert "filename*=UTF-8''%E6%97%A5%E5%BF%97%200.bin" in \
                resp.headers["Content-Disposition"], resp.headers
            assert resp.headers["X-Content-SHA256"] == hashlib.sha256(data).hexdigest()
        assert got == data
        status, _, body = srv.request("GET", "/api/v1/reports/%s/attachments/999" % ids[0]["id"],
                                      token=analyst)
        assert status == 404, body


if __name__ == "__main__":
    run_tests(globals())
