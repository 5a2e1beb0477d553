"""The authorisation matrix: every route the server registers, called as
anonymous, admin, psirt_manager, analyst, auditor, partner (machine tokens),
a console session of each console role, and a reporter (the tracking token
of a report submitted here), gets 401
(anonymous) or 403 (the others) exactly when its ALLOW list in
`vulntrack serve --routes` refuses that caller, and neither when it allows
it. Also: docs/security.md's table is the route list; a tracking token
opens its own report only; callers bound to an organisation see only its
organisations, users and tokens."""
import hashlib
import os
import sqlite3
import subprocess
import sys

from clitest import SOURCE, VT, run, run_tests
from servertest import Server

ROLES = ["admin", "psirt_manager", "analyst", "auditor", "partner"]
FAST = ["--rate-client", "1000", "--rate-client-burst", "1000"]
KNOWN = set(ROLES) | {"reporter", "tracking", "anonymous"}


def routes():
    code, out, err = run("serve", "--routes")
    assert code == 0, err
    rows = []
    for line in out.splitlines():
        method, pattern, allow = line.split(" ")
        names = set(allow.split(",")) if allow else set()
        assert names <= KNOWN, (line, names - KNOWN)
        rows.append((method, pattern, names))
    assert rows, "no routes"
    return rows


def report_body(title):
    return {"product": {"name": "Router", "model": "RT-1", "version": "2.0"},
            "title": title, "description": "A long Host header crashes httpd."}


def submit_report(srv, title):
    status, _, body = srv.request("POST", "/api/v1/reports", body=report_body(title))
    assert status == 201, (status, body)
    return body["id"], body["tracking_token"]


def token_id(srv, token):
    con = sqlite3.connect(srv.db)
    try:
        (tid,), = con.execute("SELECT id FROM tokens WHERE hash = ?",
                              (hashlib.sha256(token.encode()).digest(),)).fetchall()
    finally:
        con.close()
    return tid


def add_org(srv, admin, slug, country="CN"):
    status, _, body = srv.request("POST", "/api/v1/orgs", token=admin, body={
        "slug": slug, "name": slug.title(), "kind": "vendor", "country": country,
        "time_zone": "Asia/Shanghai"})
    assert status == 201, (status, body)
    return body


def fill(srv, pattern, report_id):
    """The pattern with plausible path parameters: the report for report
    routes, a fresh throwaway token for token routes (so that a DELETE
    revokes nothing the test needs), an existing organisation's slug."""
    out = []
    segs = pattern.split("/")
    for i, seg in enumerate(segs):
        if not (seg.startswith("{") and seg.endswith("}")):
            out.append(seg)
            continue
        name, parent = seg[1:-1], segs[i - 1]
        if parent == "reports":
            out.append(report_id)
        elif parent == "tokens":
            out.append(str(token_id(srv, srv.token("auditor", name="throwaway"))))
        elif name == "slug":
            out.append("acme")
        elif name == "version":
            out.append("2.0")
        elif name == "advisory_id":
            out.append("GHSA-0000-0000-0000")
        else:
            out.append("1")
    return "/".join(out)


def allowed(principal, names):
    principal = principal.split(":")[-1]  # "session:analyst": a session of that role
    if principal == "anonymous":
        return "anonymous" in names
    if principal == "reporter":
        # The tracking token of the report in the path, or a route open to all.
        return "anonymous" in names or "tracking" in names
    return principal in names


def test_rule_names_are_consistent():
    for method, pattern, names in routes():
        where = "%s %s" % (method, pattern)
        assert names, where + ": a route nobody may call"
        if "tracking" in names and "anonymous" not in names:
            # The server checks a tracking token against path parameter 0.
            assert pattern.startswith("/api/v1/reports/{id}"), where
        if "reporter" in names:
            # Only tracking tokens carry the reporter role: the role bit
            # alone would let no reporter in.
            assert "tracking" in names or "anonymous" in names, where


