"""CLI contract tests for `vulntrack scan` (issue 3, section 5).

One temporary database is built with `vulntrack db import` from every shared
OSV archive and the KEV catalogue; the tests then scan the shared SBOMs and an
SBOM written here from real advisories whose expected findings were checked by
hand against the advisory files (see CRAFTED_EXPECTED)."""
import json
import os
import re
import shutil
import tempfile

import jsonschema

from clitest import DATA, SOURCE, run, run_tests

if not DATA or not os.path.isdir(DATA):
    raise SystemExit("VT_DATA_DIR is not set or missing: the scan tests need the data kit")
if not SOURCE or not os.path.isdir(SOURCE):
    raise SystemExit("VT_SOURCE_DIR is not set: the scan tests need the vendored schemas")

TMP = tempfile.mkdtemp(prefix="vt-scan-test-")
DB = os.path.join(TMP, "vt.db")
OSV_ARCHIVES = [os.path.join(DATA, "osv", e, "all.zip")
                for e in ("Go", "AlmaLinux", "PyPI", "GIT", "crates.io")]
KEV_FILE = os.path.join(DATA, "kev", "known_exploited_vulnerabilities.json")
SCHEMAS = os.path.join(SOURCE, "tests", "fixtures", "schemas")
SBOM_DIRS = [os.path.join(DATA, "sbom", "cyclonedx"), os.path.join(DATA, "sbom", "spdx")]
PROTON = os.path.join(DATA, "sbom", "cyclonedx", "SBOM_proton-bridge_proton-bridge-v1.6.3.bom.json")


def _import_db():
    for f in OSV_ARCHIVES + [KEV_FILE]:
        if not os.path.exists(f):
            raise SystemExit("missing data file %s" % f)
    rc, out, err = run("db", "import", "--db", DB, *OSV_ARCHIVES, KEV_FILE)
    if rc != 0:
        raise SystemExit("db import failed (%d): %s%s" % (rc, out, err))


_import_db()


def shared_sboms():
    files = []
    for d in SBOM_DIRS:
        files += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".json"))
    assert len(files) >= 60, "expected the data kit's 60 SBOMs, found %d" % len(files)
    return files


def write(name, obj):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        if isinstance(obj, str):
            f.write(obj)
        else:
            json.dump(obj, f)
    return path


def scan(*args, env=None):
    return run("scan", "--db", DB, *args, env=env)


def scan_json(*args):
    rc, out, err = scan("--format", "json", *args)
    assert rc in (0, 1), "exit %d: %s" % (rc, err)
    return rc, json.loads(out)


