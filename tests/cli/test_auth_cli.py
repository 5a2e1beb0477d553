"""`vulntrack token`, `user` and `org`: the token create contract (one line
on stdout, a token that authenticates, only its SHA-256 stored), usage
errors with exit 2, users from --password-stdin, organisations."""
import hashlib
import json
import os
import pty
import select
import signal
import time
import re
import shutil
import sqlite3
import tempfile

from clitest import VT, run, run_tests
import servertest

TOKEN_RE = re.compile(r"^vtm_[A-Za-z0-9_-]{43}$")


class TempDb:
    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="vt-auth-cli-")
        self.path = os.path.join(self.dir, "t.db")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.dir, ignore_errors=True)


def rows(db, sql, *args):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def add_org(db, slug="acme", country="CN", *extra):
    code, out, err = run("org", "add", "--db", db, "--slug", slug, "--name", "Acme Ltd",
                         "--kind", "vendor", "--country", country, "--time-zone",
                         "Asia/Shanghai", *extra)
    assert code == 0, err
    return out


def test_token_create_prints_only_the_token_and_stores_only_its_hash():
    with TempDb() as db:
        code, out, err = run("token", "create", "--db", db, "--role", "partner",
                             "--name", "intake bot")
        assert code == 0, err
        # Exactly one line, the token and a newline, nothing else.
        assert out.endswith("\n") and out.count("\n") == 1, repr(out)
        token = out[:-1]
        assert TOKEN_RE.match(token), token
        assert "shown only once" in err
        assert token not in err
        stored = rows(db, "SELECT hash, kind, name, role, org_id FROM tokens")
        assert len(stored) == 1
        h, kind, name, role, org = stored[0]
        assert isinstance(h, bytes) and len(h) == 32
        assert h == hashlib.sha256(token.encode()).digest()
        assert (kind, name, role, org) == ("machine", "intake bot", "partner", None)
        # The token text is nowhere in the database file or its WAL.
        for suffix in ("", "-wal"):
            p = db + suffix
            if os.path.exists(p):
                with open(p, "rb") as f:
                    assert token.encode() not in f.read()
        # Two tokens are different.
        code, out2, err = run("token", "create", "--db", db, "--role", "partner", "--name", "b")
        assert code == 0, err
        assert out2.strip() != token


def test_created_token_authenticates():
    """The printed token is accepted by the server as its role, and stops
    working once revoked by the id `token list` shows."""
    with TempDb() as db:
        code, out, err = run("token", "create", "--db", db, "--role", "auditor", "--name", "aud")
        assert code == 0, err
        token = out.strip()
        with servertest.Server(db=db) as srv:
            status, _, who = srv.request("GET", "/api/v1/whoami", token=token)
            assert status == 200, who
            assert (who["kind"], who["role"], who["name"]) == ("machine", "auditor", "token:aud")
            status, _, body = srv.request("GET", "/api/v1/whoami", token=token[:-1] + (
                "A" if token[-1] != "A" else "B"))
            assert status == 401, body
        code, out, err = run("token", "list", "--db", db, "--json")
        assert code == 0, err
        listed = json.loads(out)
        assert [t["name"] for t in listed] == ["aud"]
        assert listed[0]["role"] == "auditor" and listed[0]["revoked_at"] is None
        assert token not in out
        tid = rows(db, "SELECT id FROM tokens WHERE hash = ?",
                   hashlib.sha256(token.encode()).digest())[0][0]
        assert tid == listed[0]["id"]
        code, out, err = run("token", "revoke", "--db", db, str(tid))
        assert code == 0, err
        assert rows(db, "SELECT revoked_ms IS NOT NULL FROM tokens WHERE id = ?", tid) == [(1,)]
        with servertest.Server(db=db) as srv:
            status, _, body = srv.request("GET", "/api/v1/whoami", token=token)
            assert status == 401, body
        code, out, err = run("token", "revoke", "--db", db, str(tid))
        assert code == 2, (code, err)


def test_token_create_usage_errors_exit_2_and_name_the_problem():
    with TempDb() as db:
        code, out, err = run("token", "create", "--db", db, "--role", "root", "--name", "x")
        assert code == 2 and out == ""
        assert "--role" in err and "root" in err
        for role in ("admin", "psirt_manager", "analyst", "auditor", "partner"):
            assert role in err, role
        code, out, err = run("token", "create", "--db", db, "--role", "reporter", "--name", "x")
        assert code == 2 and out == "" and "reporter" in err
        code, out, err = run("token", "create", "--db", db, "--role", "admin", "--name", "x",
                             "--org", "nope")
        assert code == 2 and out == ""
        assert "--org" in err and "nope" in err
        code, out, err = run("token", "create", "--db", db, "--role", "admin")
        assert code == 2 and out == "" and "--name" in err
        code, out, err = run("token", "create", "--db", db, "--name", "x")
        assert code == 2 and out == "" and "--role" in err
        code, out, err = run("token", "create", "--db", db, "--role", "admin", "--name", "x",
                             "--bogus")
        assert code == 2 and out == "" and "--bogus" in err
        # Nothing was stored by any of these.
        assert rows(db, "SELECT count(*) FROM tokens") == [(0,)]


