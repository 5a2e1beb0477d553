#!/usr/bin/python3
"""Generate CycloneDX 1.5 JSON SBOMs for the scan benchmark.

Usage: gen_sbom.py OSV_DIR OUT_DIR N [N...]

OSV_DIR holds the advisory exports (<Ecosystem>/all.zip, as in the data kit's
osv/ folder). For each N, OUT_DIR/sbom-N.json gets N components whose
packages come from the Go, PyPI, crates.io and AlmaLinux advisories:

* about 30% at a version inside an advisory's affected range (a version from
  its `versions` list, a non-zero `introduced`, `last_affected`, or, for a
  range that starts at 0, a version just below its first `fixed`);
* about 35% at a version no earlier than every `fixed` of every advisory of
  that package (packages with an open range are left out of this group);
* the rest under synthetic names no advisory mentions.

OUT_DIR/sbom-N.expect lists the bom-ref and advisory id of every component
that was put at an affected version, so the harness can compare what the
scanner finds with what was planted. OUT_DIR/sbom-N.advisories.zip holds
every advisory (as its OSV JSON text) that names a package of the SBOM, for
a second floor: what a scanner has to parse when it keeps advisories as
JSON. Output depends only on the data and N:
the random generator is seeded and every collection is walked in a fixed
order. Only the standard library is used.
"""
import json
import os
import random
import re
import sys
import uuid
import zipfile

SEED = 20261121
AFFECTED_SHARE = 0.30
KNOWN_FIXED_SHARE = 0.35
# Ecosystem mix of the generated components (each group draws from these).
WEIGHTS = [("Go", 0.30), ("PyPI", 0.25), ("crates.io", 0.15), ("AlmaLinux", 0.30)]
ZERO = ("0", "0.0.0-0")
# PEP 440 public versions in their usual spellings; other strings in PyPI
# `versions` lists (`0.1-bulbasaur`) are not what an SBOM would carry.
PEP440 = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")
PURL_SAFE = re.compile(r"[A-Za-z0-9._~-]")


def family(ecosystem):
    return ecosystem.split(":", 1)[0]


def version_key(v):
    """A rough total order (digit runs numerically, digits after letters),
    good enough to find the highest `fixed` of a package; the scanner's own
    ordering decides what is really affected."""
    epoch = 0
    if ":" in v and v.split(":", 1)[0].isdigit():
        e, v = v.split(":", 1)
        epoch = int(e)
    key = [(1, epoch)]
    for tok in re.findall(r"\d+|[A-Za-z]+", v):
        key.append((1, int(tok)) if tok.isdigit() else (0, tok))
    return key


def below(fixed, fam):
    """A version just below `fixed` (one less in the last non-zero number of
    the release for RPM, else of the version core), or None."""
    epoch = ""
    rest = fixed
    if fam == "AlmaLinux":
        if ":" in rest:
            epoch, rest = rest.split(":", 1)
            epoch += ":"
        if "-" not in rest:
            return None
        ver, rel = rest.rsplit("-", 1)
        m = re.match(r"(\d+)", rel)
        if m and int(m.group(1)) > 1:
            return epoch + ver + "-" + str(int(m.group(1)) - 1) + rel[m.end():]
        dec = decrement(ver)
        return epoch + dec + "-" + rel if dec else None
    core = re.split(r"[-+]", rest, 1)[0]
    dec = decrement(core)
    return dec


def decrement(core):
    parts = core.split(".")
    if not all(p.isdigit() for p in parts):
        return None
    for i in range(len(parts) - 1, -1, -1):
        if int(parts[i]) > 0:
            parts[i] = str(int(parts[i]) - 1)
            return ".".join(parts)
    return None


