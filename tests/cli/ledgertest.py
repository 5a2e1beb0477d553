"""Receipt-ledger helpers for the Python tests (standard library only): an
implementation of the "vt-ledger-1" entry hash written from docs/ledger.md
alone, and a writer of ledger rows into a vulntrack database with it, so
that the binary is checked against an independent implementation."""
import hashlib
import json
import sqlite3

GENESIS = "0" * 64
DAY_MS = 86400 * 1000


def netstring(text):
    data = text.encode("utf-8")
    return str(len(data)).encode("ascii") + b":" + data + b","


def entry_hash(seq, at_ms, kind, channel, actor, subject, content_sha256, detail, prev_hash):
    """entry_hash = SHA-256(canonical "vt-ledger-1" encoding || prev_hash bytes)."""
    fields = ["vt-ledger-1", str(seq), str(at_ms), kind, channel, actor, subject,
              content_sha256, detail]
    data = b"".join(netstring(f) for f in fields) + bytes.fromhex(prev_hash)
    return hashlib.sha256(data).hexdigest()


def canonical_detail(obj):
    """Canonical detail text for objects of strings, integers, lists, booleans."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def add_entries(db, n, start_ms, step_ms=3600 * 1000):
    """Append n entries to the ledger of `db`, chaining from its last row (or
    the genesis hash); returns the seqs written."""
    con = sqlite3.connect(db)
    row = con.execute("SELECT seq, entry_hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = row if row else (0, GENESIS)
    seqs = []
    for i in range(n):
        seq += 1
        at_ms = start_ms + i * step_ms
        content = ("report %d body\n" % seq).encode()
        csha = hashlib.sha256(content).hexdigest()
        detail = canonical_detail({"product": "router \u00e9", "n": seq, "tags": ["a", "b"]})
        subject = "VT-R-%04d" % seq
        h = entry_hash(seq, at_ms, "report.received", "email", "reporter:alice@example.org",
                       subject, csha, detail, prev)
        con.execute("INSERT INTO ledger (seq, at_ms, kind, channel, actor, subject, "
                    "content_sha256, detail, prev_hash, entry_hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (seq, at_ms, "report.received", "email", "reporter:alice@example.org",
                     subject, csha, detail, prev, h))
        prev = h
        seqs.append(seq)
    con.commit()
    con.close()
    return seqs


def sql(db, statement):
    """Run statements on a plain connection: editing behind the service's back."""
    con = sqlite3.connect(db)
    con.executescript(statement)
    con.commit()
    con.close()