def test_token_with_org():
    with TempDb() as db:
        add_org(db)
        code, out, err = run("token", "create", "--db", db, "--role", "analyst", "--name", "a",
                             "--org", "acme")
        assert code == 0, err
        assert rows(db, "SELECT o.slug FROM tokens t JOIN orgs o ON o.id = t.org_id") == [("acme",)]


def test_user_add_from_password_stdin():
    with TempDb() as db:
        add_org(db)
        code, out, err = run("user", "add", "--db", db, "--name", "alice", "--role", "analyst",
                             "--org", "acme", "--password-stdin",
                             stdin="correct horse battery\nsecond line ignored\n")
        assert code == 0, err
        (name, role, h, org), = rows(db, "SELECT u.name, u.role, u.password_hash, o.slug "
                                         "FROM users u JOIN orgs o ON o.id = u.org_id")
        assert (name, role, org) == ("alice", "analyst", "acme")
        assert h.startswith("$argon2id$"), h
        assert "correct horse" not in h
        code, out, err = run("user", "list", "--db", db, "--json")
        assert code == 0, err
        users = json.loads(out)
        assert [(u["name"], u["role"], u["org"]) for u in users] == [("alice", "analyst", "acme")]
        assert "argon2" not in out


def test_user_add_refuses_bad_input():
    with TempDb() as db:
        cases = [
            (["--name", "bob", "--role", "analyst", "--password-stdin"], "elevenchars\n",
             "12 characters"),
            (["--name", "bob", "--role", "analyst", "--password-stdin"], "\n", "empty"),
            (["--name", "bob", "--role", "analyst", "--password-stdin"], "", "empty"),
            (["--name", "bob", "--role", "partner", "--password-stdin"], "twelve chars!\n",
             "--role"),
            (["--name", "bob", "--role", "analyst", "--org", "nope", "--password-stdin"],
             "twelve chars!\n", "nope"),
            (["--name", "b b", "--role", "analyst", "--password-stdin"], "twelve chars!\n",
             "name"),
            # Not a terminal and no --password-stdin: refuse rather than hang.
            (["--name", "bob", "--role", "analyst"], "twelve chars!\n", "--password-stdin"),
        ]
        for args, stdin, needle in cases:
            code, out, err = run("user", "add", "--db", db, *args, stdin=stdin)
            assert code == 2, (args, code, err)
            assert needle in err, (args, err)
        assert rows(db, "SELECT count(*) FROM users") == [(0,)]
        code, out, err = run("user", "add", "--db", db, "--name", "bob", "--role", "admin",
                             "--password-stdin", stdin="twelve chars!\n")
        assert code == 0, err
        code, out, err = run("user", "add", "--db", db, "--name", "bob", "--role", "admin",
                             "--password-stdin", stdin="twelve chars!\n")
        assert code == 2 and "already exists" in err, err


def test_org_add_and_list():
    with TempDb() as db:
        add_org(db, "acme", "CN")
        add_org(db, "eu-co", "DE", "--profiles", "EU_CRA,US_BOD_26_04", "--flag",
                "eu_manufacturer", "--flag", "us_fceb", "--filing-id", "F-77")
        code, out, err = run("org", "list", "--db", db, "--json")
        assert code == 0, err
        orgs = {o["slug"]: o for o in json.loads(out)}
        assert set(orgs) == {"acme", "eu-co"}
        assert orgs["acme"]["profiles"] == ["CN_RMSV_2021"]
        assert orgs["acme"]["flags"] == {}
        assert orgs["acme"]["kind"] == "vendor" and orgs["acme"]["country"] == "CN"
        assert orgs["acme"]["time_zone"] == "Asia/Shanghai"
        assert orgs["eu-co"]["profiles"] == ["EU_CRA", "US_BOD_26_04"]
        assert orgs["eu-co"]["flags"] == {"eu_manufacturer": True, "us_fceb": True,
                                          "platform_filing_id": "F-77"}
        code, out, err = run("org", "list", "--db", db)
        assert code == 0, err
        lines = out.splitlines()
        assert len(lines) == 3 and lines[1].startswith("acme") and lines[2].startswith("eu-co")