def test_matrix_every_route_every_caller():
    rows = routes()
    with Server(args=FAST) as srv:
        tokens = {r: srv.token(r, name="matrix-" + r) for r in ROLES}
        add_org(srv, tokens["admin"], "acme")
        report_id, tracking = submit_report(srv, "Matrix report")
        tokens["reporter"] = tracking
        tokens["anonymous"] = None
        # Console sessions must be judged like machine tokens of their role.
        sessions = []
        for r in ROLES[:4]:
            status, _, body = srv.request("POST", "/api/v1/users", token=tokens["admin"], body={
                "name": "matrix-" + r, "role": r, "password": "matrix password " + r})
            assert status == 201, body
            sessions.append("session:" + r)

        def login(who):
            r = who.split(":")[1]
            status, _, body = srv.request("POST", "/api/v1/session", body={
                "name": "matrix-" + r, "password": "matrix password " + r})
            assert status == 201, body
            tokens[who] = body["token"]

        for who in sessions:
            login(who)
        failures, server_errors = [], []
        for method, pattern, names in rows:
            for who in ["anonymous", "reporter"] + ROLES + sessions:
                path = fill(srv, pattern, report_id)
                body = {} if method in ("POST", "PUT", "PATCH") else None
                status, _, reply = srv.request(method, path, body=body, token=tokens[who])
                if who in sessions and (method, pattern) == ("DELETE", "/api/v1/session"):
                    login(who)  # that request ended the session
                ok = allowed(who, names)
                if ok and status in (401, 403):
                    failures.append("%s %s as %s: allowed by the rule, got %d %s"
                                    % (method, path, who, status, reply))
                if not ok:
                    want = 401 if who == "anonymous" else 403
                    if status != want:
                        failures.append("%s %s as %s: refused by the rule, want %d, got %d %s"
                                        % (method, path, who, want, status, reply))
                if status >= 500:
                    server_errors.append("%s %s as %s: %d" % (method, path, who, status))
        # The callers' own tokens still work: nothing above revoked them.
        for r in ROLES:
            status, _, who = srv.request("GET", "/api/v1/whoami", token=tokens[r])
            assert status == 200 and who["role"] == r, (r, status, who)
        if server_errors:
            sys.stderr.write("note: 5xx answers (not an authorisation failure):\n  "
                             + "\n  ".join(server_errors) + "\n")
        assert not failures, "\n".join(failures)


def test_security_doc_table_is_the_route_list():
    p = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "security-table.py"),
                        "--check", "--vulntrack", VT], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr + p.stdout
    # And the table really has one row per route (the script and its check
    # could agree on an empty table).
    with open(os.path.join(SOURCE, "docs", "security.md"), encoding="utf-8") as f:
        doc = f.read()
    table = doc.split("<!-- BEGIN AUTHORISATION TABLE")[1].split("<!-- END")[0]
    got = [line.split("|")[1:3] for line in table.splitlines() if line.startswith("| ")][1:]
    got = [(m.strip(), p.strip().strip("`")) for m, p in got]
    assert got == [(m, p) for m, p, _ in routes()]


def test_tracking_token_opens_its_own_report_only():
    with Server(args=FAST) as srv:
        admin = srv.token("admin")
        add_org(srv, admin, "acme")
        a_id, a_tok = submit_report(srv, "Report A")
        b_id, b_tok = submit_report(srv, "Report B")
        status, _, body = srv.request("GET", "/api/v1/reports/" + a_id, token=a_tok)
        assert status == 200, (status, body)
        status, _, body = srv.request("GET", "/api/v1/reports/" + b_id, token=a_tok)
        assert status == 403, (status, body)
        status, _, body = srv.request("POST", "/api/v1/reports/%s/messages" % b_id, token=a_tok,
                                      body={"text": "hello"})
        assert status == 403, (status, body)
        status, _, body = srv.request("GET", "/api/v1/reports/" + a_id, token=b_tok)
        assert status == 403, (status, body)
        # Not a staff credential either.
        for path in ("/api/v1/reports", "/api/v1/orgs", "/api/v1/cases"):
            status, _, body = srv.request("GET", path, token=a_tok)
            assert status == 403, (path, status, body)
        status, _, who = srv.request("GET", "/api/v1/whoami", token=a_tok)
        assert status == 200, who
        assert (who["kind"], who["role"], who["report_id"]) == ("tracking", "reporter", a_id)


