"""`vulntrack case report CASE_ID`: the authority report from the database,
as JSON or HTML, with its exit statuses: 0 complete, 1 fields missing (the
report still printed), 2 bad usage or no such case, 3 I/O error."""
import json
import os
import subprocess
import tempfile

from clitest import VT, run, run_tests
from servertest import Server

FAST = ["--rate-client", "1000", "--rate-client-burst", "1000"]

COMPLETE = {
    "products": [{"name": "Router", "model": "不适用：纯软件产品，以版本区分",
                  "versions": ["2.0.0"]}],
    "tech_characteristics": "Stack overflow in the Host header parser",
    "category_code": "代码问题",
    "harm": "Remote code execution",
    "impact_scope": "All 2.0.0 installations",
    "gbt": {"method": "MANUAL", "grade": "medium", "justification": "analysis",
            "indicators": {"c_imp": "IMP_GENERAL", "i_imp": "IMP_GENERAL",
                           "a_imp": "IMP_NONE"}},
}


def make_db():
    """A database with two cases: one incomplete, one complete. Returns (dir, db, refs)."""
    srv = Server(FAST)
    srv.start()
    try:
        code, _, err = srv.cli("org", "add", "--db", srv.db, "--slug", "acme", "--name",
                               "Acme", "--kind", "vendor", "--country", "CN",
                               "--time-zone", "Asia/Shanghai")
        assert code == 0, err
        tok = srv.token("analyst", org="acme")
        refs = []
        for doc in ({"products": [{"name": "Router"}]}, COMPLETE):
            status, _, b = srv.request("POST", "/api/v1/cases", {"title": "t", "doc": doc},
                                       token=tok)
            assert status == 201, (status, b)
            refs.append(b["ref"])
    finally:
        srv.stop()
    return srv, refs


def test_case_report_exit_statuses():
    srv, (incomplete, complete) = make_db()
    try:
        db = srv.db
        # Incomplete: exit 1, the report still printed with its missing fields.
        rc, out, err = run("case", "report", incomplete, "--db", db)
        assert rc == 1, (rc, out, err)
        rep = json.loads(out)
        assert rep["case"] == incomplete and rep["completeness"]["complete"] is False, rep
        fields = [m["field"] for m in rep["completeness"]["missing"]]
        assert "product_model" in fields and "harm" in fields, fields
        assert all(m["zh"] and m["en"] for m in rep["completeness"]["missing"]), rep

        # Complete: exit 0, JSON and HTML.
        rc, out, err = run("case", "report", "--db=" + db, complete)
        assert rc == 0, (rc, out, err)
        rep = json.loads(out)
        assert rep["completeness"] == {"complete": True, "missing": []}, rep
        assert rep["required"]["products"][0]["product_model_justification"] == \
            "纯软件产品，以版本区分", rep
        rc, out, err = run("case", "report", complete, "--db", db, "--format", "html")
        assert rc == 0, (rc, err)
        assert out.startswith("<!DOCTYPE html>") and "产品名称" in out and "Product name" in out
        rc, out, err = run("case", "report", incomplete, "--db", db, "--format=html")
        assert rc == 1 and "fields missing" in out, (rc, out[:300])

        # Bad usage and unknown cases: exit 2.
        for args in (["case"], ["case", "report"], ["case", "report", complete, "--format", "pdf",
                                                    "--db", db],
                     ["case", "print", complete], ["case", "report", complete, "extra",
                                                   "--db", db],
                     ["case", "report", "VT-2026-999999", "--db", db],
                     ["case", "report", complete, "--db"]):
            rc, out, err = run(*args)
            assert rc == 2, (args, rc, out, err)
            assert err, args

        # I/O: a database that does not exist, a full output device: exit 3.
        missing = os.path.join(srv.dir, "nope.db")
        rc, out, err = run("case", "report", complete, "--db", missing)
        assert rc == 3 and not os.path.exists(missing), (rc, err)
        if os.path.exists("/dev/full"):
            with open("/dev/full", "w") as full:
                p = subprocess.run([VT, "case", "report", complete, "--db", db], stdout=full,
                                   stderr=subprocess.PIPE, text=True, timeout=60)
            assert p.returncode == 3, (p.returncode, p.stderr)

        rc, out, err = run("case", "--help")
        assert rc == 0 and "case report CASE_ID" in out, (rc, out)
    finally:
        import shutil
        shutil.rmtree(srv.dir, ignore_errors=True)


if __name__ == "__main__":
    run_tests(globals())