# Components drawn from real advisories. Every expected (bom-ref, advisory)
# pair was checked by hand against the advisory JSON in the shared archives:
#  - pyspark 3.2.1: PYSEC-2022-236 (introduced 3.2.0, fixed 3.2.2; KEV
#    CVE-2022-33891), PYSEC-2022-42976 (fixed 3.2.2), PYSEC-2023-44 (fixed
#    3.4.0). PYSEC-2018-25, -2019-114, -2019-169, -2020-95, -2022-186 end
#    before 3.2.1. PYSEC-2023-72 has tied events (fixed 3.2.0 and introduced
#    3.2.0) and its own `versions` list leaves 3.2.1 out: not affected.
#  - PySpark 3.4.0 (name normalised): exactly at PYSEC-2023-44's fix: none.
#  - wazuh v4.5.0+incompatible (Go): GO-2025-3444 (3.0.0 .. 4.9.0),
#    GO-2025-3445 (0 .. 4.9.1), GO-2025-3459 (4.4.0 .. 4.9.1; KEV
#    CVE-2025-24016).
#  - apache-atlas 0.0.15: PYSEC-2017-105 .. -111, all "introduced 0" with no
#    fix, each with one CVSS vector.
#  - perl-YAML-Syck 1.30-5.el8 on AlmaLinux 8: ALSA-2026:6470 (fixed
#    1.30-6.el8_10); the same on AlmaLinux 9: release mismatch, none.
#  - libwebp-sys 0.9.2 (crates.io): RUSTSEC-2023-0061 (fixed 0.9.3; KEV
#    CVE-2023-4863).
CRAFTED = {
    "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
    "metadata": {"component": {"type": "application", "name": "demo-product", "bom-ref": "demo"}},
    "components": [
        {"type": "library", "name": "pyspark", "version": "3.2.1",
         "purl": "pkg:pypi/pyspark@3.2.1", "bom-ref": "c-pyspark"},
        {"type": "library", "name": "PySpark", "version": "3.4.0",
         "purl": "pkg:pypi/PySpark@3.4.0", "bom-ref": "c-pyspark-new"},
        {"type": "library", "name": "github.com/wazuh/wazuh", "version": "v4.5.0+incompatible",
         "purl": "pkg:golang/github.com/wazuh/wazuh@v4.5.0%2Bincompatible", "bom-ref": "c-wazuh"},
        {"type": "library", "name": "apache-atlas", "version": "0.0.15",
         "purl": "pkg:pypi/apache-atlas@0.0.15", "bom-ref": "c-atlas"},
        {"type": "library", "name": "perl-YAML-Syck", "version": "1.30-5.el8",
         "purl": "pkg:rpm/almalinux/perl-YAML-Syck@1.30-5.el8?arch=x86_64&distro=almalinux-8",
         "bom-ref": "c-syck8"},
        {"type": "library", "name": "perl-YAML-Syck", "version": "1.30-5.el9",
         "purl": "pkg:rpm/almalinux/perl-YAML-Syck@1.30-5.el9?arch=x86_64&distro=almalinux-9",
         "bom-ref": "c-syck9"},
        {"type": "library", "name": "libwebp-sys", "version": "0.9.2",
         "purl": "pkg:cargo/libwebp-sys@0.9.2", "bom-ref": "c-webp"},
        {"type": "library", "name": "mystery", "version": "1.0", "bom-ref": "c-nopurl"},
        {"type": "library", "name": "foo", "version": "1.0", "purl": "pkg:generic/foo@1.0",
         "bom-ref": "c-generic"},
        {"type": "library", "name": "requests", "purl": "pkg:pypi/requests",
         "bom-ref": "c-noversion"},
    ],
}
CRAFTED_EXPECTED = {
    ("c-pyspark", "PYSEC-2022-236"), ("c-pyspark", "PYSEC-2022-42976"),
    ("c-pyspark", "PYSEC-2023-44"),
    ("c-wazuh", "GO-2025-3444"), ("c-wazuh", "GO-2025-3445"), ("c-wazuh", "GO-2025-3459"),
    ("c-atlas", "PYSEC-2017-105"), ("c-atlas", "PYSEC-2017-106"), ("c-atlas", "PYSEC-2017-107"),
    ("c-atlas", "PYSEC-2017-108"), ("c-atlas", "PYSEC-2017-109"), ("c-atlas", "PYSEC-2017-110"),
    ("c-atlas", "PYSEC-2017-111"),
    ("c-syck8", "ALSA-2026:6470"),
    ("c-webp", "RUSTSEC-2023-0061"),
}
CRAFTED_KEV = {"PYSEC-2022-236": "CVE-2022-33891", "GO-2025-3459": "CVE-2025-24016",
               "RUSTSEC-2023-0061": "CVE-2023-4863"}
CRAFTED_PATH = write("crafted.cdx.json", CRAFTED)

GRADE_RANK = {"critical": 5, "high": 4, "medium": 3, "low": 2, "none": 1, "unavailable": 0}
GRADE_ZH = {"critical": "超危", "high": "高危", "medium": "中危", "low": "低危"}


def kev_catalogue():
    with open(KEV_FILE, encoding="utf-8") as f:
        return {v["cveID"]: v for v in json.load(f)["vulnerabilities"]}


def check_str_or_null(v, where):
    assert v is None or isinstance(v, str), "%s: %r" % (where, v)


