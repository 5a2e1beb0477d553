#!/usr/bin/python3
"""Comparisons per second of the Debian-packaged reference implementations
on the same pairs files as bench_version: python3-packaging's Version (PyPI)
and python3-rpm's labelCompare (RPM). Each comparison parses both strings,
as bench_version does.

Usage: reference_versions.py pep440|rpm PAIRS_FILE [SECONDS]
Prints: name <tab> pairs <tab> comparisons <tab> seconds <tab> comparisons/s
"""
import sys
import time


def rpm_split(v):
    # The split vulntrack uses: [epoch:]version[-release], release after the last '-'.
    epoch = "0"
    if ":" in v:
        epoch, v = v.split(":", 1)
    release = ""
    if "-" in v:
        v, release = v.rsplit("-", 1)
    return (epoch, v, release)


def main():
    kind, path = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    pairs = [line.rstrip("\n").split("\t", 1) for line in open(path, encoding="utf-8")
             if "\t" in line]
    if kind == "pep440":
        from packaging.version import InvalidVersion, Version

        def cmp(a, b):
            try:
                x, y = Version(a), Version(b)
            except InvalidVersion:
                return 0
            return (x > y) - (x < y)
    elif kind == "rpm":
        import rpm

        def cmp(a, b):
            # rpm refuses a few of the fixture's odd strings; they still count
            # as one attempted comparison, as in bench_version.
            try:
                return rpm.labelCompare(rpm_split(a), rpm_split(b))
            except ValueError:
                return 0
    else:
        sys.exit("unknown reference " + kind)
    done = 0
    start = time.perf_counter()
    while True:
        for a, b in pairs:
            cmp(a, b)
        done += len(pairs)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    print("%s\t%d\t%d\t%.3f\t%.0f" % (kind, len(pairs), done, elapsed, done / elapsed))


main()
