"""The ledger routes of `vulntrack serve`: verification for auditors (200
whether the chain is intact or not), entries and checkpoints with their
paging and role rules, and the public key for anyone. The ledger is written
beforehand with the independent implementation in ledgertest.py."""
import os
import shutil
import tempfile

import servertest
from clitest import run, run_tests
from ledgertest import add_entries, sql

T0 = 1767225600000  # 2026-01-01T00:00:00Z


def fresh_db(n):
    """A database with n ledger entries; returns (dir, path)."""
    d = tempfile.mkdtemp(prefix="vt-ledger-api-")
    path = os.path.join(d, "vt.db")
    open(path, "w").close()
    rc, out, err = run("ledger", "verify", "--db", path)
    assert rc == 0, (rc, out, err)
    add_entries(path, n, T0)
    return d, path


def test_routes_are_listed_with_their_roles():
    rc, out, err = run("serve", "--routes")
    assert rc == 0, (rc, err)
    lines = {tuple(l.split()[:2]): l.split()[2] for l in out.splitlines() if "/ledger" in l}
    assert set(lines[("GET", "/api/v1/ledger/verify")].split(",")) == {"admin", "auditor"}
    assert set(lines[("GET", "/api/v1/ledger")].split(",")) == {"admin", "auditor"}
    assert set(lines[("GET", "/api/v1/ledger/checkpoints")].split(",")) == {"admin", "auditor"}
    assert "anonymous" in lines[("GET", "/api/v1/ledger/pubkey")].split(",")


def test_ledger_routes():
    d, db = fresh_db(5)
    try:
        with servertest.Server(db=db, workdir=d) as srv:
            auditor = srv.token("auditor")
            analyst = srv.token("analyst")
            admin = srv.token("admin")

            # The public key: anyone, and the same as the CLI prints.
            status, _, body = srv.request("GET", "/api/v1/ledger/pubkey")
            assert status == 200, (status, body)
            rc, out, err = run("ledger", "pubkey", "--db", db)
            assert rc == 0, err
            assert body["public_key"] == out.strip()
            assert body["algorithm"] == "Ed25519"

            # Verification: auditors and admins only.
            status, _, body = srv.request("GET", "/api/v1/ledger/verify")
            assert status == 401, (status, body)
            status, _, body = srv.request("GET", "/api/v1/ledger/verify", token=analyst)
            assert status == 403, (status, body)
            assert body["error"]["code"] == "forbidden"
            status, _, body = srv.request("GET", "/api/v1/ledger/verify", token=auditor)
            assert status == 200, (status, body)
            assert body["intact"] is True, body
            assert body["first_seq"] == 1 and body["last_seq"] >= 5, body
            assert body["entries"] == body["last_seq"], body
            assert "bad_seq" not in body and "reason" not in body, body

            # Entries, paged.
            status, _, body = srv.request("GET", "/api/v1/ledger?after=1&limit=2", token=admin)
            assert status == 200, (status, body)
            assert [e["seq"] for e in body["entries"]] == [2, 3], body
            assert body["next_after"] == 3, body
            e = body["entries"][0]
            assert e["subject"] == "VT-R-0002" and e["channel"] == "email", e
            assert e["detail"] == {"n": 2, "product": "router \u00e9", "tags": ["a", "b"]}, e
            assert e["received_at"] == "2026-01-01T01:00:00.000Z", e
            status, _, body = srv.request("GET", "/api/v1/ledger", token=auditor)
            assert status == 200 and body["entries"][0]["seq"] == 1, body
            assert body["next_after"] is None, body
            for query, field in (("limit=1001", "limit"), ("limit=x", "limit"),
                                 ("after=-1", "after"), ("after=1e3", "after")):
                status, _, body = srv.request("GET", "/api/v1/ledger?" + query, token=auditor)
                assert status == 400, (query, status, body)
                assert body["error"]["field"] == field, (query, body)
            status, _, body = srv.request("GET", "/api/v1/ledger", token=analyst)
            assert status == 403, (status, body)

            # Checkpoints: a forced one from the CLI shows up.
            rc, out, err = run("ledger", "checkpoint", "--db", db)
            assert rc == 0, (rc, out, err)
            status, _, body = srv.request("GET", "/api/v1/ledger/checkpoints", token=auditor)
            assert status == 200, (status, body)
            assert len(body["checkpoints"]) >= 1, body
            cp = body["checkpoints"][-1]
            assert len(cp["signature"]) == 128 and len(cp["entry_hash"]) == 64, cp

            # Tampering behind the server's back: still 200, naming the entry.
            sql(db, "UPDATE ledger SET subject = 'VT-R-9999' WHERE seq = 3")
            status, _, body = srv.request("GET", "/api/v1/ledger/verify", token=auditor)
            assert status == 200, (status, body)
            assert body["intact"] is False and body["bad_seq"] == 3, body
            assert "entry_hash" in body["reason"], body
    finally:
        shutil.rmtree(d, ignore_errors=True)


run_tests(dict(globals()))
