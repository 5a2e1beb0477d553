#!/usr/bin/env python3
"""Differential test: vulntrack's Debian ordering against dpkg itself.

Generates at least 10,000 version pairs from a fixed seed (printed; set
VT_SEED to replay another), feeds them all in one batch to
`$VT_BIN version compare Debian --batch` and asks `dpkg --compare-versions`
about each pair. Any disagreement fails the test. A second part checks the
validity rules: a string dpkg refuses must be refused by vulntrack too, and
the warnings dpkg only prints map to the documented choices (an upstream
version that does not start with a digit is accepted, an invalid character
is refused).

The generator covers epochs (absent, 0, leading zeros, up to INT_MAX),
tildes (several, at either end), letters against digits and against other
punctuation, leading zeros, digit runs longer than 64 bits, revisions with
and without hyphens inside the upstream version, upstream versions starting
with a letter, and pairs built from the real versions of the data kit's
debian-versions.txt (found through VT_DATA_DIR).
"""
import os
import random
import subprocess
from concurrent.futures import ThreadPoolExecutor

from difftest import add_random_pairs, answers, die, env_path, finish, fixture_versions, report, seed

PAIRS = 10000
WORKERS = max(2, os.cpu_count() or 2)


LETTERS = "abcxyzABZ"
UPSTREAM_PUNCT = ".+~-"
REVISION_PUNCT = ".+~"


def digits(rng):
    r = rng.random()
    if r < 0.55:
        return str(rng.randint(0, 12))
    if r < 0.7:
        return "0" * rng.randint(1, 3) + str(rng.randint(0, 99))
    if r < 0.85:
        return str(rng.randint(0, 10**6))
    # Longer than any machine integer.
    return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789")
                                            for _ in range(rng.randint(18, 40)))


def part(rng, punct, first_digit):
    """A run of tokens: digit runs, letter runs and punctuation."""
    out = []
    if first_digit:
        out.append(digits(rng))
    for _ in range(rng.randint(0 if first_digit else 1, 6)):
        r = rng.random()
        if r < 0.35:
            out.append(rng.choice(punct))
            out.append(digits(rng))
        elif r < 0.55:
            out.append("".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 3))))
        elif r < 0.7:
            out.append("~" * rng.randint(1, 3))
        elif r < 0.85:
            out.append(digits(rng))
        else:
            out.append(rng.choice(punct))
    return "".join(out)


def epoch(rng):
    r = rng.random()
    if r < 0.5:
        return None
    if r < 0.65:
        return "0"
    if r < 0.75:
        return "0" + str(rng.randint(0, 9))
    if r < 0.9:
        return str(rng.randint(1, 12))
    return str(rng.choice([2147483647, 2147483646, rng.randint(10**6, 2147483647)]))


def assemble(e, upstream, revision):
    s = upstream
    if e is not None:
        s = f"{e}:{s}"
    if revision is not None:
        s = f"{s}-{revision}"
    return s


def random_version(rng):
    e = epoch(rng)
    # A letter first only draws a warning from dpkg; vulntrack accepts it.
    upstream = part(rng, UPSTREAM_PUNCT + (":" if e is not None else ""),
                    rng.random() < 0.92)
    if not upstream:
        upstream = "0"
    revision = None
    if rng.random() < 0.65 or "-" in upstream:
        revision = part(rng, REVISION_PUNCT, rng.random() < 0.8) or "0"
    elif upstream.endswith("-"):
        revision = "1"
    return assemble(e, upstream, revision)


def mutate(rng, s):
    """A version close to s, so that comparisons reach deep into both."""
    r = rng.random()
    if r < 0.15:
        return s + "~" * rng.randint(1, 2) + rng.choice(["", "rc1", "1", "a"])
    if r < 0.25:
        if ":" in s:
            return s.split(":", 1)[1] if ":" not in s.split(":", 1)[1] else s
        return "0:" + s
    if r < 0.35:
        return s + rng.choice(["-0", "-00", "-1", "-0~1", "-a"]) if "-" not in s else s + rng.choice([".0", "+b1", "~1", "a"])
    if r < 0.5:
        i = rng.randrange(len(s) + 1)
        return s[:i] + rng.choice(["0", "1", "00", "~", "a", ".", "+", "Z"]) + s[i:]
    if r < 0.65 and len(s) > 1:
        i = rng.randrange(len(s))
        return s[:i] + s[i + 1:]
    if r < 0.8:
        i = rng.randrange(len(s))
        return s[:i] + rng.choice("0123456789~.+abZ") + s[i + 1:]
    return s + rng.choice([".0", "0", "a", "+", "~", ".", "1"])


def dpkg_status(s):
    """('error'|'warn-digit'|'warn-char'|'ok', stderr) for one string."""
    p = dpkg(s, "eq", s)
    if p.returncode == 2 or "dpkg: error" in p.stderr:
        return "error", p.stderr.strip()
    if p.returncode != 0:
        die(f"dpkg --compare-versions {s!r} eq {s!r} exited {p.returncode}: {p.stderr}")
    if "does not start with digit" in p.stderr:
        return "warn-digit", p.stderr.strip()
    if "invalid character" in p.stderr:
        return "warn-char", p.stderr.strip()
    if p.stderr.strip():
        die(f"unexpected dpkg output for {s!r}: {p.stderr}")
    return "ok", ""


def dpkg_accepts(s):
    """Whether the documented rules accept s, judged by dpkg alone."""
    status, _ = dpkg_status(s)
    if status == "error" or status == "warn-char":
        return False
    if status == "ok":
        return True
    # dpkg stops at the first warning: check the rest of the string by giving
    # the upstream version a leading digit.
    head, sep, tail = s.partition(":") if ":" in s else ("", "", s)
    return dpkg_accepts(head + sep + "0" + tail)