def check_contract(doc):
    """Every key and type of the JSON contract (issue 3, section 5)."""
    assert set(doc) == {"sboms", "errors", "findings", "unidentified"}, sorted(doc)
    paths = set()
    for s in doc["sboms"]:
        assert set(s) == {"path", "format", "spec_version", "components", "unidentified"}, s
        assert isinstance(s["path"], str) and s["path"]
        assert s["format"] in ("CycloneDX", "SPDX"), s
        assert isinstance(s["spec_version"], str), s
        assert isinstance(s["components"], int) and s["components"] >= 0, s
        assert isinstance(s["unidentified"], int) and 0 <= s["unidentified"] <= s["components"], s
        paths.add(s["path"])
    for f in doc["findings"]:
        assert list(f) == ["sbom", "component", "vulnerability", "fixed_versions",
                           "matched_because"], list(f)
        assert f["sbom"] in paths
        c = f["component"]
        assert list(c) == ["name", "version", "purl", "ecosystem", "bom_ref"], list(c)
        check_str_or_null(c["name"], "name")
        check_str_or_null(c["bom_ref"], "bom_ref")
        for k in ("version", "purl", "ecosystem"):
            assert isinstance(c[k], str) and c[k], (k, c)
        assert c["purl"].startswith("pkg:")
        v = f["vulnerability"]
        assert list(v) == ["id", "aliases", "summary", "cvss", "grade", "known_exploited"], list(v)
        assert isinstance(v["id"], str) and v["id"]
        assert isinstance(v["aliases"], list) and all(isinstance(a, str) for a in v["aliases"])
        check_str_or_null(v["summary"], "summary")
        assert isinstance(v["cvss"], list)
        for cv in v["cvss"]:
            assert set(cv) == {"vector", "base_score"}, cv
            assert isinstance(cv["vector"], str)
            assert isinstance(cv["base_score"], (int, float)) and 0 <= cv["base_score"] <= 10
        g = v["grade"]
        assert isinstance(g, dict) and {"zh", "en"} <= set(g), g
        assert g["en"] in GRADE_RANK, g
        if v["cvss"]:
            assert g["method"] == "CVSS_DERIVED", g
        else:
            assert g["en"] == "unavailable", g
        ke = v["known_exploited"]
        if ke is not None:
            assert set(ke) == {"cve", "date_added", "due_date", "ransomware"}, ke
            assert ke["cve"] in [v["id"]] + v["aliases"]
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", ke["date_added"]), ke
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", ke["due_date"]), ke
            assert ke["ransomware"] in ("Known", "Unknown"), ke
        assert isinstance(f["fixed_versions"], list)
        assert all(isinstance(x, str) for x in f["fixed_versions"])
        assert isinstance(f["matched_because"], str) and f["matched_because"]
    for u in doc["unidentified"]:
        assert list(u) == ["sbom", "name", "version", "bom_ref", "reason"], list(u)
        assert u["sbom"] in paths
        for k in ("name", "version", "bom_ref"):
            check_str_or_null(u[k], k)
        assert isinstance(u["reason"], str) and u["reason"]
    for s in doc["sboms"]:
        assert s["unidentified"] == sum(1 for u in doc["unidentified"] if u["sbom"] == s["path"])


def priority_key(f):
    v = f["vulnerability"]
    best = max((c["base_score"] for c in v["cvss"]), default=-1)
    return (v["known_exploited"] is None, -GRADE_RANK[v["grade"]["en"]], -best, v["id"],
            f["component"]["name"] or "")


def test_every_shared_sbom_scans_without_error():
    files = shared_sboms()
    for path in files:
        rc, doc = scan_json(path)
        check_contract(doc)
        assert [s["path"] for s in doc["sboms"]] == [path]
        assert doc["errors"] == []
        assert rc == (1 if doc["findings"] else 0), path
    # All at once: the same findings as one by one, in one report.
    rc, doc = scan_json(*files)
    check_contract(doc)
    assert len(doc["sboms"]) == len(files)


