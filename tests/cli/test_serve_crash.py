"""Durability of the intake channel: 500 concurrent reports, SIGKILL in the
middle, restart. Every report that got a 201 must be there, the ledger must
verify, and no report may be half-written (a report without its ledger entry
or attachments, or a ledger receipt without its report)."""
import base64
import concurrent.futures
import hashlib
import sqlite3
import threading
import time

from clitest import run, run_tests
from servertest import Server

REPORTS = 500
KILL_AFTER = 150  # 201s seen before the kill
LIMITS = ["--rate-client", "100000", "--rate-client-burst", "100000",
          "--rate-total", "100000", "--rate-total-burst", "100000"]


def report(i):
    attachment = ("log line %d\n" % i).encode() * 20
    return {
        "product": {"name": "Router X%d" % (i % 7), "model": "RX-%d" % (i % 3),
                    "version": "1.%d.0" % (i % 5)},
        "title": "Crash-test report %d" % i,
        "description": "Report number %d of the durability test." % i,
        "reporter": {"name": "Tester %d" % i, "email": "t%d@example.org" % i},
        "attachments": [{"filename": "log%d.txt" % i, "media_type": "text/plain",
                         "classification": "log",
                         "content_base64": base64.b64encode(attachment).decode()}],
    }, hashlib.sha256(attachment).hexdigest()


def test_sigkill_during_500_concurrent_intakes_loses_no_acknowledged_report():
    srv = Server(LIMITS)
    srv.start()
    acked = {}          # report id -> (tracking token, receipt, attachment sha256)
    failed = []
    lock = threading.Lock()
    go = threading.Event()
    killed = threading.Event()

    def submit(i):
        body, digest = report(i)
        go.wait()
        try:
            status, _, reply = srv.request("POST", "/api/v1/reports", body=body, timeout=30)
        except OSError as e:  # connection reset by the kill
            failed.append(str(e))
            return
        if status == 201:
            with lock:
                acked[reply["id"]] = (reply["tracking_token"], reply["receipt"], digest)
                if len(acked) >= KILL_AFTER and not killed.is_set():
                    killed.set()
                    srv.kill()

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=REPORTS) as pool:
            futures = [pool.submit(submit, i) for i in range(REPORTS)]
            time.sleep(0.5)  # let every thread reach the start line
            go.set()
            concurrent.futures.wait(futures, timeout=120)
        assert killed.is_set(), "the server was never killed (%d acks)" % len(acked)
        assert len(acked) >= KILL_AFTER
        print("  %d acknowledged before and around the kill, %d requests cut off"
              % (len(acked), len(failed)))

        # Restart on the same database: every acknowledged report is there.
        srv2 = Server(LIMITS, db=srv.db, workdir=srv.dir)
        srv2.start()
        try:
            for rid, (token, receipt, _) in acked.items():
                status, _, body = srv2.request("GET", "/api/v1/reports/" + rid, token=token)
                assert status == 200, (rid, status, body)
                assert body["id"] == rid, body
        finally:
            assert srv2.stop() == 0
        code, out, err = run("ledger", "verify", "--db", srv.db)
        assert code == 0, (code, out, err)

        db = sqlite3.connect(srv.db)
        ledger = {row[0]: row[1:] for row in db.execute(
            "SELECT seq, kind, subject, entry_hash FROM ledger")}
        # Every acknowledged receipt is the ledger entry of its report.
        for rid, (_, receipt, digest) in acked.items():
            kind, subject, entry_hash = ledger[receipt["seq"]]
            assert (kind, subject, entry_hash) == ("report.received", rid,
                                                   receipt["entry_hash"]), (rid, receipt)
            atts = db.execute("SELECT sha256 FROM attachments WHERE report_id = ?",
                              (rid,)).fetchall()
            assert atts == [(digest,)], (rid, atts)
        # Nothing half-written: each report has its entry and attachment, and
        # each report.received entry has its report.
        reports = db.execute("SELECT id, ledger_seq FROM reports").fetchall()
        for rid, seq in reports:
            assert seq in ledger and ledger[seq][1] == rid, (rid, seq)
            n = db.execute("SELECT COUNT(*) FROM attachments WHERE report_id = ?",
                           (rid,)).fetchone()[0]
            assert n == 1, (rid, n)
        received = [row for row in ledger.values() if row[0] == "report.received"]
        assert len(received) == len(reports), (len(received), len(reports))
        print("  %d reports stored (%d acknowledged), ledger intact"
              % (len(reports), len(acked)))
    finally:
        srv.stop()
        import shutil
        shutil.rmtree(srv.dir, ignore_errors=True)


if __name__ == "__main__":
    run_tests(globals())
