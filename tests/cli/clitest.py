"""Shared helpers for the CLI contract tests (standard library only).

Each test module defines functions named test_*; run_tests() runs them all,
prints one line per test and a closing 'N passed, N failed' line, and exits
non-zero on any failure."""
import os
import subprocess
import sys
import traceback

VT = os.environ.get("VT_BIN")
DATA = os.environ.get("VT_DATA_DIR")
SOURCE = os.environ.get("VT_SOURCE_DIR")
if not VT or not os.path.exists(VT):
    sys.exit("VT_BIN is not set or does not exist (run through ctest)")


def run(*args, stdin=None, env=None):
    """Run vulntrack with args; returns (exit code, stdout, stderr) as text."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    p = subprocess.run([VT, *args], input=stdin, capture_output=True, text=True,
                       timeout=120, env=full_env)
    return p.returncode, p.stdout, p.stderr


def run_tests(namespace):
    tests = [(n, f) for n, f in sorted(namespace.items())
             if n.startswith("test_") and callable(f)]
    passed = failed = 0
    for name, fn in tests:
        try:
            fn()
        except Exception:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print("FAIL", name)
            traceback.print_exc()
        else:
            passed += 1
            print("ok  ", name)
    print("%d passed, %d failed" % (passed, failed))
    if not tests:
        sys.exit("no tests found")
    sys.exit(1 if failed else 0)