def test_shared_sbom_component_counts():
    # The count the data kit's SOURCES.md gives for a few documents.
    expected = {"SBOM_keycloak-10.0.2_bom.json": 903, "SBOM_juice-shop_v11.1.2_bom.json": 840,
                "SBOM_proton-bridge_proton-bridge-v1.6.3.bom.json": 201,
                "software_example9_spdx2.2_appbomination.spdx.json": 7}
    for name, count in expected.items():
        d = "spdx" if "spdx" in name else "cyclonedx"
        _, doc = scan_json(os.path.join(DATA, "sbom", d, name))
        assert doc["sboms"][0]["components"] == count, (name, doc["sboms"][0])


def test_proton_bridge_has_go_findings():
    rc, doc = scan_json(PROTON)
    assert rc == 1
    ids = {(f["component"]["name"], f["vulnerability"]["id"]) for f in doc["findings"]}
    # gin v1.4.0: GO-2020-0001 is fixed in 1.6.0 (introduced 0).
    assert ("github.com/gin-gonic/gin", "GO-2020-0001") in ids
    for f in doc["findings"]:
        assert f["component"]["ecosystem"] == "Go"


def test_crafted_sbom_exact_findings():
    rc, doc = scan_json(CRAFTED_PATH)
    check_contract(doc)
    assert rc == 1
    got = {(f["component"]["bom_ref"], f["vulnerability"]["id"]) for f in doc["findings"]}
    assert got == CRAFTED_EXPECTED, (sorted(got - CRAFTED_EXPECTED), sorted(CRAFTED_EXPECTED - got))
    assert len(doc["findings"]) == len(CRAFTED_EXPECTED)
    by = {(f["component"]["bom_ref"], f["vulnerability"]["id"]): f for f in doc["findings"]}
    f = by[("c-pyspark", "PYSEC-2022-236")]
    assert f["fixed_versions"] == ["3.2.2"], f
    assert f["component"] == {"name": "pyspark", "version": "3.2.1",
                              "purl": "pkg:pypi/pyspark@3.2.1", "ecosystem": "PyPI",
                              "bom_ref": "c-pyspark"}
    assert "CVE-2022-33891" in f["vulnerability"]["aliases"]
    f = by[("c-syck8", "ALSA-2026:6470")]
    assert f["component"]["ecosystem"] == "AlmaLinux:8"
    assert f["fixed_versions"] == ["1.30-6.el8_10"]
    f = by[("c-atlas", "PYSEC-2017-105")]
    assert f["vulnerability"]["cvss"] == [
        {"vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "base_score": 7.5}]
    assert f["vulnerability"]["grade"]["en"] == "high"
    assert f["vulnerability"]["grade"]["zh"] == GRADE_ZH["high"]
    assert f["fixed_versions"] == []
    f = by[("c-atlas", "PYSEC-2017-106")]
    assert f["vulnerability"]["cvss"][0]["base_score"] == 6.1
    assert f["vulnerability"]["grade"]["en"] == "medium"
    unid = {u["bom_ref"]: u for u in doc["unidentified"]}
    assert set(unid) == {"c-nopurl", "c-generic", "c-noversion"}, unid
    assert unid["c-nopurl"]["reason"] == "no purl"
    assert "generic" in unid["c-generic"]["reason"]
    assert unid["c-noversion"]["reason"] == "no version"
    assert doc["sboms"] == [{"path": CRAFTED_PATH, "format": "CycloneDX", "spec_version": "1.5",
                             "components": 10, "unidentified": 3}]


def test_kev_enrichment_from_catalogue():
    kev = kev_catalogue()
    _, doc = scan_json(CRAFTED_PATH)
    for f in doc["findings"]:
        vid = f["vulnerability"]["id"]
        ke = f["vulnerability"]["known_exploited"]
        if vid not in CRAFTED_KEV:
            assert ke is None, (vid, ke)
            continue
        entry = kev[CRAFTED_KEV[vid]]
        assert ke == {"cve": CRAFTED_KEV[vid], "date_added": entry["dateAdded"],
                      "due_date": entry["dueDate"],
                      "ransomware": entry["knownRansomwareCampaignUse"]}, ke


def test_priority_order_and_determinism():
    rc, doc = scan_json(CRAFTED_PATH)
    keys = [priority_key(f) for f in doc["findings"]]
    assert keys == sorted(keys), keys
    # Known-exploited first.
    n = len(CRAFTED_KEV)
    assert {f["vulnerability"]["id"] for f in doc["findings"][:n]} == set(CRAFTED_KEV)
    first = scan("--format", "json", CRAFTED_PATH, PROTON)[1]
    second = scan("--format", "json", CRAFTED_PATH, PROTON)[1]
    assert first == second
    doc = json.loads(first)
    keys = [priority_key(f) for f in doc["findings"]]
    assert keys == sorted(keys)


def test_fail_on_thresholds():
    atlas = write("atlas.cdx.json", {
        "bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
        "components": [{"type": "library", "name": "apache-atlas", "version": "0.0.15",
                        "purl": "pkg:pypi/apache-atlas@0.0.15"}]})
    clean = write("clean.cdx.json", {
        "bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
        "components": [{"type": "library", "name": "pyspark", "version": "3.4.0",
                        "purl": "pkg:pypi/pyspark@3.4.0"}]})
    # apache-atlas 0.0.15: highest grade high (7.5), no KEV entry.
    cases = [(atlas, None, 1), (atlas, "any", 1), (atlas, "critical", 0), (atlas, "high", 1),
             (atlas, "medium", 1), (atlas, "low", 1), (atlas, "none", 0),
             (clean, None, 0), (clean, "any", 0), (clean, "low", 0),
             # Known-exploited findings reach every grade.
             (CRAFTED_PATH, "critical", 1), (CRAFTED_PATH, "none", 0)]
    for path, grade, want in cases:
        args = ["--fail-on", grade] if grade else []
        rc, out, err = scan(*args, path)
        assert rc == want, (path, grade, rc, err)
    rc, out, err = scan("--fail-on", "severe", atlas)
    assert rc == 2 and "severe" in err, err


def test_bad_sbom_exit_2_with_location():
    bad_json = write("bad.json", '{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [}')
    rc, out, err = scan(bad_json)
    assert rc == 2, (rc, err)
    assert "bad.json" in err and "byte" in err, err
    bad_type = write("badtype.json", {"bomFormat": "CycloneDX", "specVersion": "1.4",
                                      "components": [{"type": "library", "name": 42}]})
    rc, out, err = scan(bad_type)
    assert rc == 2, (rc, err)
    assert "badtype.json" in err and "/components/0/name" in err, err
    missing = os.path.join(TMP, "does-not-exist.json")
    rc, out, err = scan(missing)
    assert rc == 2 and "does-not-exist.json" in err, (rc, err)
    # The others are still scanned and reported; the exit status is 2.
    rc, out, err = scan("--format", "json", bad_json, CRAFTED_PATH)
    assert rc == 2, (rc, err)
    doc = json.loads(out)
    assert [s["path"] for s in doc["sboms"]] == [CRAFTED_PATH]
    assert [e["path"] for e in doc["errors"]] == [bad_json]
    assert "byte" in doc["errors"][0]["error"]
    assert len(doc["findings"]) == len(CRAFTED_EXPECTED)


def test_validate():
    schemas = os.path.join(SOURCE, "data", "schemas")
    assert os.path.isdir(schemas), schemas
    # The data kit notes that this SPDX 2.2 document fails the 2.2.2 schema
    # on four referenceCategory values written PACKAGE-MANAGER.
    appb = os.path.join(DATA, "sbom", "spdx", "software_example9_spdx2.2_appbomination.spdx.json")
    rc, out, err = scan("--validate", "--schemas", schemas, appb)
    assert rc == 2, (rc, err)
    assert "/packages/3/externalRefs/0/referenceCategory" in err, err
    rc, out, err = scan(appb)
    assert rc == 0, (rc, err)
    rc, out, err = scan("--validate", "--format", "json", CRAFTED_PATH, PROTON, appb,
                        env={"VULNTRACK_SCHEMA_DIR": schemas})
    assert rc == 2, (rc, err)
    doc = json.loads(out)
    assert [s["path"] for s in doc["sboms"]] == [CRAFTED_PATH, PROTON]
    assert [e["path"] for e in doc["errors"]] == [appb]
    rc, out, err = scan("--validate", "--schemas", schemas, CRAFTED_PATH)
    assert rc == 1, (rc, err)


def test_usage_errors():
    assert scan()[0] == 2
    rc, out, err = scan("--format", "xml", CRAFTED_PATH)
    assert rc == 2 and "xml" in err
    rc, out, err = run("scan", "--db", os.path.join(TMP, "nope.db"), CRAFTED_PATH)
    assert rc == 2 and "nope.db" in err, (rc, err)
    assert not os.path.exists(os.path.join(TMP, "nope.db"))
    rc, out, err = run("scan", CRAFTED_PATH, env={"VULNTRACK_DB": DB})
    assert rc == 1, (rc, err)


def test_table_output():
    rc, out, err = scan(CRAFTED_PATH, env={"NO_COLOR": ""})
    assert rc == 1, err
    assert "\033[" not in out  # Not a terminal: no colour.
    lines = out.splitlines()
    assert lines[0].startswith("sbom %s: CycloneDX 1.5, 10 components, 3 not identifiable"
                               % CRAFTED_PATH), lines[0]
    header = lines[1]
    assert header.split() == ["GRADE", "ID", "PACKAGE", "FIXED", "KEV"], header
    rows = lines[2:2 + len(CRAFTED_EXPECTED)]
    starts = [header.index(h) for h in ("ID", "PACKAGE", "FIXED")]
    for row in rows:
        for s in starts:
            assert row[s - 2:s] == "  " and row[s] != " ", (row, s)
    kev_rows = [r for r in rows if r.endswith("KEV")]
    assert len(kev_rows) == len(CRAFTED_KEV)
    assert rows[:len(CRAFTED_KEV)] == kev_rows
    assert lines[-1] == ("15 findings: 0 critical, 2 high, 5 medium, 0 low, 0 none, "
                         "8 unavailable; 3 known exploited; 3 components not identifiable"), lines[-1]


def _cyclonedx_validator():
    d = os.path.join(DATA, "schemas", "cyclonedx")
    store = {}
    for name in ("bom-1.5.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"):
        with open(os.path.join(d, name), encoding="utf-8") as f:
            s = json.load(f)
        store[s["$id"]] = s
    main = store["http://cyclonedx.org/schema/bom-1.5.schema.json"]
    resolver = jsonschema.RefResolver.from_schema(main, store=store)
    return jsonschema.Draft7Validator(main, resolver=resolver)


def _load_schema(name):
    with open(os.path.join(SCHEMAS, name), encoding="utf-8") as f:
        return json.load(f)


def _errors(validator, doc):
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
            for e in validator.iter_errors(doc)][:5]


def test_sarif_valid_and_complete():
    rc, out, err = scan("--format", "sarif", CRAFTED_PATH)
    assert rc == 1, err
    doc = json.loads(out)
    v = jsonschema.Draft4Validator(_load_schema("sarif-2.1.0-rtm.5.json"))
    assert not _errors(v, doc), _errors(v, doc)
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert sorted(r["id"] for r in rules) == sorted({i for _, i in CRAFTED_EXPECTED})
    assert len(run_["results"]) == len(CRAFTED_EXPECTED)
    for res in run_["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("crafted.cdx.json")
        assert loc["logicalLocations"][0]["fullyQualifiedName"].startswith("pkg:")
        want = "error" if res["ruleId"] in CRAFTED_KEV or res["ruleId"] in (
            "PYSEC-2017-105", "PYSEC-2017-110") else (
            "warning" if res["ruleId"].startswith("PYSEC-2017-") else "note")
        assert res["level"] == want, (res["ruleId"], res["level"])


def test_cyclonedx_vex_valid_and_complete():
    rc, out, err = scan("--format", "cyclonedx-vex", CRAFTED_PATH, PROTON)
    assert rc == 1, err
    doc = json.loads(out)
    v = _cyclonedx_validator()
    assert not _errors(v, doc), _errors(v, doc)
    refs = {c["bom-ref"] for c in doc["components"]}
    pairs = set()
    for vul in doc["vulnerabilities"]:
        assert vul["analysis"]["state"] == "in_triage"
        for a in vul["affects"]:
            assert a["ref"] in refs
            pairs.add((a["ref"], vul["id"]))
    assert CRAFTED_EXPECTED <= pairs
    kev = {vul["id"]: vul for vul in doc["vulnerabilities"] if vul["id"] in CRAFTED_KEV}
    assert len(kev) == len(CRAFTED_KEV)
    for vid, vul in kev.items():
        props = {p["name"]: p["value"] for p in vul["properties"]}
        assert props["vulntrack:kev:cve"] == CRAFTED_KEV[vid]
    atlas = [vul for vul in doc["vulnerabilities"] if vul["id"] == "PYSEC-2017-105"][0]
    assert atlas["ratings"] == [{"score": 7.5, "severity": "high", "method": "CVSSv3",
                                 "vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]


def test_openvex_valid_and_complete():
    rc, out, err = scan("--format", "openvex", CRAFTED_PATH)
    assert rc == 1, err
    doc = json.loads(out)
    v = jsonschema.Draft202012Validator(_load_schema("openvex_json_schema.json"))
    assert not _errors(v, doc), _errors(v, doc)
    assert doc["@context"] == "https://openvex.dev/ns/v0.2.0"
    purl_of = {c["bom-ref"]: c.get("purl") for c in CRAFTED["components"]}
    pairs = set()
    for st in doc["statements"]:
        assert st["status"] == "under_investigation"
        for p in st["products"]:
            pairs.add((p["@id"], st["vulnerability"]["name"]))
    assert pairs == {(purl_of[r], i) for r, i in CRAFTED_EXPECTED}
    st = [s for s in doc["statements"] if s["vulnerability"]["name"] == "PYSEC-2022-236"][0]
    assert "CVE-2022-33891" in st["vulnerability"]["aliases"]


def test_every_format_for_all_shared_sboms():
    files = shared_sboms()
    validators = {"sarif": jsonschema.Draft4Validator(_load_schema("sarif-2.1.0-rtm.5.json")),
                  "cyclonedx-vex": _cyclonedx_validator(),
                  "openvex": jsonschema.Draft202012Validator(
                      _load_schema("openvex_json_schema.json"))}
    for fmt, v in validators.items():
        rc, out, err = scan("--format", fmt, *files)
        assert rc == 1, (fmt, rc, err)
        doc = json.loads(out)
        assert not _errors(v, doc), (fmt, _errors(v, doc))
    # With no finding at all, SARIF and CycloneDX stay valid; OpenVEX 0.2.0
    # requires at least one statement, so an empty document misses only that.
    empty = os.path.join(DATA, "sbom", "cyclonedx", "SBOM_keycloak-10.0.2_bom.json")
    for fmt, v in validators.items():
        rc, out, err = scan("--format", fmt, empty)
        assert rc == 0, (fmt, rc, err)
        errors = [e.validator for e in v.iter_errors(json.loads(out))]
        assert errors == ([] if fmt != "openvex" else ["minItems"]), (fmt, errors)


def test_vex_outputs_reproducible_with_source_date_epoch():
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    for fmt in ("openvex", "cyclonedx-vex"):
        a = scan("--format", fmt, CRAFTED_PATH, env=env)[1]
        b = scan("--format", fmt, CRAFTED_PATH, env=env)[1]
        assert a == b
        assert "2023-11-14T22:13:20Z" in a


try:
    run_tests(dict(globals()))
finally:
    shutil.rmtree(TMP, ignore_errors=True)
