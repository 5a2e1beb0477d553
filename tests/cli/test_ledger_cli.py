"""`vulntrack ledger`: verify, pubkey, checkpoint, export, purge and list,
with the exit statuses of the help text (0 intact, 1 broken, 2 usage, 3 I/O).

The ledgers are written here with Python's sqlite3 module, computing each
entry_hash from docs/ledger.md alone: the binary accepting them, and the
hashes of its own export matching this code, check the format against an
independent implementation."""
import json
import os
import re
import shutil
import sqlite3
import stat
import tempfile

from clitest import run, run_tests
from ledgertest import DAY_MS, GENESIS, add_entries, entry_hash, sql

TMP = tempfile.mkdtemp(prefix="vt-ledger-cli-")


def new_db(name):
    """An empty file: the first `ledger verify` creates the schema in it."""
    path = os.path.join(TMP, name)
    for suffix in ("", "-wal", "-shm", ".ledger-key"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    open(path, "w").close()
    rc, out, err = run("ledger", "verify", "--db", path)
    assert rc == 0, (rc, out, err)
    assert out == "ledger intact: 0 entries\n", out
    return path


INTACT = re.compile(r"^ledger intact: (\d+) entries \(seq (\d+)\.\.(\d+)\), (\d+) checkpoints"
                    r"(?:, last at seq (\d+))?, (\d+) unsealed\n$")


def verify_ok(*args):
    rc, out, err = run("ledger", "verify", *args)
    assert rc == 0, (rc, out, err)
    m = INTACT.match(out)
    assert m, out
    return [int(g) if g else None for g in m.groups()]


def verify_broken(*args):
    rc, out, err = run("ledger", "verify", *args)
    assert rc == 1, (rc, out, err)
    assert out == "", out
    m = re.match(r"^ledger broken at entry (\d+): (.+)\n$", err)
    assert m, err
    return int(m.group(1)), m.group(2)


def test_python_chain_verifies():
    db = new_db("py.db")
    add_entries(db, 6, 1767225600000)
    assert verify_ok("--db", db) == [6, 1, 6, 0, None, 6]


def test_tampering_is_named():
    db = new_db("tamper.db")
    add_entries(db, 5, 1767225600000)
    sql(db, "UPDATE ledger SET actor = 'reporter:mallory' WHERE seq = 4")
    seq, reason = verify_broken("--db", db)
    assert seq == 4 and "entry_hash" in reason, reason
    db = new_db("delete.db")
    add_entries(db, 5, 1767225600000)
    sql(db, "DELETE FROM ledger WHERE seq = 2")
    seq, reason = verify_broken("--db", db)
    assert seq == 2 and "missing" in reason, reason


def test_pubkey_before_and_after_checkpoint():
    db = new_db("key.db")
    rc, out, err = run("ledger", "pubkey", "--db", db)
    assert rc == 3, (rc, out, err)
    assert "the key is created when `vulntrack serve` first starts" in err, err
    # Empty ledger: nothing to seal, but not an error.
    rc, out, err = run("ledger", "checkpoint", "--db", db)
    assert rc == 0, (rc, out, err)
    assert "empty" in out, out
    key_file = db + ".ledger-key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    rc, out, err = run("ledger", "pubkey", "--db", db)
    assert rc == 0, (rc, out, err)
    assert re.match(r"^[0-9a-f]{64}\n$", out), out
    pub = out.strip()
    rc, out2, err = run("ledger", "pubkey", "--key", key_file)
    assert rc == 0 and out2.strip() == pub, (rc, out2, err)
    add_entries(db, 3, 1767225600000)
    rc, out, err = run("ledger", "checkpoint", "--db", db)
    assert rc == 0, (rc, out, err)
    assert out == "entry 3 is sealed by a checkpoint signed by %s\n" % pub, out
    assert verify_ok("--db", db, "--pubkey", pub) == [3, 1, 3, 1, 3, 0]
    # The public key went to the settings table.
    con = sqlite3.connect(db)
    (stored,) = con.execute("SELECT value FROM settings WHERE key = 'ledger_public_key'").fetchone()
    con.close()
    assert stored == pub
    # Another trusted key: the checkpoint does not verify.
    other = ("0" if pub[0] != "0" else "1") + pub[1:]
    seq, reason = verify_broken("--db", db, "--pubkey", other)
    assert seq == 3 and "another key" in reason, reason
    # A key file readable by others is refused.
    os.chmod(key_file, 0o644)
    rc, out, err = run("ledger", "checkpoint", "--db", db)
    assert rc == 3 and "chmod 600" in err, (rc, out, err)
    os.chmod(key_file, 0o600)


def test_export_verified_with_public_key_only():
    db = new_db("export.db")
    add_entries(db, 4, 1767225600000)
    rc, _, err = run("ledger", "checkpoint", "--db", db)
    assert rc == 0, err
    rc, pub, _ = run("ledger", "pubkey", "--db", db)
    pub = pub.strip()
    rc, out, err = run("ledger", "export", "--db", db)
    assert rc == 0, (rc, err)
    lines = out.splitlines()
    header = json.loads(lines[0])
    assert header == {"type": "vt-ledger-export", "version": 1, "entry_format": "vt-ledger-1",
                      "checkpoint_format": "vt-ledger-checkpoint-1"}, header
    # Recompute every hash of the export here.
    prev = GENESIS
    entries = [json.loads(l) for l in lines[1:] if json.loads(l)["type"] == "entry"]
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    for e in entries:
        assert e["prev_hash"] == prev
        assert e["entry_hash"] == entry_hash(e["seq"], e["at_ms"], e["kind"], e["channel"],
                                             e["actor"], e["subject"], e["content_sha256"],
                                             e["detail"], prev)
        prev = e["entry_hash"]
    cps = [json.loads(l) for l in lines[1:] if json.loads(l)["type"] == "checkpoint"]
    assert len(cps) == 1 and cps[0]["seq"] == 4 and cps[0]["entry_hash"] == prev
    path = os.path.join(TMP, "export.jsonl")
    with open(path, "w") as f:
        f.write(out)
    assert verify_ok("--file", path, "--pubkey", pub) == [4, 1, 4, 1, 4, 0]
    # The public key may also come from a file.
    pubfile = os.path.join(TMP, "pub.txt")
    with open(pubfile, "w") as f:
        f.write(pub + "\n")
    assert verify_ok("--file", path, "--pubkey", pubfile)[0] == 4
    # A changed subject in entry 2.
    with open(path, "w") as f:
        f.write(out.replace('"subject":"VT-R-0002"', '"subject":"VT-R-0009"'))
    seq, reason = verify_broken("--file", path, "--pubkey", pub)
    assert seq == 2, reason
    # A malformed line is bad input (2) naming the line and the field.
    with open(path, "w") as f:
        f.write(out.replace('"seq":3,', '"seq":-3,', 1))
    rc, o, err = run("ledger", "verify", "--file", path, "--pubkey", pub)
    assert rc == 2, (rc, o, err)
    assert 'line 4: field "seq"' in err, err
    # Entries after the last checkpoint are not trusted.
    add_entries(db, 2, 1767225600000 + 10 * DAY_MS)
    rc, out, err = run("ledger", "export", "--db", db)
    with open(path, "w") as f:
        f.write(out)
    seq, reason = verify_broken("--file", path, "--pubkey", pub)
    assert seq == 5 and "2 trailing entries" in reason, reason
    # A file that cannot be read is I/O.
    rc, _, err = run("ledger", "verify", "--file", os.path.join(TMP, "nope.jsonl"),
                     "--pubkey", pub)
    assert rc == 3, (rc, err)


def test_purge_and_retention_floor():
    db = new_db("purge.db")
    # Entries from 2020: far older than any retention.
    add_entries(db, 3, 1577836800000)
    rc, _, err = run("ledger", "checkpoint", "--db", db)
    assert rc == 0, err
    add_entries(db, 1, 4102444800000)  # 2100: never purgeable here
    rc, out, err = run("ledger", "purge", "--db", db, "--retention-months", "5")
    assert rc == 2, (rc, out, err)
    assert "Art. 5" in err and "6 months" in err, err
    rc, out, err = run("ledger", "purge", "--db", db, "--retention-months", "6")
    assert rc == 0, (rc, out, err)
    assert out == "purged 3 entries (seq 1..3), older than 6 months\n", out
    assert verify_ok("--db", db)[:3] == [2, 4, 5]
    con = sqlite3.connect(db)
    purges = con.execute("SELECT first_seq, last_seq, count FROM ledger_purges").fetchall()
    kinds = [r[0] for r in con.execute("SELECT kind FROM ledger ORDER BY seq")]
    con.close()
    assert purges == [(1, 3, 3)], purges
    assert kinds == ["report.received", "ledger.purge"], kinds
    rc, out, err = run("ledger", "purge", "--db", db)
    assert rc == 0 and out.startswith("nothing to purge"), (rc, out, err)
    # Removing the anchor breaks the chain at the first remaining entry.
    sql(db, "DELETE FROM ledger_checkpoints WHERE seq = 3")
    seq, reason = verify_broken("--db", db)
    assert seq == 4 and "anchored" in reason, reason


def test_list():
    db = new_db("list.db")
    add_entries(db, 5, 1767225600000)
    rc, out, err = run("ledger", "list", "--db", db, "--after", "1", "--limit", "2")
    assert rc == 0, (rc, err)
    rows = [l.split("\t") for l in out.splitlines()]
    assert [r[0] for r in rows] == ["2", "3"], rows
    assert rows[0][1] == "2026-01-01T01:00:00.000Z", rows[0]
    assert rows[0][2:6] == ["report.received", "email", "reporter:alice@example.org",
                            "VT-R-0002"], rows[0]
    rc, out, err = run("ledger", "list", "--db", db, "--json")
    assert rc == 0, (rc, err)
    objs = [json.loads(l) for l in out.splitlines()]
    assert [o["seq"] for o in objs] == [1, 2, 3, 4, 5]
    assert objs[4]["detail"] == {"n": 5, "product": "router \u00e9", "tags": ["a", "b"]}


def test_usage_and_io_errors():
    for args in (["ledger"], ["ledger", "frobnicate"], ["ledger", "verify", "--bogus"],
                 ["ledger", "verify", "--file", "x.jsonl"],
                 ["ledger", "list", "--limit", "ten"], ["ledger", "list", "--after", "-1"],
                 ["ledger", "purge", "--retention-months", "0"],
                 ["ledger", "verify", "--pubkey", "abcd", "--db", os.path.join(TMP, "x.db")],
                 ["ledger", "verify", "--db"]):
        rc, out, err = run(*args)
        assert rc == 2, (args, rc, out, err)
    missing = os.path.join(TMP, "missing", "none.db")
    for sub in ("verify", "export", "list", "checkpoint", "purge"):
        rc, out, err = run("ledger", sub, "--db", missing)
        assert rc == 3, (sub, rc, out, err)
        assert "no database at" in err, err
    assert not os.path.exists(missing)
    rc, out, _ = run("ledger", "--help")
    assert rc == 0 and "ledger verify" in out


try:
    run_tests(dict(globals()))
finally:
    shutil.rmtree(TMP, ignore_errors=True)