DPKG_OP = {"<": "lt", "=": "eq", ">": "gt", "!": "lt"}


def dpkg(*args, stderr=subprocess.PIPE):
    # "--" ends dpkg's options, so a version may start with '-'.
    return subprocess.run(["dpkg", "--compare-versions", "--", *args],
                          stdout=subprocess.DEVNULL, stderr=stderr, text=True)


def dpkg_verdict(a, b):
    """dpkg's full answer for a pair: '<', '=', '>' or '!' (see dpkg_agrees)."""
    lt = dpkg(a, "lt", b)
    if lt.returncode == 2 or "invalid character" in lt.stderr:
        return "!"
    if lt.returncode == 0:
        return "<"
    return ">" if dpkg(a, "gt", b).returncode == 0 else "="


def dpkg_agrees(item):
    """Whether dpkg confirms vulntrack's answer for one pair.

    One dpkg call checks the relation vulntrack claims. vulntrack must print
    '!' exactly when dpkg refuses either string (it exits 2) or warns about
    an invalid character in one (a documented refusal); a warning about a
    leading non-digit changes nothing.
    """
    (a, b), got = item
    p = dpkg(a, DPKG_OP.get(got, "lt"), b)
    refused = p.returncode == 2 or "invalid character" in p.stderr
    if not refused and "does not start with digit" in p.stderr:
        # dpkg reports one warning per string: look behind the first one.
        refused = not (dpkg_accepts(a) and dpkg_accepts(b))
    if p.returncode not in (0, 1, 2):
        die(f"dpkg --compare-versions {a!r} ? {b!r} exited {p.returncode}: {p.stderr}")
    if got == "!" or refused:
        return got == "!" and refused
    return p.returncode == 0


def describe_pair(item):
    (a, b), got, want = item
    return f"{a!r} vs {b!r}: vulntrack {got!r}, dpkg {want!r}"


VALIDITY_SEEDS = [
    "1.0", "0", "1:0", "0:1.0-1", "2147483647:1", "2147483648:1", "99999999999:1",
    "-1:1.0", "+1:1.0", ":1.0", "1:", "a:1.0", "1.0:1", "1:2:3", "1:2:3-4",
    "1.0-", "-1", "1:-1", "1.0--1", "1.0-1-2", "1.0-a:b", "1.0-1_2", "1.0_1",
    "1.0!", "1.0 1", "a1.0", "~1", "+1", ".1", "A", "1:a", "1:~", "1.0-~",
    "1.0-+", "1.0-.", "1.0~rc1-1~bpo1", "1.0+dfsg-1+deb12u1", "1.0/1", "1,0",
    "1.0-1/2", "1@2", "v0.15.0", "v0.15.0-1", "1:v1", "1.0-r1_a", "ü1",
]


def main():
    vt_bin = env_path("VT_BIN")
    data_dir = env_path("VT_DATA_DIR")
    rng = random.Random(seed(20240611))
    try:
        subprocess.run(["dpkg", "--version"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        die(f"dpkg is needed as the reference and cannot run: {e}")
    real = fixture_versions(data_dir, "debian-versions.txt")

    pairs = []
    # Every pair of real versions from the fixture, both ways round.
    uniq = sorted(set(real))
    for a in uniq:
        for b in uniq:
            pairs.append((a, b))
    # Real versions against close mutations of themselves.
    for _ in range(1500):
        a = rng.choice(real)
        pairs.append((a, mutate(rng, a)))
    add_random_pairs(rng, pairs, PAIRS, random_version, mutate)

    got = answers(vt_bin, "Debian", pairs)
    with ThreadPoolExecutor(WORKERS) as pool:
        agree = list(pool.map(dpkg_agrees, zip(pairs, got)))
    bad = [(p, g, dpkg_verdict(*p)) for p, g, ok in zip(pairs, got, agree) if not ok]
    refused = sum(1 for g, ok in zip(got, agree) if g == "!" and ok)
    report(len(pairs), bad, describe_pair,
           note=f" ({refused} pairs hold a string dpkg refuses, {len(pairs) - refused} compared)")
    if len(pairs) - refused < PAIRS * 9 // 10:
        die("the generator made too many strings dpkg refuses")

    # Validity: what dpkg refuses, vulntrack refuses; the warnings map to the
    # documented choices.
    vstrings = list(VALIDITY_SEEDS)
    for _ in range(400):
        s = rng.choice(pairs)[rng.randrange(2)]
        i = rng.randrange(len(s) + 1)
        vstrings.append(s[:i] + rng.choice(["_", "!", "/", ":", "-", "", "é", "%", "="]) + s[i:])
    with ThreadPoolExecutor(WORKERS) as pool:
        accepts = list(pool.map(dpkg_accepts, vstrings))
    got = answers(vt_bin, "Debian", [(s, s) for s in vstrings])
    vbad = [(s, g, a) for s, g, a in zip(vstrings, got, accepts) if (g == "=") != a]
    print(f"{len(vstrings)} strings checked for validity, {len(vbad)} disagreements")
    for s, g, a in vbad[:20]:
        print(f"  {s!r}: vulntrack {'accepts' if g == '=' else 'refuses'}, "
              f"dpkg rules {'accept' if a else 'refuse'} ({dpkg_status(s)[1] or 'no message'})")
    finish(bad or vbad)


if __name__ == "__main__":
    main()
