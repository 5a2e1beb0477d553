#!/usr/bin/python3
"""Compare a `vulntrack scan --format json` report of a generated SBOM with
what gen_sbom.py planted in it.

Usage: scan_check.py REPORT.json SBOM.expect
Prints one line:
  findings <tab> components with a finding <tab> planted found <tab> planted
  <tab> synthetic components with a finding
Every planted (component, advisory) pair should be found and no synthetic
component (a name no advisory mentions) may have a finding; the benchmark
would otherwise time a scanner that skips work. Exit status 1 if a synthetic
component has a finding or the report has no "findings" array.
"""
import json
import sys


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: scan_check.py REPORT.json SBOM.expect\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        report = json.load(f)
    planted = set()
    with open(argv[2], encoding="utf-8") as f:
        for line in f:
            ref, adv = line.rstrip("\n").split("\t")
            planted.add((ref, adv))
    findings = report.get("findings")
    if not isinstance(findings, list):
        sys.stderr.write("scan_check.py: %s has no findings array\n" % argv[1])
        return 1
    seen, refs, synthetic = set(), set(), set()
    for f in findings:
        comp, vuln = f.get("component") or {}, f.get("vulnerability") or {}
        ref = comp.get("bom_ref")
        refs.add(ref)
        ids = {vuln.get("id")} | set(vuln.get("aliases") or [])
        for i in ids:
            seen.add((ref, i))
        if "vtbench" in (comp.get("name") or ""):
            synthetic.add(ref)
    found = len(planted & seen)
    print("%d\t%d\t%d\t%d\t%d" % (len(findings), len(refs), found, len(planted), len(synthetic)))
    return 1 if synthetic else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
