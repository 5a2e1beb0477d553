#!/usr/bin/env python3
"""Differential test: vulntrack's RPM ordering against rpm's Python bindings.

Generates at least 10,000 label pairs from a fixed seed (printed; set VT_SEED
to replay another), feeds them all in one batch to
`$VT_BIN version compare "Red Hat" --batch`, and compares each answer with
rpm.labelCompare((e, v, r), (e, v, r)) after splitting each string the way
vulntrack documents it (the epoch is a leading digit run followed by ':',
"0" when that run is empty; the release follows the last '-'; no '-' means
no release). The split is checked against rpm's own parser, rpm.ver(), on
every string. A label rpm refuses (labelCompare raises for an empty version)
must be refused by vulntrack, and only such labels.

The generator covers epochs (absent, empty, 0, leading zeros, wider than 64
bits), tildes and carets (several, at either end, mixed), letters against
digits, leading zeros, long digit runs, separators including bytes above
0x7f, releases absent, empty and with several hyphens before them, colons
that are not epochs, and pairs built from the real labels of the data kit's
redhat-versions.txt (found through VT_DATA_DIR).
"""
import random

from difftest import add_random_pairs, answers, die, env_path, finish, fixture_versions, report, seed

try:
    import rpm
except ImportError as e:  # The reference must be there: never skip.
    die(f"the rpm Python module is needed: {e}")

PAIRS = 12000


def split_evr(s):
    """(epoch, version, release) as vulntrack splits a label."""
    i = 0
    while i < len(s) and "0" <= s[i] <= "9":
        i += 1
    epoch, rest = None, s
    if i < len(s) and s[i] == ":":
        epoch, rest = (s[:i] or "0"), s[i + 1:]
    version, sep, release = rest.rpartition("-")
    if not sep:
        version, release = rest, None
    return epoch, version, release


def reference(a, b):
    """rpm's answer: '<', '=', '>' or '!' when rpm refuses either label."""
    try:
        r = rpm.labelCompare(split_evr(a), split_evr(b))
    except ValueError:
        return "!"
    return "<" if r < 0 else ">" if r > 0 else "="


def check_split(s):
    """None, or how split_evr() differs from rpm.ver() for s."""
    try:
        v = rpm.ver(s)
    except ValueError:
        return None if s == "" else f"rpm.ver refuses {s!r}"
    mine = split_evr(s)
    theirs = (v.e, v.v, v.r)
    return None if mine == theirs else f"{s!r}: split {mine}, rpm.ver {theirs}"


def digits(rng):
    r = rng.random()
    if r < 0.5:
        return str(rng.randint(0, 12))
    if r < 0.65:
        return "0" * rng.randint(1, 3) + str(rng.randint(0, 99))
    if r < 0.85:
        return str(rng.randint(0, 10**6))
    return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789")
                                            for _ in range(rng.randint(18, 40)))


LETTERS = "abcelxyzABZ"
SEPS = [".", ".", ".", "_", "+", "%", "α", ":"]


def part(rng):
    out = []
    for _ in range(rng.randint(1, 7)):
        r = rng.random()
        if r < 0.35:
            out.append(digits(rng))
        elif r < 0.55:
            out.append("".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 3))))
        elif r < 0.7:
            out.append(rng.choice(SEPS))
        elif r < 0.85:
            out.append("~" * rng.randint(1, 2))
        else:
            out.append("^" * rng.randint(1, 2))
    return "".join(out)


def epoch(rng):
    r = rng.random()
    if r < 0.5:
        return None
    if r < 0.6:
        return ""
    if r < 0.7:
        return "0"
    if r < 0.8:
        return "0" + str(rng.randint(0, 9))
    if r < 0.92:
        return str(rng.randint(1, 20))
    return digits(rng)


def random_label(rng):
    e = epoch(rng)
    s = part(rng)
    if rng.random() < 0.2:
        s += "-" + part(rng)  # a hyphen inside the version: the last one splits
    r = rng.random()
    if r < 0.55:
        s += "-" + part(rng)
    elif r < 0.65:
        s += "-"
    return s if e is None else f"{e}:{s}"


def mutate(rng, s):
    """A label close to s, so that comparisons reach deep into both."""
    r = rng.random()
    if r < 0.12:
        return s + rng.choice(["~", "~~", "~rc1", "^", "^^", "^git1", "^~", "~^"])
    if r < 0.2:
        return ("0:" + s) if ":" not in s else s.split(":", 1)[1]
    if r < 0.3:
        return s + rng.choice(["-", "-0", "-1", "-1.el9", ".0", "_0", "a"])
    if r < 0.45:
        i = rng.randrange(len(s) + 1)
        return s[:i] + rng.choice(["0", "1", "00", "~", "^", "a", ".", "-", "Z", "_"]) + s[i:]
    if r < 0.6 and len(s) > 1:
        i = rng.randrange(len(s))
        return s[:i] + s[i + 1:]
    if r < 0.8:
        i = rng.randrange(len(s))
        return s[:i] + rng.choice("0123456789~^.abZ_-") + s[i + 1:]
    return s + rng.choice([".0", "0", "a", "~", "^", ".", "1", "-"])


def describe_pair(item):
    a, b, got, want = item
    return (f"{a!r} vs {b!r}: vulntrack {got!r}, rpm.labelCompare {want!r} "
            f"(split {split_evr(a)} / {split_evr(b)})")


def main():
    vt_bin = env_path("VT_BIN")
    data_dir = env_path("VT_DATA_DIR")
    rng = random.Random(seed(20240611, f"; rpm {rpm.__version__}"))
    real = fixture_versions(data_dir, "redhat-versions.txt")

    pairs = []
    uniq = sorted(set(real))
    for a in uniq:
        for b in uniq:
            if rng.random() < 0.25:
                pairs.append((a, b))
    for _ in range(3000):
        a = rng.choice(real)
        pairs.append((a, mutate(rng, a)))
    add_random_pairs(rng, pairs, PAIRS, random_label, mutate)

    strings = sorted({s for pair in pairs for s in pair})
    split_bad = [m for m in map(check_split, strings) if m]
    print(f"{len(strings)} labels split, {len(split_bad)} differ from rpm.ver()")
    for m in split_bad[:10]:
        print("  " + m)

    got = answers(vt_bin, "Red Hat", pairs)
    bad = []
    refused = 0
    for (a, b), g in zip(pairs, got):
        want = reference(a, b)
        refused += want == "!"
        if g != want:
            bad.append((a, b, g, want))
    report(len(pairs), bad, describe_pair,
           note=f" ({refused} pairs hold a label rpm refuses, {len(pairs) - refused} compared)")
    if len(pairs) - refused < PAIRS * 9 // 10:
        die("the generator made too many labels rpm refuses")
    finish(bad or split_bad)


if __name__ == "__main__":
    main()
