#!/usr/bin/python3
"""Differential test: vulntrack's PyPI ordering against python3-packaging.

A seeded generator (seed printed; override with VT_SEED) builds version
strings: structured PEP 440 versions in many spellings (epochs, long
releases, trailing zeros, every pre-release spelling and separator, post
releases including the implicit "-N" form, dev releases, combinations, local
versions, upper case, a leading 'v', surrounding white space, huge numbers,
the four non-ASCII letters Python's case-insensitive matching accepts),
random token soup, and mutations of the real versions in the data kit's
PyPI advisories. All pairs go to `vulntrack version compare PyPI --batch` in
one run and are checked against:

* packaging.version.Version (the installed packaging) for every pair of
  strings it accepts: <, = and > must agree;
* validity: the comparison against "0.dev0", the least PEP 440 version, tells
  how vulntrack classified a string (legacy versions sort below every PEP 440
  version, so '<' means legacy, '=' or '>' means PEP 440, '!' refused). A
  string packaging accepts must classify as PEP 440; one it rejects must not;
  one it cannot convert at all (ValueError other than InvalidVersion, e.g. a
  number over Python's 4300-digit limit) must be refused;
* legacy ordering: strings packaging rejects are ordered by the
  LegacyVersion of packaging 21.3, which Debian's python3-pip vendors (OSV
  tooling still orders PyPI legacy versions this way).

Prints "N pairs, M disagreements" and the first disagreements; exits 1 on any.
"""

import os
import random
import sys
import warnings
import zipfile
import json

from difftest import die, env_path, fixture_versions, report, run_batch, seed

try:
    from packaging.version import InvalidVersion, Version
except ImportError:
    sys.exit("python3-packaging is required (run with Debian's /usr/bin/python3)")
try:
    from pip._vendor.packaging.version import LegacyVersion
except ImportError:
    sys.exit("python3-pip's vendored packaging (with LegacyVersion) is required "
             "for the legacy-version reference")

warnings.simplefilter("ignore")

DEFAULT_SEED = 440440
PEP440_PAIR_MINIMUM = 10000
LEAST_PEP440 = "0.dev0"

