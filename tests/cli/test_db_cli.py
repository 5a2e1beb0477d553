"""`vulntrack db import` and `vulntrack db stats`: the shared feeds import
whole, re-imports change nothing, directory and single-file sources, bad
records skipped with source, member and JSON pointer, --strict rolls back,
the database path rules, and the statistics.

The shared OSV archives and the KEV catalogue are imported once into a
temporary database that several tests read."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile

from clitest import DATA, VT, run, run_tests

if not DATA or not os.path.isdir(os.path.join(DATA, "osv")):
    raise SystemExit("VT_DATA_DIR is not set or has no osv/ directory (run through ctest)")

# Advisories per shared archive (../shared/data/osv/README.md) and KEV entries.
EXPECTED = {"Go": 4291, "AlmaLinux": 5637, "PyPI": 2661, "GIT": 132, "crates.io": 1206}
KEV_ENTRIES = 1404
ARCHIVES = [os.path.join(DATA, "osv", eco, "all.zip") for eco in sorted(EXPECTED)]
KEV_FILE = os.path.join(DATA, "kev", "known_exploited_vulnerabilities.json")
for path in ARCHIVES + [KEV_FILE]:
    if not os.path.isfile(path):
        raise SystemExit("missing shared data file: " + path)

TMP = tempfile.mkdtemp(prefix="vt-db-cli-")
SHARED_DB = os.path.join(TMP, "shared.db")
SUMMARY = re.compile(r"^(.*) \((zip|directory|file|kev)\): imported (\d+), updated (\d+), "
                     r"unchanged (\d+), skipped (\d+)$")
TOTAL = re.compile(r"^total: imported (\d+), updated (\d+), unchanged (\d+), skipped (\d+)$")


def summaries(out):
    """{source: (kind, imported, updated, unchanged, skipped)} and the total line."""
    per, total = {}, None
    for line in out.splitlines():
        m = SUMMARY.match(line)
        if m:
            per[m.group(1)] = (m.group(2),) + tuple(int(g) for g in m.groups()[2:])
            continue
        m = TOTAL.match(line)
        assert m, "unexpected output line: %r" % line
        total = tuple(int(g) for g in m.groups())
    assert total is not None, out
    return per, total


def db_path(name):
    return os.path.join(TMP, name)


def stats_json(db):
    rc, out, err = run("db", "stats", "--db", db, "--json")
    assert rc == 0, (rc, err)
    return json.loads(out)


def osv_record(ident, modified="2024-01-01T00:00:00Z", range_type="ECOSYSTEM",
               name="Django", ecosystem="PyPI", aliases=None):
    return {
        "schema_version": "1.6.0",
        "id": ident,
        "modified": modified,
        "aliases": aliases or [],
        "affected": [{
            "package": {"ecosystem": ecosystem, "name": name},
            "ranges": [{"type": range_type,
                        "events": [{"introduced": "0"}, {"fixed": "4.2.1"}]}],
        }],
    }


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f)


_shared = {}


def shared_import():
    """Import every shared archive and the KEV file once; returns (out, err, rss_kb)."""
    if "first" not in _shared:
        p = subprocess.Popen([VT, "db", "import", "--db", SHARED_DB, *ARCHIVES, KEV_FILE],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, (p.returncode, err)
        _shared["first"] = (out, err)
    return _shared["first"]


def test_shared_feeds_import_with_exact_counts_and_no_skip():
    out, err = shared_import()
    assert err == "", err
    per, total = summaries(out)
    for eco, path in zip(sorted(EXPECTED), ARCHIVES):
        assert per[path] == ("zip", EXPECTED[eco], 0, 0, 0), (eco, per[path])
    assert per[KEV_FILE] == ("kev", KEV_ENTRIES, 0, 0, 0)
    assert total == (sum(EXPECTED.values()) + KEV_ENTRIES, 0, 0, 0)


def test_reimport_changes_nothing():
    shared_import()
    rc, out, err = run("db", "import", "--db", SHARED_DB, *ARCHIVES, KEV_FILE)
    assert rc == 0 and err == "", (rc, err)
    per, total = summaries(out)
    for eco, path in zip(sorted(EXPECTED), ARCHIVES):
        assert per[path] == ("zip", 0, 0, EXPECTED[eco], 0), (eco, per[path])
    assert per[KEV_FILE] == ("kev", 0, 0, KEV_ENTRIES, 0)
    assert total == (0, 0, sum(EXPECTED.values()) + KEV_ENTRIES, 0)


def test_stats_of_the_shared_import():
    shared_import()
    s = stats_json(SHARED_DB)
    assert s["advisories"] == sum(EXPECTED.values())
    assert s["ecosystems"] == EXPECTED, s["ecosystems"]
    assert s["kev_entries"] == KEV_ENTRIES
    sources = {x["source"]: x for x in s["sources"]}
    assert sorted(sources) == sorted(os.path.realpath(p) for p in ARCHIVES + [KEV_FILE])
    for eco, path in zip(sorted(EXPECTED), ARCHIVES):
        assert sources[os.path.realpath(path)]["records"] == EXPECTED[eco]
    for x in s["sources"]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", x["last_imported"]), x

    rc, out, err = run("db", "stats", "--db", SHARED_DB)
    assert rc == 0 and err == "", (rc, err)
    lines = out.splitlines()
    assert re.match(r"^Ecosystem +Advisories$", lines[0]), lines[0]
    rows = {}
    for line in lines[1:]:
        m = re.match(r"^(\S+) +(\d+)$", line)
        if not m:
            break
        rows[m.group(1)] = int(m.group(2))
    assert rows == dict(EXPECTED, total=sum(EXPECTED.values())), rows
    assert "KEV entries: %d" % KEV_ENTRIES in lines
    header = [ln for ln in lines if ln.startswith("Source ")]
    assert len(header) == 1 and "Records" in header[0] and "Last imported" in header[0]
    for path in ARCHIVES:
        assert any(ln.startswith(os.path.realpath(path) + " ") for ln in lines), path


def test_import_memory_does_not_grow_with_the_feed():
    # Peak RSS of importing the smallest archive (0.2 MB of JSON) against
    # all of them (54 MB): one record at a time keeps the two close.
    def peak_kb(*sources):
        db = db_path("rss-%d.db" % len(sources))
        p = subprocess.Popen([VT, "db", "import", "--db", db, *sources],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env=dict(os.environ, ASAN_OPTIONS="quarantine_size_mb=1"))
        _, status, usage = os.wait4(p.pid, 0)
        p.stderr.close()
        assert os.waitstatus_to_exitcode(status) == 0
        return usage.ru_maxrss

    small = peak_kb(os.path.join(DATA, "osv", "GIT", "all.zip"))
    big = peak_kb(*ARCHIVES, KEV_FILE)
    assert big - small < 24 * 1024, (small, big)


def test_directory_source_walks_sorted_and_names_files():
    tree = os.path.join(TMP, "tree")
    write_json(os.path.join(tree, "b", "deeper", "GOOD-2.json"), osv_record("GOOD-2"))
    write_json(os.path.join(tree, "a", "GOOD-1.json"), osv_record("GOOD-1", name="flask"))
    write_json(os.path.join(tree, "z-BAD.json"), {"id": 7, "modified": "2024-01-01T00:00:00Z"})
    write_json(os.path.join(tree, "a", "BAD.json"), osv_record("BAD-1", range_type="FOO"))
    with open(os.path.join(tree, "a", "notes.txt"), "w") as f:
        f.write("not a record, not read\n")
    db = db_path("tree.db")
    rc, out, err = run("db", "import", "--db", db, tree)
    assert rc == 0, (rc, err)
    per, total = summaries(out)
    assert per[tree] == ("directory", 2, 0, 0, 2)
    assert total == (2, 0, 0, 2)
    lines = err.splitlines()
    assert lines == [
        'vulntrack db: skipped %s, file a/BAD.json, pointer "/affected/0/ranges/0/type": '
        "unknown range type 'FOO'" % tree,
        'vulntrack db: skipped %s, file z-BAD.json, pointer "/id": expected a string' % tree,
    ], lines
    assert stats_json(db)["ecosystems"] == {"PyPI": 2}


def test_single_file_source_and_the_modified_rule():
    rec = os.path.join(TMP, "single", "PYSEC-TEST-1.json")
    db = db_path("single.db")

    def import_with(modified):
        write_json(rec, osv_record("PYSEC-TEST-1", modified=modified))
        rc, out, err = run("db", "import", "--db", db, rec)
        assert rc == 0 and err == "", (rc, err)
        return summaries(out)[0][rec]

    # The Go feed's placeholder date is the oldest possible time.
    assert import_with("0001-01-01T00:00:00Z") == ("file", 1, 0, 0, 0)
    assert import_with("0001-01-01T00:00:00Z") == ("file", 0, 0, 1, 0)
    # Same placeholder date, changed content: Go advisories must still update.
    write_json(rec, osv_record("PYSEC-TEST-1", modified="0001-01-01T00:00:00Z",
                               aliases=["CVE-2024-9"]))
    rc, out, err = run("db", "import", "--db", db, rec)
    assert rc == 0 and summaries(out)[0][rec] == ("file", 0, 1, 0, 0), (rc, out, err)
    assert import_with("2024-05-01T10:00:00.123456Z") == ("file", 0, 1, 0, 0)
    # An older time never replaces the stored record.
    assert import_with("2024-05-01T09:00:00Z") == ("file", 0, 0, 1, 0)
    # The same instant spelt otherwise is the same time with other text.
    assert import_with("2024-05-01T10:00:00.123Z") == ("file", 0, 1, 0, 0)
    assert import_with("2024-05-01T10:00:00.123Z") == ("file", 0, 0, 1, 0)
    assert import_with("2024-05-01T10:00:01Z") == ("file", 0, 1, 0, 0)
    assert stats_json(db)["advisories"] == 1


def make_broken_zip(path, extra_good=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("BAD-JSON.json", '{"id": "BAD-JSON", "modified": ')
        z.writestr("BAD-RANGE.json", json.dumps(osv_record("BAD-RANGE", range_type="FOO")))
        z.writestr("GOOD-1.json", json.dumps(osv_record("GOOD-1", aliases=["CVE-2024-1"])))
        z.writestr("README.txt", "members that are not .json are not records")
        if extra_good:
            z.writestr(extra_good + ".json", json.dumps(osv_record(extra_good)))


def test_zip_with_broken_members_skips_them_by_member_and_pointer():
    zpath = os.path.join(TMP, "broken.zip")
    make_broken_zip(zpath)
    db = db_path("broken.db")
    rc, out, err = run("db", "import", "--db", db, zpath)
    assert rc == 0, (rc, err)
    per, total = summaries(out)
    assert per[zpath] == ("zip", 1, 0, 0, 2)
    assert total == (1, 0, 0, 2)
    lines = err.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith('vulntrack db: skipped %s, member BAD-JSON.json, pointer "": '
                               % zpath), lines[0]
    assert "malformed JSON at byte" in lines[0]
    assert lines[1] == ('vulntrack db: skipped %s, member BAD-RANGE.json, pointer '
                        '"/affected/0/ranges/0/type": unknown range type \'FOO\'' % zpath)
    s = stats_json(db)
    assert s["advisories"] == 1 and s["ecosystems"] == {"PyPI": 1}
    assert s["sources"][0]["source"] == os.path.realpath(zpath)
    assert s["sources"][0]["records"] == 1


def test_strict_rolls_everything_back():
    zpath = os.path.join(TMP, "broken-strict.zip")
    make_broken_zip(zpath, extra_good="GOOD-2")
    db = db_path("strict.db")
    # A first, clean import stays; the strict one adds nothing, not even the
    # sources that were fine or the good members of the broken archive.
    rc, _, err = run("db", "import", "--db", db, os.path.join(DATA, "osv", "GIT", "all.zip"))
    assert rc == 0, err
    rc, out, err = run("db", "import", "--db", db, "--strict", KEV_FILE, zpath)
    assert rc == 2, (rc, out, err)
    assert out == ""
    assert "member BAD-JSON.json" in err and "member BAD-RANGE.json" in err
    assert err.splitlines()[-1] == ("vulntrack db: 2 records skipped; strict import: "
                                    "nothing was committed"), err
    s = stats_json(db)
    assert s["advisories"] == EXPECTED["GIT"]
    assert s["kev_entries"] == 0
    assert [x["source"] for x in s["sources"]] == [
        os.path.realpath(os.path.join(DATA, "osv", "GIT", "all.zip"))]
    # Without a bad record, --strict imports as usual.
    rc, out, err = run("db", "import", "--db", db, "--strict", KEV_FILE)
    assert rc == 0 and err == "", (rc, err)
    assert stats_json(db)["kev_entries"] == KEV_ENTRIES


def test_bad_kev_entry_skips_the_catalogue_as_a_whole():
    with open(KEV_FILE, encoding="utf-8") as f:
        cat = json.load(f)
    del cat["vulnerabilities"][3]["cveID"]
    path = os.path.join(TMP, "kev-bad.json")
    write_json(path, cat)
    db = db_path("kev-bad.db")
    rc, out, err = run("db", "import", "--db", db, path)
    assert rc == 0, (rc, err)
    assert summaries(out)[0][path] == ("kev", 0, 0, 0, 1)
    assert err.startswith('vulntrack db: skipped %s, pointer "/vulnerabilities/3/cveID": '
                          % path), err
    assert stats_json(db)["kev_entries"] == 0


def test_unusable_sources_fail_without_committing():
    db = db_path("unusable.db")
    good = os.path.join(DATA, "osv", "GIT", "all.zip")
    missing = os.path.join(TMP, "no-such-file.zip")
    rc, out, err = run("db", "import", "--db", db, good, missing)
    assert rc == 2 and out == "", (rc, out, err)
    assert missing in err
    corrupt = os.path.join(TMP, "corrupt.zip")
    with open(good, "rb") as f:
        data = f.read()
    with open(corrupt, "wb") as f:
        f.write(data[:len(data) // 2])
    rc, out, err = run("db", "import", "--db", db, good, corrupt)
    assert rc == 2 and out == "", (rc, out, err)
    assert corrupt in err, err
    s = stats_json(db)
    assert s["advisories"] == 0 and s["sources"] == [], s


def test_db_option_wins_over_environment_and_default_path():
    env_db = db_path("env.db")
    opt_db = db_path("opt.db")
    rec = os.path.join(TMP, "precedence", "P-1.json")
    write_json(rec, osv_record("P-1"))
    home = os.path.join(TMP, "home")
    os.makedirs(home, exist_ok=True)
    env = {"VULNTRACK_DB": env_db, "HOME": home, "XDG_DATA_HOME": ""}

    rc, _, err = run("db", "import", "--db", opt_db, rec, env=env)
    assert rc == 0, err
    assert os.path.exists(opt_db) and not os.path.exists(env_db)
    rc, _, err = run("db", "stats", env=env)
    assert rc == 2 and env_db in err, (rc, err)

    rc, _, err = run("db", "import", rec, env=env)
    assert rc == 0, err
    rc, out, _ = run("db", "stats", "--json", env=env)
    assert rc == 0 and json.loads(out)["advisories"] == 1

    # Neither: the per-user default below $XDG_DATA_HOME, else ~/.local/share.
    env = {"VULNTRACK_DB": "", "HOME": home, "XDG_DATA_HOME": os.path.join(TMP, "xdg")}
    rc, _, err = run("db", "import", rec, env=env)
    assert rc == 0, err
    assert os.path.exists(os.path.join(TMP, "xdg", "vulntrack", "vulntrack.db"))
    env["XDG_DATA_HOME"] = ""
    rc, _, err = run("db", "import", rec, env=env)
    assert rc == 0, err
    assert os.path.exists(os.path.join(home, ".local", "share", "vulntrack", "vulntrack.db"))


def test_usage_errors():
    db = db_path("usage.db")
    assert run("db")[0] == 2
    assert run("db", "frobnicate")[0] == 2
    rc, _, err = run("db", "import", "--db", db)
    assert rc == 2 and "SOURCE" in err
    assert run("db", "import", "--db")[0] == 2
    assert run("db", "import", "--db", db, "--nope", KEV_FILE)[0] == 2
    assert run("db", "stats", "--db", db, "extra")[0] == 2
    assert not os.path.exists(db)
    # A database path that cannot be a database is an I/O error.
    rc, _, err = run("db", "import", "--db", TMP, KEV_FILE)
    assert rc == 3 and TMP in err, (rc, err)
    rc, out, _ = run("help", "db")
    assert rc == 0 and "vulntrack db import" in out


try:
    run_tests(globals())
finally:
    shutil.rmtree(TMP, ignore_errors=True)