def good_version(v, fam):
    if fam == "PyPI":
        return bool(PEP440.match(v))
    if fam in ("Go", "crates.io"):
        return bool(re.match(r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$", v))
    return bool(re.match(r"^(\d+:)?[0-9A-Za-z._+~^]+-[0-9A-Za-z._+~^]+$", v))


def lookup_key(eco, name):
    """The package as a scanner looks it up: ecosystem without release, PyPI
    names per PEP 503."""
    fam = family(eco)
    return (fam, pep503(name) if fam == "PyPI" else name)


def load(osv_dir):
    """Per package (ecosystem with release, name): affected candidates as
    (version, advisory id), every fixed version, and whether a range is open.
    Also, per lookup key, the archive members (advisories) naming it, with
    the record text."""
    pkgs, members = {}, {}
    for fam in [w[0] for w in WEIGHTS]:
        path = os.path.join(osv_dir, fam, "all.zip")
        with zipfile.ZipFile(path) as z:
            for member in sorted(z.namelist()):
                text = z.read(member)
                rec = json.loads(text)
                for aff in rec.get("affected", []):
                    pkg = aff.get("package") or {}
                    if pkg.get("ecosystem") and pkg.get("name"):
                        members.setdefault(lookup_key(pkg["ecosystem"], pkg["name"]), {})[
                            fam + "/" + member] = text
                if rec.get("withdrawn"):
                    continue
                for aff in rec.get("affected", []):
                    pkg = aff.get("package") or {}
                    eco, name = pkg.get("ecosystem", ""), pkg.get("name", "")
                    if family(eco) != fam or not name:
                        continue
                    if fam == "Go" and name in ("stdlib", "toolchain"):
                        continue
                    if fam == "AlmaLinux" and ":" not in eco:
                        continue
                    add_entry(pkgs.setdefault((eco, name), new_pkg()), rec["id"], aff, fam)
    return pkgs, members


def new_pkg():
    return {"affected": {}, "fixed": [], "open": False}


def add_entry(p, adv, aff, fam):
    cands = []
    for v in aff.get("versions") or []:
        cands.append(v)
    for rng in aff.get("ranges", []):
        if rng.get("type") not in ("SEMVER", "ECOSYSTEM"):
            continue
        events = rng.get("events", [])
        fixed = [e["fixed"] for e in events if "fixed" in e]
        intro = [e["introduced"] for e in events if "introduced" in e]
        last = [e["last_affected"] for e in events if "last_affected" in e]
        p["fixed"].extend(fixed)
        if len(intro) > len(fixed) + len(last):
            p["open"] = True
        # "introduced X, fixed X" is an empty range (RustSec writes
        # unaffected versions so), not an affected version.
        cands.extend(v for v in intro if v not in ZERO and v not in fixed)
        cands.extend(last)
        if any(v in ZERO for v in intro) and fixed:
            b = below(min(fixed, key=version_key), fam)
            if b:
                cands.append(b)
    for v in cands:
        if good_version(v, fam):
            p["affected"].setdefault(v, adv)


def purl_segment(s):
    """Percent-encode every byte outside the purl-spec unreserved set."""
    return "".join(chr(b) if PURL_SAFE.match(chr(b)) else "%%%02X" % b for b in s.encode())


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def component(eco, name, version):
    """(component dict) with name, version and purl as a real SBOM writes them."""
    fam = family(eco)
    if fam == "Go":
        ver = "v" + version
        path = "/".join(purl_segment(s) for s in name.split("/"))
        purl = "pkg:golang/%s@%s" % (path, purl_segment(ver))
    elif fam == "PyPI":
        ver = version
        purl = "pkg:pypi/%s@%s" % (purl_segment(name.lower().replace("_", "-")), purl_segment(ver))
    elif fam == "crates.io":
        ver = version
        purl = "pkg:cargo/%s@%s" % (purl_segment(name), purl_segment(ver))
    else:
        # RPM: the purl carries version-release and the epoch as a qualifier
        # (purl-spec rpm type); the component version is the full EVR.
        ver = version
        epoch, evr = "", version
        if ":" in version:
            epoch, evr = version.split(":", 1)
        quals = "distro=almalinux-" + eco.split(":", 1)[1]
        if epoch and epoch != "0":
            quals += "&epoch=" + epoch
        purl = "pkg:rpm/almalinux/%s@%s?%s" % (purl_segment(name), purl_segment(evr), quals)
    return {"type": "library", "bom-ref": purl, "name": name, "version": ver, "purl": purl}


def synthetic(fam, i, rng):
    major, minor = rng.randrange(1, 9), rng.randrange(0, 20)
    if fam == "Go":
        return ("Go", "example.com/vtbench/synth%06d" % i, "%d.%d.0" % (major, minor))
    if fam == "PyPI":
        return ("PyPI", "vtbench-synth-%06d" % i, "%d.%d" % (major, minor))
    if fam == "crates.io":
        return ("crates.io", "vtbench_synth_%06d" % i, "%d.%d.0" % (major, minor))
    rel = rng.choice(["8", "9"])
    return ("AlmaLinux:" + rel, "vtbench-synth-%06d" % i, "%d.%d-1.el%s" % (major, minor, rel))


class Pools:
    """Per ecosystem family, shuffled candidate lists consumed in order so no
    purl repeats; an exhausted family hands over to the next one."""

    def __init__(self, pkgs, rng):
        self.affected = {f: [] for f, _ in WEIGHTS}
        self.fixed = {f: [] for f, _ in WEIGHTS}
        for (eco, name), p in sorted(pkgs.items()):
            for v, adv in sorted(p["affected"].items()):
                self.affected[family(eco)].append((eco, name, v, adv))
            good = [f for f in p["fixed"] if good_version(f, family(eco))]
            if good and not p["open"]:
                self.fixed[family(eco)].append((eco, name, max(good, key=version_key), None))
        for pools in (self.affected, self.fixed):
            for lst in pools.values():
                rng.shuffle(lst)

    @staticmethod
    def take(pools, fam, used):
        order = [fam] + [f for f, _ in WEIGHTS if f != fam]
        for f in order:
            lst = pools[f]
            while lst:
                item = lst.pop()
                key = (item[0], item[1], item[2])
                if key not in used:
                    used.add(key)
                    return item
        return None


def pick_family(rng):
    x = rng.random()
    for fam, w in WEIGHTS:
        if x < w:
            return fam
        x -= w
    return WEIGHTS[-1][0]


def generate(pkgs, n):
    rng = random.Random(SEED * 1000003 + n)
    pools = Pools(pkgs, rng)
    used = set()
    n_aff = round(n * AFFECTED_SHARE)
    n_fix = round(n * KNOWN_FIXED_SHARE)
    items, expect = [], []
    for _ in range(n_aff):
        it = Pools.take(pools.affected, pick_family(rng), used)
        if it:
            items.append(it)
    for _ in range(n_fix):
        it = Pools.take(pools.fixed, pick_family(rng), used)
        if it:
            items.append(it)
    i = 0
    while len(items) < n:
        eco, name, v = synthetic(pick_family(rng), i, rng)
        items.append((eco, name, v, None))
        i += 1
    rng.shuffle(items)
    comps = []
    for eco, name, v, adv in items:
        c = component(eco, name, v)
        comps.append(c)
        if adv:
            expect.append((c["bom-ref"], adv))
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": "urn:uuid:" + str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "version": 1,
        "metadata": {
            "timestamp": "2026-01-01T00:00:00Z",
            "tools": {"components": [{"type": "application", "name": "vulntrack-bench-gen_sbom"}]},
            "component": {"type": "application", "bom-ref": "vtbench-app",
                          "name": "vtbench-app-%d" % n, "version": "1.0.0"},
        },
        "components": comps,
    }
    return doc, expect


def main(argv):
    if len(argv) < 4:
        sys.stderr.write("usage: gen_sbom.py OSV_DIR OUT_DIR N [N...]\n")
        return 2
    osv_dir, out_dir = argv[1], argv[2]
    try:
        sizes = [int(a) for a in argv[3:]]
    except ValueError:
        sys.stderr.write("gen_sbom.py: N must be a whole number\n")
        return 2
    pkgs, members = load(osv_dir)
    os.makedirs(out_dir, exist_ok=True)
    for n in sizes:
        doc, expect = generate(pkgs, n)
        path = os.path.join(out_dir, "sbom-%d.json" % n)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2, ensure_ascii=False)
            f.write("\n")
        with open(os.path.join(out_dir, "sbom-%d.expect" % n), "w", encoding="utf-8") as f:
            for ref, adv in expect:
                f.write("%s\t%s\n" % (ref, adv))
        # Every advisory that names a package of the SBOM: what a scanner
        # that keeps advisories as OSV JSON has to read and parse. Stored
        # uncompressed, as a database would hand them over.
        wanted = {}
        for c in doc["components"]:
            eco = {"golang": "Go", "pypi": "PyPI", "cargo": "crates.io"}.get(
                c["purl"][4:].split("/", 1)[0], "AlmaLinux")
            wanted.update(members.get(lookup_key(eco, c["name"]), {}))
        adv_path = os.path.join(out_dir, "sbom-%d.advisories.zip" % n)
        with zipfile.ZipFile(adv_path, "w", zipfile.ZIP_STORED) as z:
            for name in sorted(wanted):
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                z.writestr(info, wanted[name])
        fams = {}
        for c in doc["components"]:
            t = c["purl"].split("/", 1)[0][4:]
            fams[t] = fams.get(t, 0) + 1
        print("%s\t%d components\t%d planted affected\t%d bytes\t%d advisories (%d bytes)\t%s" % (
            path, len(doc["components"]), len(expect), os.path.getsize(path), len(wanted),
            sum(len(t) for t in wanted.values()),
            " ".join("%s=%d" % kv for kv in sorted(fams.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