# Characters that Python's `\s` matches and the batch protocol can carry
# (tab, newline and carriage return delimit its lines and fields).
SPACES = [" ", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2003", "\u3000"]
# Non-ASCII letters that Python's IGNORECASE matching equates with i, s, k.
ODD_LETTERS = {"i": ["\u0130", "\u0131"], "s": ["\u017f"], "k": ["\u212a"]}


def real_versions(data_dir):
    """Every version listed by the data kit's PyPI advisories and fixture."""
    path = os.path.join(data_dir, "osv", "PyPI", "all.zip")
    if not os.path.isfile(path):
        die(f"missing data file: {path}")
    found = set()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            doc = json.loads(z.read(name))
            for affected in doc.get("affected", []):
                if affected.get("package", {}).get("ecosystem") == "PyPI":
                    found.update(affected.get("versions", []))
    found.update(fixture_versions(data_dir, "pypi-versions.txt"))
    if len(found) < 1000:
        die(f"{path}: only {len(found)} versions, expected thousands")
    return sorted(found)


class Generator:
    """Version strings from a seeded random source."""

    def __init__(self, rng):
        self.rng = rng

    def number(self):
        r = self.rng.random()
        if r < 0.35:
            return str(self.rng.randint(0, 3))
        if r < 0.75:
            return str(self.rng.randint(0, 30))
        if r < 0.9:
            return str(self.rng.randint(0, 10**6))
        if r < 0.97:
            return str(self.rng.randint(0, 10**19) + 2**64 - 10**19 // 2)
        return str(self.rng.randint(1, 9)) + "".join(
            self.rng.choice("0123456789") for _ in range(self.rng.randint(20, 60)))

    def spell_number(self, n):
        return "0" * self.rng.choice([0, 0, 0, 1, 3]) + n

    def case(self, word):
        r = self.rng.random()
        if r < 0.6:
            return word
        if r < 0.75:
            return word.upper()
        out = []
        for ch in word:
            if ch in ODD_LETTERS and self.rng.random() < 0.08:
                out.append(self.rng.choice(ODD_LETTERS[ch]))
            else:
                out.append(ch.upper() if self.rng.random() < 0.5 else ch)
        return "".join(out)

    def sep(self):
        return self.rng.choice(["", "", ".", "-", "_"])

    def components(self):
        rng = self.rng
        release = [self.number() for _ in range(rng.choice([1, 1, 2, 3, 3, 4, 6, 10]))]
        if rng.random() < 0.2:
            release += ["0"] * rng.randint(1, 3)
        return {
            "epoch": self.number() if rng.random() < 0.15 else None,
            "release": release,
            "pre": (rng.choice(["a", "b", "rc"]),
                    self.number() if rng.random() < 0.8 else None)
            if rng.random() < 0.4 else None,
            "post": (self.number() if rng.random() < 0.8 else None)
            if rng.random() < 0.3 else "absent",
            "dev": (self.number() if rng.random() < 0.8 else None)
            if rng.random() < 0.3 else "absent",
            "local": [self.local_segment() for _ in range(rng.randint(1, 4))]
            if rng.random() < 0.2 else None,
        }

    def local_segment(self):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            return self.number()
        letters = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                          for _ in range(rng.randint(1, 6)))
        if r < 0.7:
            return letters
        return letters + self.number()

    def render(self, c):
        """One of the many spellings of the components c."""
        rng = self.rng
        out = []
        if rng.random() < 0.05:
            out.append("".join(rng.choice(SPACES) for _ in range(rng.randint(1, 2))))
        if rng.random() < 0.1:
            out.append(rng.choice("vV"))
        if c["epoch"] is not None:
            out.append(self.spell_number(c["epoch"]) + "!")
        out.append(".".join(self.spell_number(n) for n in c["release"]))
        if c["pre"]:
            letter, n = c["pre"]
            spelling = rng.choice({"a": ["a", "alpha"], "b": ["b", "beta"],
                                   "rc": ["c", "rc", "pre", "preview"]}[letter])
            out.append(self.sep() + self.case(spelling))
            if n is not None:
                out.append(self.sep() + self.spell_number(n))
            elif rng.random() < 0.1:
                out.append(rng.choice(".-_"))
        if c["post"] != "absent":
            n = c["post"]
            if n is not None and rng.random() < 0.3:
                out.append("-" + self.spell_number(n))
            else:
                out.append(self.sep() + self.case(rng.choice(["post", "post", "rev", "r"])))
                if n is not None:
                    out.append(self.sep() + self.spell_number(n))
        if c["dev"] != "absent":
            out.append(self.sep() + self.case("dev"))
            if c["dev"] is not None:
                out.append(self.sep() + self.spell_number(c["dev"]))
        if c["local"]:
            segs = [self.case(s) for s in c["local"]]
            text = segs[0]
            for s in segs[1:]:
                text += rng.choice(".-_") + s
            out.append("+" + text)
        if rng.random() < 0.05:
            out.append("".join(rng.choice(SPACES) for _ in range(rng.randint(1, 2))))
        return "".join(out)

    def nearby(self, c):
        """Components equal to c or differing in one small way."""
        rng = self.rng
        d = {k: (list(v) if isinstance(v, list) else v) for k, v in c.items()}
        what = rng.randrange(7)
        if what == 0:
            d["release"] = d["release"] + ["0"] * rng.randint(1, 2)
        elif what == 1:
            i = rng.randrange(len(d["release"]))
            d["release"][i] = str(int(d["release"][i]) + rng.choice([-1, 1, 0]) if
                                  d["release"][i] != "0" else 1)
        elif what == 2:
            d["pre"] = None if d["pre"] else (rng.choice(["a", "b", "rc"]), "0")
        elif what == 3:
            d["post"] = "absent" if d["post"] != "absent" else "0"
        elif what == 4:
            d["dev"] = "absent" if d["dev"] != "absent" else None
        elif what == 5:
            d["local"] = None if d["local"] else [self.local_segment()]
        return d

    TOKENS = ["0", "1", "2", "9", "00", "10", "123", "99999999999999999999999",
              ".", ".", "-", "-", "_", "+", "!", "v", "V", "a", "b", "c", "rc",
              "alpha", "beta", "pre", "preview", "post", "rev", "r", "dev", "DEV",
              "Post", " ", "local", "x", "final", "m", "p", "@", "*", "~", "\u017f",
              "\u0130", "\u0131", "\u212a", "\x0b", "\u3000", "\u00e9"]

    def soup(self):
        return "".join(self.rng.choice(self.TOKENS)
                       for _ in range(self.rng.randint(1, 8)))

    SUFFIXES = [".post1", "-1", "rc", "RC2", ".dev", "-dev3", "+local.1", "+A-b_c",
                "a", "b7", "-final", "p1", "m5", ".x", "-", ".", "+", "!", "final",
                "preview", "_beta_2", ".r", "rev9", "@", " ", "\u3000"]

    def mutate(self, s):
        rng = self.rng
        alphabet = "0123456789.-_+!vVabcdeilnoprstwx@~ "
        for _ in range(rng.randint(1, 3)):
            what = rng.randrange(10)
            pos = rng.randint(0, len(s))
            if what == 0:
                s = s[:pos] + rng.choice(alphabet) + s[pos:]
            elif what == 1 and s:
                s = s[:pos] + s[pos + 1:]
            elif what == 2 and s:
                s = s[:pos] + rng.choice(alphabet) + s[pos + 1:]
            elif what == 3:
                s = s.upper() if rng.random() < 0.5 else s.swapcase()
            elif what == 4:
                s = s + rng.choice(self.SUFFIXES)
            elif what == 5:
                s = rng.choice(SPACES) + s + rng.choice(SPACES)
            elif what == 6:
                s = rng.choice(["v", "V", "1!", "0!"]) + s
            elif what == 7:
                digits = [i for i, ch in enumerate(s) if ch.isdigit()]
                if digits:
                    i = rng.choice(digits)
                    s = s[:i] + rng.choice(["0", "00", "99999999999999999999999", "18446744073709551616"]) + s[i:]
            elif what == 8:
                s = s.replace(".", rng.choice(["", "-", "_", ".."]), 1)
            else:
                s = s + rng.choice([".0", ".0.0", ".00"])
        return s


def batch_safe(s):
    return "\t" not in s and "\n" not in s and "\r" not in s


def classify(s):
    """'pep440', 'invalid' (InvalidVersion) or 'error' (another ValueError)."""
    try:
        Version(s)
        return "pep440"
    except InvalidVersion:
        return "invalid"
    except ValueError:
        return "error"


def must_be_legacy(s):
    """Rejected strings that vulntrack must take as legacy rather than refuse."""
    return (s != "" and s.strip() != "" and s.isascii()
            and all(" " <= ch <= "~" for ch in s))


def relation(a, b):
    return "<" if a < b else ">" if a > b else "="


def add_ordered_checks(checks, rng, strings, keys, count, what):
    """Check every neighbour pair in the reference order of `strings`, then `count` random pairs."""
    ordered = sorted(strings, key=lambda s: keys[s])
    for a, b in zip(ordered, ordered[1:]):
        checks.append((a, b, relation(keys[a], keys[b]), what))
    for _ in range(count):
        a, b = rng.choice(strings), rng.choice(strings)
        checks.append((a, b, relation(keys[a], keys[b]), what))


def describe_disagreement(item):
    what, a, b, want, symbol = item
    return f"[{what}] {a!r} vs {b!r}: reference {want}, vulntrack {symbol}"


def main():
    vt_bin = env_path("VT_BIN")
    data_dir = env_path("VT_DATA_DIR")
    rng = random.Random(seed(DEFAULT_SEED))
    gen = Generator(rng)

    real = [s for s in real_versions(data_dir) if batch_safe(s)]
    strings = set(real)
    equivalent = []
    for _ in range(7000):
        c = gen.components()
        a = gen.render(c)
        strings.add(a)
        if rng.random() < 0.5:
            b = gen.render(c if rng.random() < 0.5 else gen.nearby(c))
            strings.add(b)
            equivalent.append((a, b))
    for _ in range(2500):
        strings.add(gen.soup())
    pool = sorted(strings)
    for _ in range(6000):
        strings.add(gen.mutate(rng.choice(pool)))
    # Numbers at and just over CPython's int conversion limit.
    strings.update(["1." + "7" * 4300, "1." + "7" * 4299 + "8", "1." + "7" * 4301,
                    "1.0+" + "1" * 4301, "1.0+a" + "1" * 4301, ""])
    strings = sorted(s for s in strings if batch_safe(s))

    kinds = {s: classify(s) for s in strings}
    pep = [s for s in strings if kinds[s] == "pep440"]
    legacy = [s for s in strings if kinds[s] == "invalid" and must_be_legacy(s)]
    parsed = {s: Version(s) for s in pep}
    legacy_keys = {s: LegacyVersion(s) for s in legacy}

    checks = []  # (a, b, expected symbols, what)
    for a, b in equivalent:
        if kinds[a] == "pep440" and kinds[b] == "pep440":
            checks.append((a, b, relation(parsed[a], parsed[b]), "pep440"))
    add_ordered_checks(checks, rng, pep, parsed, 12000, "pep440")
    pep_pairs = len(checks)

    for s in strings:
        if kinds[s] == "pep440":
            want = relation(parsed[s], Version(LEAST_PEP440))
        elif kinds[s] == "error":
            want = "!"
        elif must_be_legacy(s):
            want = "<"
        else:
            want = "<!"
        checks.append((s, LEAST_PEP440, want, "validity"))

    add_ordered_checks(checks, rng, legacy, legacy_keys, 3000, "legacy")

    status, got, err = run_batch(vt_bin, "PyPI", [(a, b) for a, b, _, _ in checks])
    if status not in (0, 2):
        die(f"vulntrack failed with status {status}: {err[:500]}")
    if len(got) != len(checks) + 1 or got[-1] != "":
        die(f"expected {len(checks)} result lines, got {len(got) - 1}")

    disagreements = []
    counts = {}
    for (a, b, want, what), symbol in zip(checks, got):
        counts[what] = counts.get(what, 0) + 1
        if symbol not in want:
            disagreements.append((what, a, b, want, symbol))

    print(f"strings: {len(strings)} ({len(pep)} PEP 440, {len(legacy)} legacy "
          f"checked against LegacyVersion, "
          f"{sum(1 for k in kinds.values() if k == 'error')} unconvertible)")
    print("checks: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    report(len(checks), disagreements, describe_disagreement, limit=25)
    if pep_pairs < PEP440_PAIR_MINIMUM:
        print(f"only {pep_pairs} PEP 440 pairs, need {PEP440_PAIR_MINIMUM}")
        return 1
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
