"""Shared helpers for the differential tests (standard library only).

Each test pits `vulntrack version compare ECOSYSTEM --batch` against a
reference implementation on many generated pairs. What is the same in every
one lives here: reading the environment and the data kit's version fixtures,
the seed, running the batch, the closing report and the exit status. The
generators and the reference calls stay in each test, because they are what
differs."""
import os
import subprocess
import sys

# The test's name, for messages: "test_dpkg_reference: ...".
NAME = os.path.splitext(os.path.basename(sys.argv[0]))[0]


def die(msg):
    """Report a broken setup or a failed precondition and fail the test."""
    print(f"{NAME}: {msg}", file=sys.stderr)
    sys.exit(1)


def env_path(name):
    """The value of an environment variable ctest sets; fails when unset."""
    value = os.environ.get(name)
    if not value:
        die(f"environment variable {name} is not set (run through ctest)")
    return value


def seed(default, note=""):
    """The generator's seed: VT_SEED, else `default`. Printed, so a failure can be replayed."""
    value = int(os.environ.get("VT_SEED", default))
    print(f"seed {value} (set VT_SEED to replay another){note}")
    return value


def fixture_versions(data_dir, filename):
    """Both versions of every 'A OP B' line of the data kit's versions/FILENAME, in file order."""
    path = os.path.join(data_dir, "versions", filename)
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        die(f"cannot read {path}: {e}")
    out = []
    for line in lines:
        if line == "" or line.startswith("# ") or line.startswith("// "):
            continue
        parts = line.split(" ")
        if len(parts) != 3:
            die(f"{path}: not 'A OP B': {line!r}")
        out.append(parts[0])
        out.append(parts[2])
    if not out:
        die(f"{path}: no versions")
    return out


def add_random_pairs(rng, pairs, total, make, mutate):
    """Append generated pairs to `pairs` until it holds `total`.

    Three pairs in four set a version against a close mutation of itself, so
    that comparisons reach deep into both strings; either may come first."""
    while len(pairs) < total:
        a = make(rng)
        b = mutate(rng, a) if rng.random() < 0.75 else make(rng)
        if rng.random() < 0.5:
            a, b = b, a
        pairs.append((a, b))


def run_batch(vt_bin, ecosystem, pairs):
    """Compare every pair in one batch: (exit status, output lines, stderr text).

    The output is split at each newline, so a complete answer has one line
    per pair and an empty string last."""
    data = "".join(f"{a}\t{b}\n" for a, b in pairs).encode("utf-8")
    p = subprocess.run([vt_bin, "version", "compare", ecosystem, "--batch"],
                       input=data, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8").split("\n"), p.stderr.decode("utf-8", "replace")


def answers(vt_bin, ecosystem, pairs):
    """vulntrack's symbol ('<', '=', '>' or '!') for each pair; fails when some are missing."""
    _, out, err = run_batch(vt_bin, ecosystem, pairs)
    if len(out) < len(pairs):
        die(f"vulntrack printed {len(out)} lines for {len(pairs)} pairs: {err[:500]}")
    return out[:len(pairs)]


def report(npairs, bad, describe, limit=20, note=""):
    """Print 'N pairs, M disagreements' (and `note`), then the first `limit` disagreements.

    `describe` turns one entry of `bad` into its line."""
    print(f"{npairs} pairs, {len(bad)} disagreements{note}")
    for item in bad[:limit]:
        print("  " + describe(item))


def finish(failed):
    """Exit 1 when anything failed, else say so and exit 0."""
    if failed:
        sys.exit(1)
    print("1 passed, 0 failed")
    sys.exit(0)
