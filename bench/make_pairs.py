#!/usr/bin/python3
"""Turn a data-kit version fixture ("A OP B" lines, see
data/versions/README.md) into a pairs file of "A<TAB>B" lines for the
benchmarks. Usage: make_pairs.py FIXTURE OUT"""
import sys

out = open(sys.argv[2], "w", encoding="utf-8")
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n").rstrip("\r")
    if not line or line.startswith("# ") or line.startswith("// "):
        continue
    parts = line.split(" ")
    if len(parts) == 3:
        out.write(parts[0] + "\t" + parts[2] + "\n")
