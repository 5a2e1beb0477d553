"""Notifications over HTTP (docs/notifications.md) against real receivers on
127.0.0.1: a webhook receiver (http.server in a thread) that checks the
HMAC-SHA256 signature and the timestamp and records every message id, and
an SMTP server (aiosmtpd's Controller) whose messages are read back as
MIME. A receiver that fails the first attempts, one that is down for a
while and one that never comes up: nothing is lost, the same message id
is sent every time (so the receiver processes each message once), the
dead letter is visible and retried, the upstream-notice obligation is met
from the delivery time, and a server killed right after the 201 delivers
after its restart. Contacts CRUD, scoping, roles and rule P7 too."""
import email
import email.policy
import hashlib
import hmac
import json
import os
import shutil
import socket
import sqlite3
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from clitest import SOURCE, run, run_tests
from servertest import Server

SECRET = "s3cret-webhook-key-0123"
FAST = ["--rate-client", "1000", "--rate-client-burst", "1000",
        "--notify-backoff-ms", "150", "--notify-backoff-cap-ms", "600",
        "--notify-max-attempts", "4", "--notify-poll-ms", "50", "--notify-timeout-ms", "3000"]


# -- receivers -------------------------------------------------------------

class Receiver:
    """A webhook endpoint. `fail_first` attempts get 500; every request is
    recorded with its message id and whether its signature verified."""

    def __init__(self, port=0, fail_first=0, secret=SECRET):
        self.fail_first = fail_first
        self.secret = secret.encode()
        self.attempts = []     # (message_id, status answered)
        self.processed = {}    # message_id -> body, once each
        self.bad = []          # what failed verification
        self.lock = threading.Lock()
        rec = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                mid = self.headers.get("X-Vulntrack-Message-Id")
                ts = self.headers.get("X-Vulntrack-Timestamp", "")
                sig = self.headers.get("X-Vulntrack-Signature", "")
                want = "sha256=" + hmac.new(rec.secret, ts.encode() + b"." + body,
                                            hashlib.sha256).hexdigest()
                ok = (hmac.compare_digest(want, sig) and ts.isdigit()
                      and abs(time.time() - int(ts)) < 300 and mid
                      and self.headers.get("Content-Type", "").startswith("application/json"))
                with rec.lock:
                    if not ok:
                        rec.bad.append((mid, ts, sig))
                        status = 401
                    elif len(rec.attempts) < rec.fail_first:
                        status = 500
                    else:
                        status = 200
                        if mid not in rec.processed:   # de-duplicate on the message id
                            rec.processed[mid] = json.loads(body)
                    rec.attempts.append((mid, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/hook" % self.port

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port():
    """A loopback port nobody listens on (yet)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Mailbox:
    """An SMTP handler that refuses the first `fail_first` messages (451)."""

    def __init__(self, fail_first=0):
        self.messages = []
        self.refused = 0
        self.fail_first = fail_first

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.fail_first:
            self.refused += 1
            return "451 try again later"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content,
                                                       policy=email.policy.default)))
        return "250 OK"


# -- set-up ------------------------------------------------------------------

def server(work=None, extra=(), db=None, env=None):
    data = os.path.join(SOURCE, "data")
    return Server(args=["--policy-dir", os.path.join(data, "policy"),
                        "--calendar-dir", os.path.join(data, "calendars"), *FAST, *extra],
                  workdir=work, db=db, env=env)


def add_org(srv, slug, country="CN", tz="Asia/Shanghai"):
    code, out, err = srv.cli("org", "add", "--db", srv.db, "--slug", slug, "--name", slug,
                             "--kind", "vendor", "--country", country, "--time-zone", tz)
    assert code == 0, err


def open_case(srv, token, title="Overflow in the web UI", doc=None):
    body = {"title": title, "doc": doc or {
        "upstream": {"provider": "Upstream Libs Ltd"},
        "products": [{"name": "Router", "model": "RT-1", "versions": ["2.0.0", "2.1.0"]}],
        "cvss": [{"vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "remediations": [{"kind": "patch", "version": "2.1.1"}],
        "identifiers": [{"scheme": "CVE", "id": "CVE-2026-1234"}]}}
    status, _, b = srv.request("POST", "/api/v1/cases", body, token=token)
    assert status == 201, (status, b)
    return b["ref"]


def verify(srv, token, ref):
    status, _, b = srv.request("POST", "/api/v1/cases/%s/events" % ref,
                               {"event": "E_VERIFIED"}, token=token)
    assert status in (200, 201), (status, b)


def add_contact(srv, token, **fields):
    body = {"role": "upstream", "name": "Upstream PSIRT", "country": "CN",
            "channel": "webhook", "secret": SECRET}
    body.update(fields)
    status, _, b = srv.request("POST", "/api/v1/contacts", body, token=token)
    assert status == 201, (status, b)
    return b


def outbox(srv, token, query=""):
    status, _, b = srv.request("GET", "/api/v1/outbox" + query, token=token)
    assert status == 200, (status, b)
    return b["messages"]


def wait_for(pred, timeout=20, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def notify(srv, token, ref, kind="upstream_notice", **extra):
    return srv.request("POST", "/api/v1/cases/%s/notifications" % ref,
                       dict(extra, kind=kind), token=token)


def obligation(srv, token, ref, code):
    status, _, b = srv.request("GET", "/api/v1/cases/%s/obligations" % ref, token=token)
    assert status == 200, (status, b)
    for it in b["items"]:
        if it["obligation"] == code:
            return it
    raise AssertionError("no %s in %r" % (code, b))


# -- tests -------------------------------------------------------------------

def test_flaky_receiver_gets_one_message_id_and_the_obligation_is_met():
    rec = Receiver(fail_first=2)
    try:
        with server() as srv:
            add_org(srv, "acme")
            mgr = srv.token("psirt_manager", org="acme")
            ref = open_case(srv, mgr)
            verify(srv, mgr, ref)
            assert obligation(srv, mgr, ref, "CN-UPSTREAM")["state"] == "open"
            c = add_contact(srv, mgr, address=rec.url)
            assert "secret" not in c and c["has_secret"] is True, c

            status, _, b = notify(srv, mgr, ref, note="Please confirm receipt")
            assert status == 201, (status, b)
            assert len(b["messages"]) == 1 and b["obligation"] == "CN-UPSTREAM", b
            mid = b["messages"][0]["message_id"]

            msgs = wait_for(lambda: [m for m in outbox(srv, mgr)
                                     if m["state"] == "delivered"], what="delivery")
            assert msgs[0]["message_id"] == mid and msgs[0]["attempts"] == 2, msgs
            # Three attempts, all with the same id; two 500s, then processed once.
            assert [a for a in rec.attempts] == [(mid, 500), (mid, 500), (mid, 200)], \
                rec.attempts
            assert list(rec.processed) == [mid] and not rec.bad, (rec.processed, rec.bad)
            body = rec.processed[mid]
            assert body["type"] == "upstream_notice" and body["case"] == ref, body
            assert body["advisory"] == "CVE-2026-1234" and body["note"] == "Please confirm receipt"
            assert body["products"][0]["versions"] == ["2.0.0", "2.1.0"], body
            assert body["cvss"][0]["score"] == 9.8, body

            # Met from the delivery time; the event carries the message id.
            ob = obligation(srv, mgr, ref, "CN-UPSTREAM")
            assert ob["state"] == "met", ob
            status, _, case = srv.request("GET", "/api/v1/cases/" + ref, token=mgr)
            ev = case["events"]["E_UPSTREAM_NOTIFIED"]
            assert ev["at"] == msgs[0]["delivered_at"], (ev, msgs[0])
            assert mid in ev["evidence"], ev

            # A second notice delivers but does not move the event.
            status, _, b2 = notify(srv, mgr, ref)
            assert status == 201, b2
            mid2 = b2["messages"][0]["message_id"]
            assert mid2 != mid
            wait_for(lambda: mid2 in rec.processed, what="second delivery")
            status, _, case2 = srv.request("GET", "/api/v1/cases/" + ref, token=mgr)
            assert case2["events"]["E_UPSTREAM_NOTIFIED"] == ev, case2["events"]

            # The ledger has the request and the event.
            conn = sqlite3.connect(srv.db)
            kinds = [r[0] for r in conn.execute(
                "SELECT kind FROM ledger WHERE subject = ? ORDER BY seq", (ref,))]
            delivered = conn.execute("SELECT count(*) FROM ledger WHERE subject = ? AND kind ="
                                     " 'notification.delivered'", (mid,)).fetchone()[0]
            conn.close()
            assert delivered == 1, delivered
            code, out, err = srv.cli("ledger", "verify", "--db", srv.db)
            assert code == 0, (code, out, err)
            assert kinds.count("case.notification") == 2, kinds
            assert "case.event" in kinds, kinds
    finally:
        rec.close()


def test_down_receiver_then_up_and_never_up_is_dead_then_retried():
    rec = None
    try:
        with server(extra=["--notify-max-attempts", "6"]) as srv:
            # Ports picked after the server has its own, so it cannot take one.
            late_port = free_port()
            never_port = free_port()
            add_org(srv, "acme")
            mgr = srv.token("psirt_manager", org="acme")
            reader = srv.token("analyst", org="acme")
            ref = open_case(srv, mgr)
            add_contact(srv, mgr, name="Late", address="http://127.0.0.1:%d/hook" % late_port)
            never = add_contact(srv, mgr, name="Never",
                                address="http://127.0.0.1:%d/hook" % never_port)
            status, _, b = notify(srv, mgr, ref)
            assert status == 201 and len(b["messages"]) == 2, b
            ids = {m["contact_id"]: m["message_id"] for m in b["messages"]}

            # Both fail at first (connection refused) and are retried.
            wait_for(lambda: all(m["attempts"] >= 2 for m in outbox(srv, reader)),
                     what="two failed attempts each")
            rec = Receiver(port=late_port)
            late = wait_for(lambda: [m for m in outbox(srv, reader, "?state=delivered")],
                            what="late delivery")
            assert len(late) == 1 and late[0]["contact"]["name"] == "Late", late
            assert list(rec.processed) == [late[0]["message_id"]], rec.processed

            dead = wait_for(lambda: outbox(srv, reader, "?state=dead"), what="dead letter")
            assert len(dead) == 1 and dead[0]["message_id"] == ids[never["id"]], dead
            assert dead[0]["attempts"] == 6 and dead[0]["last_error"], dead
            assert outbox(srv, reader, "?case=" + ref + "&state=dead") == dead
            conn = sqlite3.connect(srv.db)
            dead_entries = conn.execute("SELECT count(*) FROM ledger WHERE subject = ? AND"
                                        " kind = 'notification.dead'",
                                        (dead[0]["message_id"],)).fetchone()[0]
            conn.close()
            assert dead_entries == 1, dead_entries

            # Only managers retry; a retry keeps the id and delivers once it is up.
            status, _, e = srv.request("POST", "/api/v1/outbox/%d/retry" % dead[0]["id"],
                                       token=reader)
            assert status == 403, (status, e)
            rec2 = Receiver(port=never_port)
            try:
                status, _, r = srv.request("POST", "/api/v1/outbox/%d/retry" % dead[0]["id"],
                                           token=mgr)
                assert status == 200 and r["message_id"] == dead[0]["message_id"], r
                wait_for(lambda: dead[0]["message_id"] in rec2.processed, what="retried")
                status, _, again = srv.request(
                    "POST", "/api/v1/outbox/%d/retry" % dead[0]["id"], token=mgr)
                assert status == 409, (status, again)
            finally:
                rec2.close()
            assert not rec.bad
    finally:
        if rec:
            rec.close()


def test_retries_fall_due_under_a_pinned_clock():
    # A pinned service clock does not move; retries are still scheduled on
    # the real clock, and the delivery is stamped with the service clock.
    rec = Receiver(fail_first=1)
    try:
        with server(env={"VULNTRACK_FAKE_NOW": "2026-03-03T02:00:00Z"}) as srv:
            add_org(srv, "acme")
            mgr = srv.token("psirt_manager", org="acme")
            ref = open_case(srv, mgr)
            add_contact(srv, mgr, address=rec.url)
            status, _, b = notify(srv, mgr, ref)
            assert status == 201, b
            mid = b["messages"][0]["message_id"]
            done = wait_for(lambda: outbox(srv, mgr, "?state=delivered"), what="delivery")
            assert done[0]["delivered_at"] == "2026-03-03T02:00:00.000Z", done
            assert "/" not in done[0]["subject"], done  # no Chinese text: English only
            assert rec.attempts == [(mid, 500), (mid, 200)], rec.attempts
    finally:
        rec.close()


def test_email_user_notice_is_multipart_and_bilingual():
    box = Mailbox(fail_first=1)
    ctl = Controller(box, hostname="127.0.0.1", port=free_port())
    ctl.start()
    try:
        with server(extra=["--smtp-url", "smtp://127.0.0.1:%d" % ctl.port,
                           "--smtp-from", "psirt@acme.example"]) as srv:
            add_org(srv, "acme")
            mgr = srv.token("psirt_manager", org="acme")
            status, _, p = srv.request("POST", "/api/v1/products",
                                       {"name": "Router", "model": "RT-1", "type": "hardware"},
                                       token=mgr)
            assert status == 201, (status, p)
            ref = open_case(srv, mgr, title="路由器 Web 界面缓冲区溢出", doc={
                "products": [{"product_id": p["id"], "name": "Router",
                              "versions": ["2.0.0"]}],
                "remediations": [{"kind": "patch", "version": "2.0.1"}]})
            user = add_contact(srv, mgr, role="user", name="Customer A", channel="email",
                               address="ops@customer.example", product_id=p["id"],
                               versions=["2.0.0"])
            add_contact(srv, mgr, role="customer", name="Other version", channel="email",
                        address="other@customer.example", product_id=p["id"],
                        versions=["1.0.0"])
            status, _, b = notify(srv, mgr, ref, kind="user_notice")
            assert status == 201, b
            assert [m["contact_id"] for m in b["messages"]] == [user["id"]], b
            mid = b["messages"][0]["message_id"]
            wait_for(lambda: box.messages, what="mail")
            time.sleep(0.3)
            # Refused once (451), accepted at the second attempt, kept once.
            assert box.refused == 1 and len(box.messages) == 1, box.messages
            frm, rcpts, msg = box.messages[0]
            assert frm == "psirt@acme.example" and rcpts == ["ops@customer.example"]
            assert msg["Message-ID"] == "<%s@vulntrack>" % mid, msg["Message-ID"]
            assert "路由器" in str(msg["Subject"]), msg["Subject"]
            parts = {p.get_content_type(): p.get_content() for p in msg.walk()
                     if not p.is_multipart()}
            assert set(parts) == {"text/plain", "text/html"}, parts.keys()
            assert any(p.get_content_type() == "multipart/alternative" for p in msg.walk())
            assert "2.0.1" in parts["text/plain"] and "修复措施" in parts["text/plain"]
            assert "<table>" in parts["text/html"] and "路由器" in parts["text/html"]
            done = wait_for(lambda: outbox(srv, mgr, "?state=delivered"), what="delivered state")
            assert done[0]["attempts"] == 1 and done[0]["message_id"] == mid, done
            status, _, case = srv.request("GET", "/api/v1/cases/" + ref, token=mgr)
            assert mid in case["events"]["E_USERS_NOTIFIED"]["evidence"], case["events"]
    finally:
        ctl.stop()


def test_killed_after_201_delivers_after_restart():
    work = tempfile.mkdtemp(prefix="vt-notify-")
    srv = server(work=work)
    srv.start()
    port = free_port()
    try:
        add_org(srv, "acme")
        mgr = srv.token("psirt_manager", org="acme")
        ref = open_case(srv, mgr)
        add_contact(srv, mgr, address="http://127.0.0.1:%d/hook" % port)
        status, _, b = notify(srv, mgr, ref)
        assert status == 201, b
        mid = b["messages"][0]["message_id"]
        srv.kill()
        conn = sqlite3.connect(srv.db)
        rows = conn.execute("SELECT message_id, state FROM outbox").fetchall()
        conn.close()
        assert [r[0] for r in rows] == [mid], rows
        assert rows[0][1] in ("pending", "delivering"), rows
        rec = Receiver(port=port)
        try:
            srv.start()
            wait_for(lambda: mid in rec.processed, what="delivery after restart")
            assert {a[0] for a in rec.attempts} == {mid}, rec.attempts
        finally:
            rec.close()
    finally:
        srv.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_contacts_crud_roles_scoping_and_p7():
    with server() as srv:
        add_org(srv, "acme")
        add_org(srv, "other", "DE", "Europe/Berlin")
        mgr = srv.token("psirt_manager", org="acme")
        analyst = srv.token("analyst", org="acme")
        stranger = srv.token("psirt_manager", org="other")
        admin = srv.token("admin")

        status, _, e = srv.request("POST", "/api/v1/contacts",
                                   {"role": "upstream", "name": "x", "country": "CN",
                                    "channel": "webhook", "address": "http://127.0.0.1:1/",
                                    "secret": SECRET}, token=analyst)
        assert status == 403, (status, e)
        for bad, field in [({"country": "China"}, "/country"), ({"channel": "fax"}, "/channel"),
                           ({"address": "ftp://x"}, "/address"), ({"secret": None}, "/secret"),
                           ({"role": "boss"}, "/role"), ({"colour": "red"}, "/colour")]:
            body = {"role": "upstream", "name": "x", "country": "CN", "channel": "webhook",
                    "address": "http://127.0.0.1:1/", "secret": SECRET}
            body.update(bad)
            status, _, e = srv.request("POST", "/api/v1/contacts", body, token=mgr)
            assert status == 422 and e["error"]["field"] == field, (bad, status, e)

        cn = add_contact(srv, mgr, address="http://127.0.0.1:1/hook", name="Domestic")
        us = add_contact(srv, mgr, address="http://127.0.0.1:1/hook", name="Abroad",
                         country="us")
        assert us["country"] == "US"
        status, _, lst = srv.request("GET", "/api/v1/contacts", token=analyst)
        assert [c["name"] for c in lst["contacts"]] == ["Domestic", "Abroad"], lst
        status, _, lst = srv.request("GET", "/api/v1/contacts", token=stranger)
        assert lst["contacts"] == [], lst
        status, _, lst = srv.request("GET", "/api/v1/contacts", token=admin)
        assert len(lst["contacts"]) == 2, lst
        status, _, e = srv.request("PATCH", "/api/v1/contacts/%d" % cn["id"], {"name": "N"},
                                   token=stranger)
        assert status == 404, (status, e)
        status, _, p = srv.request("PATCH", "/api/v1/contacts/%d" % cn["id"],
                                   {"name": "Domestic PSIRT"}, token=mgr)
        assert status == 200 and p["name"] == "Domestic PSIRT", p

        # P7: the US contact is refused for an unpublished case of a CN vendor.
        ref = open_case(srv, mgr)
        status, _, e = notify(srv, mgr, ref)
        assert status == 422 and e["error"]["code"] == "refused", (status, e)
        assert [r["contact_id"] for r in e["refused"]] == [us["id"]], e
        assert e["refused"][0]["refusals"][0]["rule"] == "P7", e
        assert outbox(srv, mgr) == []
        status, _, b = notify(srv, mgr, ref, skip_refused=True)
        assert status == 201, b
        assert [m["contact_id"] for m in b["messages"]] == [cn["id"]], b
        assert [r["contact_id"] for r in b["refused"]] == [us["id"]], b
        assert len(outbox(srv, mgr)) == 1 and outbox(srv, stranger) == []

        # Delete disables: gone from the list, the message still names it.
        status, _, _ = srv.request("DELETE", "/api/v1/contacts/%d" % us["id"], token=mgr)
        assert status == 204
        status, _, lst = srv.request("GET", "/api/v1/contacts", token=mgr)
        assert [c["id"] for c in lst["contacts"]] == [cn["id"]], lst
        status, _, e = srv.request("DELETE", "/api/v1/contacts/%d" % us["id"], token=mgr)
        assert status == 404

        # Unknown kind; no recipients for a user notice.
        status, _, e = notify(srv, mgr, ref, kind="advert")
        assert status == 422 and e["error"]["field"] == "/kind", e
        status, _, e = notify(srv, mgr, ref, kind="user_notice")
        assert status == 422 and e["error"]["code"] == "no_recipients", e


def test_manual_record_with_evidence_meets_the_obligation_once():
    with server() as srv:
        add_org(srv, "acme")
        mgr = srv.token("psirt_manager", org="acme")
        analyst = srv.token("analyst", org="acme")
        ref = open_case(srv, mgr)
        verify(srv, mgr, ref)
        path = "/api/v1/cases/%s/notifications/manual" % ref
        status, _, e = srv.request("POST", path, {"kind": "upstream_notice",
                                                  "evidence": "x"}, token=analyst)
        assert status == 403
        status, _, e = srv.request("POST", path, {"kind": "upstream_notice"}, token=mgr)
        assert status == 422 and e["error"]["field"] == "/evidence", e
        status, _, b = srv.request("POST", path, {"kind": "upstream_notice",
                                                  "evidence": "phone call, ticket UP-77"},
                                   token=mgr)
        assert status == 201 and b["event"] == "E_UPSTREAM_NOTIFIED", b
        assert obligation(srv, mgr, ref, "CN-UPSTREAM")["state"] == "met"
        status, _, e = srv.request("POST", path, {"kind": "upstream_notice",
                                                  "evidence": "again"}, token=mgr)
        assert status == 409, (status, e)


if __name__ == "__main__":
    run_tests(globals())