def test_org_add_errors_name_the_option():
    base = ["--slug", "x", "--name", "X", "--kind", "vendor", "--country", "CN",
            "--time-zone", "Asia/Shanghai"]

    def with_(opt, value):
        args = list(base)
        args[args.index(opt) + 1] = value
        return args

    cases = [
        (with_("--kind", "maker"), "--kind"),
        (with_("--country", "cn"), "--country"),
        (with_("--country", "CHN"), "--country"),
        (with_("--time-zone", "Asia/Atlantis"), "--time-zone"),
        (with_("--time-zone", "../../etc/passwd"), "--time-zone"),
        (with_("--slug", "Bad Slug"), "--slug"),
        (base + ["--profiles", "EU_CRA,GDPR"], "--profiles"),
        (base + ["--flag", "superuser"], "--flag"),
        (base[2:], "--slug"),
    ]
    with TempDb() as db:
        for args, needle in cases:
            code, out, err = run("org", "add", "--db", db, *args)
            assert code == 2, (args, code, err)
            assert needle in err, (args, err)
        assert rows(db, "SELECT count(*) FROM orgs") == [(0,)]
        code, out, err = run("org", "add", "--db", db, *base)
        assert code == 0, err
        code, out, err = run("org", "add", "--db", db, *base)
        assert code == 2 and "--slug" in err and "already exists" in err, err


def run_on_terminal(args, answers, timeout=30):
    """Run vulntrack on a pseudo-terminal, typing each answer after the
    next prompt that ends in ': '. Returns (exit status, everything shown)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(VT, [VT, *args])
    shown, pending, deadline = b"", list(answers), time.time() + timeout
    typed = 0
    status = None
    try:
        while time.time() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                shown += chunk
                # Answer each prompt once, when it is the last thing shown.
                if pending and shown.endswith(b": ") and shown.count(b": ") > typed:
                    os.write(fd, pending.pop(0).encode() + b"\n")
                    typed += 1
            done, code = os.waitpid(pid, os.WNOHANG)
            if done:
                status = code
                # What it wrote just before exiting may still be unread.
                while select.select([fd], [], [], 0.2)[0]:
                    try:
                        chunk = os.read(fd, 4096)
                    except OSError:
                        break
                    if not chunk:
                        break
                    shown += chunk
                break
    finally:
        if status is None:
            # Stuck (or the loop above failed): never leave it waiting.
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert status is not None
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def test_user_add_prompts_twice_without_echo_on_a_terminal():
    with TempDb() as db:
        code, shown = run_on_terminal(["user", "add", "--db", db, "--name", "tty",
                                       "--role", "auditor"],
                                      ["secret on a tty", "secret on a tty"])
        assert code == 0, shown
        assert shown.count("Password") == 2, shown
        assert "secret on a tty" not in shown, shown  # no echo
        (h,), = rows(db, "SELECT password_hash FROM users WHERE name = 'tty'")
        assert h.startswith("$argon2id$")
        code, shown = run_on_terminal(["user", "add", "--db", db, "--name", "tty2",
                                       "--role", "auditor"],
                                      ["secret on a tty", "another secret!"])
        assert code == 2, shown
        assert "differ" in shown, shown
        assert rows(db, "SELECT count(*) FROM users WHERE name = 'tty2'") == [(0,)]


def test_user_disable_ends_logins_and_sessions():
    with TempDb() as db:
        code, out, err = run("user", "add", "--db", db, "--name", "dora", "--role", "analyst",
                             "--password-stdin", stdin="dora's passphrase\n")
        assert code == 0, err
        with servertest.Server(db=db) as srv:
            login = {"name": "dora", "password": "dora's passphrase"}
            status, _, body = srv.request("POST", "/api/v1/session", body=login)
            assert status == 201, body
            session = body["token"]
            assert srv.request("GET", "/api/v1/whoami", token=session)[0] == 200
            code, out, err = run("user", "disable", "--db", db, "dora")
            assert code == 0, err
            assert srv.request("GET", "/api/v1/whoami", token=session)[0] == 401
            status, _, body = srv.request("POST", "/api/v1/session", body=login)
            assert status == 401, body
        code, out, err = run("user", "list", "--db", db, "--json")
        (user,) = json.loads(out)
        assert user["name"] == "dora" and user["disabled_at"], user
        code, out, err = run("user", "disable", "--db", db, "dora")
        assert code == 2 and "dora" in err, (code, err)
        code, out, err = run("user", "disable", "--db", db)
        assert code == 2, (code, err)


if __name__ == "__main__":
    run_tests(globals())
