#!/usr/bin/env python3
"""Write the authorisation table of docs/security.md from the routes the
server registers (`vulntrack serve --routes`: one `METHOD PATTERN ALLOW`
line per route, ALLOW a comma-separated list of role names and the
`anonymous` / `tracking` flags).

The table sits between the BEGIN/END markers in docs/security.md; the text
around it is left alone. `--check` compares instead of writing and exits 1
when the document is out of date (the test suite runs it).

Usage: scripts/security-table.py [--check] [--vulntrack BINARY]
       (BINARY defaults to $VT_BIN, else build/vulntrack)
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "security.md")
BEGIN = "<!-- BEGIN AUTHORISATION TABLE (scripts/security-table.py) -->"
END = "<!-- END AUTHORISATION TABLE -->"

# Columns, in the order of the role model in docs/security.md.
COLUMNS = ["admin", "psirt_manager", "analyst", "auditor", "partner", "reporter", "tracking",
           "anonymous"]


def routes(binary):
    p = subprocess.run([binary, "serve", "--routes"], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        sys.exit("%s serve --routes failed (%d): %s" % (binary, p.returncode, p.stderr))
    out = []
    for line in p.stdout.splitlines():
        parts = line.split(" ")
        if len(parts) != 3:
            sys.exit("unexpected route line: %r" % line)
        method, pattern, allow = parts
        names = set(allow.split(",")) if allow else set()
        unknown = names - set(COLUMNS)
        if unknown:
            sys.exit("unknown names %s in route line %r" % (sorted(unknown), line))
        out.append((method, pattern, names))
    return out


def table(rows):
    lines = ["| Method | Route | " + " | ".join(COLUMNS) + " |",
             "|---|---|" + "---|" * len(COLUMNS)]
    for method, pattern, names in rows:
        cells = ["yes" if c in names else "-" for c in COLUMNS]
        lines.append("| %s | `%s` | %s |" % (method, pattern, " | ".join(cells)))
    return "\n".join(lines) + "\n"


def render(doc, rows):
    try:
        head, rest = doc.split(BEGIN + "\n", 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        sys.exit("docs/security.md lacks the markers %r and %r" % (BEGIN, END))
    return head + BEGIN + "\n" + table(rows) + END + tail


def main(argv):
    check = "--check" in argv
    binary = os.environ.get("VT_BIN") or os.path.join(ROOT, "build", "vulntrack")
    if "--vulntrack" in argv:
        i = argv.index("--vulntrack")
        if i + 1 >= len(argv):
            sys.exit("--vulntrack needs a BINARY")
        binary = argv[i + 1]
    with open(DOC, encoding="utf-8") as f:
        doc = f.read()
    new = render(doc, routes(binary))
    if check:
        if new != doc:
            sys.stderr.write("docs/security.md: the authorisation table is out of date; "
                             "run scripts/security-table.py\n")
            return 1
        return 0
    if new != doc:
        with open(DOC, "w", encoding="utf-8") as f:
            f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