def test_org_bound_callers_see_their_org_only():
    with Server(args=FAST) as srv:
        admin = srv.token("admin")
        add_org(srv, admin, "acme")
        add_org(srv, admin, "other", country="DE")
        for name, org in (("u-acme", "acme"), ("u-other", "other")):
            status, _, body = srv.request("POST", "/api/v1/users", token=admin, body={
                "name": name, "role": "analyst", "org": org, "password": "twelve chars!"})
            assert status == 201, (status, body)
        analyst = srv.token("analyst", org="acme")
        status, _, body = srv.request("GET", "/api/v1/orgs", token=analyst)
        assert status == 200, body
        assert [o["slug"] for o in body["orgs"]] == ["acme"]
        status, _, body = srv.request("GET", "/api/v1/orgs", token=admin)
        assert sorted(o["slug"] for o in body["orgs"]) == ["acme", "other"]
        assert srv.request("GET", "/api/v1/orgs/acme", token=analyst)[0] == 200
        status, _, body = srv.request("GET", "/api/v1/orgs/other", token=analyst)
        assert status == 404, (status, body)

        org_admin = srv.token("admin", org="acme")
        status, _, body = srv.request("GET", "/api/v1/users", token=org_admin)
        assert status == 200, body
        assert [u["name"] for u in body["users"]] == ["u-acme"]
        status, _, body = srv.request("GET", "/api/v1/users", token=admin)
        assert sorted(u["name"] for u in body["users"]) == ["u-acme", "u-other"]
        status, _, body = srv.request("POST", "/api/v1/users", token=org_admin, body={
            "name": "sneaky", "role": "admin", "org": "other", "password": "twelve chars!"})
        assert status == 403, (status, body)
        status, _, body = srv.request("PATCH", "/api/v1/orgs/other", token=org_admin,
                                      body={"name": "Renamed"})
        assert status == 404, (status, body)
        status, _, body = srv.request("POST", "/api/v1/orgs", token=org_admin, body={
            "slug": "third", "name": "T", "kind": "vendor", "country": "CN",
            "time_zone": "Asia/Shanghai"})
        assert status == 403, (status, body)

        other_tok = srv.token("partner", org="other")
        status, _, body = srv.request("GET", "/api/v1/tokens", token=org_admin)
        assert status == 200, body
        assert {t["org"] for t in body["tokens"]} == {"acme"}, body
        status, _, body = srv.request("DELETE", "/api/v1/tokens/%d" % token_id(srv, other_tok),
                                      token=org_admin)
        assert status == 404, (status, body)
        assert srv.request("GET", "/api/v1/whoami", token=other_tok)[0] == 200


def test_login_session_logout():
    with Server(args=FAST) as srv:
        admin = srv.token("admin")
        status, _, body = srv.request("POST", "/api/v1/users", token=admin, body={
            "name": "carol", "role": "auditor", "password": "correct horse battery"})
        assert status == 201, body
        status, headers, body = srv.request("POST", "/api/v1/session", body={
            "name": "carol", "password": "correct horse battery"})
        assert status == 201, body
        assert set(body) == {"token", "expires_at", "role", "name"}
        assert body["token"].startswith("vts_") and body["role"] == "auditor"
        assert headers.get("cache-control") == "no-store"
        session = body["token"]
        status, _, who = srv.request("GET", "/api/v1/whoami", token=session)
        assert (status, who["kind"], who["role"], who["name"]) == (
            200, "session", "auditor", "user:carol")
        # The session has the auditor's rights and no more.
        assert srv.request("GET", "/api/v1/orgs", token=session)[0] == 200
        assert srv.request("GET", "/api/v1/users", token=session)[0] == 403
        wrong = srv.request("POST", "/api/v1/session",
                            body={"name": "carol", "password": "wrong password!!"})
        unknown = srv.request("POST", "/api/v1/session",
                              body={"name": "nobody", "password": "wrong password!!"})
        assert wrong[0] == unknown[0] == 401
        assert wrong[2] == unknown[2], (wrong[2], unknown[2])
        assert srv.request("DELETE", "/api/v1/session", token=session)[0] == 204
        assert srv.request("GET", "/api/v1/whoami", token=session)[0] == 401


if __name__ == "__main__":
    run_tests(globals())
