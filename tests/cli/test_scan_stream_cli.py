"""`vulntrack scan` writes its report as it is made (in chunks of about
64 KiB): a report many chunks long must come out whole and well formed in
every format, and a write that fails part way (a full disk, a closed pipe)
must stop the scan with exit 3 and a message naming the cause.

The database holds one advisory written here, affecting every version of one
PyPI package; the SBOM lists that package many times, so the report is about
a megabyte long and every component is one finding."""
import json
import os
import shutil
import subprocess
import tempfile

from clitest import VT, run, run_tests

TMP = tempfile.mkdtemp(prefix="vt-scan-stream-test-")
DB = os.path.join(TMP, "vt.db")
COMPONENTS = 6000
FORMATS = ("table", "json", "sarif", "cyclonedx-vex", "openvex")

ADVISORY = {
    "id": "TEST-STREAM-1",
    "modified": "2024-01-01T00:00:00Z",
    "aliases": ["CVE-2099-0001"],
    "summary": "every version of streamtest",
    "severity": [{"type": "CVSS_V3",
                  "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [{"package": {"ecosystem": "PyPI", "name": "streamtest"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}],
}


def _write(name, obj):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f)
    return path


def _setup():
    rc, out, err = run("db", "import", "--db", DB, _write("advisory.json", ADVISORY))
    if rc != 0:
        raise SystemExit("db import failed (%d): %s%s" % (rc, out, err))
    comps = [{"type": "library", "name": "streamtest", "version": "1.0.%d" % i,
              "purl": "pkg:pypi/streamtest@1.0.%d" % i, "bom-ref": "c%d" % i}
             for i in range(COMPONENTS)]
    return _write("sbom.json", {"bomFormat": "CycloneDX", "specVersion": "1.5",
                                "version": 1, "components": comps})


SBOM = _setup()


def _scan_to(fmt, stdout):
    """Run a scan whose standard output is the open file `stdout`."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([VT, "scan", "--db", DB, "--format", fmt, SBOM], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120, env=env)


def test_long_report_whole_in_every_format():
    counts = {
        "json": lambda d: len(d["findings"]),
        "sarif": lambda d: len(d["runs"][0]["results"]),
        "cyclonedx-vex": lambda d: len(d["components"]),
        "openvex": lambda d: len(d["statements"][0]["products"]),
    }
    for fmt in FORMATS:
        path = os.path.join(TMP, "report." + fmt)
        with open(path, "w") as f:
            r = _scan_to(fmt, f)
        assert r.returncode == 1, "%s: exit %d: %s" % (fmt, r.returncode, r.stderr)
        assert r.stderr == "", "%s: %s" % (fmt, r.stderr)
        size = os.path.getsize(path)
        # Several chunks, or the test would not test the chunking.
        assert size > 4 * 65536, "%s: report of only %d bytes" % (fmt, size)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert text.endswith("\n") and text.count("\n") >= 1
        if fmt == "table":
            lines = text.splitlines()
            finding_lines = [ln for ln in lines if "TEST-STREAM-1" in ln]
            assert len(finding_lines) == COMPONENTS, len(finding_lines)
            assert lines[-1].startswith("%d findings:" % COMPONENTS), lines[-1]
        else:
            assert text.count("\n") == 1, "%s: one line expected" % fmt
            n = counts[fmt](json.loads(text))
            assert n == COMPONENTS, "%s: %d entries, expected %d" % (fmt, n, COMPONENTS)


def test_full_disk_exit_3_with_message():
    for fmt in FORMATS:
        with open("/dev/full", "w") as full:
            r = _scan_to(fmt, full)
        assert r.returncode == 3, "%s: exit %d: %s" % (fmt, r.returncode, r.stderr)
        assert "writing the report: No space left on device" in r.stderr, \
            "%s: %r" % (fmt, r.stderr)


def test_closed_pipe_exit_3_with_message():
    for fmt in FORMATS:
        rfd, wfd = os.pipe()
        # Nobody will ever read: the first write fails with EPIPE.
        os.close(rfd)
        try:
            with os.fdopen(wfd, "w") as w:
                r = _scan_to(fmt, w)
        except BrokenPipeError:
            pass
        assert r.returncode == 3, "%s: exit %d: %s" % (fmt, r.returncode, r.stderr)
        assert "writing the report: Broken pipe" in r.stderr, "%s: %r" % (fmt, r.stderr)


def test_pipe_closed_part_way_exit_3():
    # The reader takes the first chunk and goes away: the failure comes
    # after some of the report has been written.
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    p = subprocess.Popen([VT, "scan", "--db", DB, "--format", "json", SBOM],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = p.stdout.read(1000)
    p.stdout.close()
    err = p.stderr.read().decode()
    rc = p.wait(timeout=120)
    assert first.startswith(b'{"sboms":['), first[:40]
    assert rc == 3, "exit %d: %s" % (rc, err)
    assert "writing the report: Broken pipe" in err, err


try:
    run_tests(globals())
finally:
    shutil.rmtree(TMP, ignore_errors=True)
