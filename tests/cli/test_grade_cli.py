"""`vulntrack grade`: compute, tables, from-cvss."""
import json
import os

from clitest import SOURCE, run, run_tests

TABLES = os.path.join(SOURCE, "tests/unit/grade/synthetic-tables.json")
WORST = ["--access-path", "AP_NETWORK", "--trigger-req", "low", "--priv-req", "无",
         "--interaction", "UI_NOT_REQUIRED", "--c-imp", "serious", "--i-imp",
         "IMP_SERIOUS", "--a-imp", "严重"]


def test_without_tables_the_grade_is_unavailable():
    code, out, _ = run("grade", "compute", *WORST, env={"VT_GBT30279_TABLES": ""})
    assert code == 0
    doc = json.loads(out)
    assert doc["grade"]["en"] == "unavailable" and doc["grade"]["zh"] == "不可用"
    assert doc["grade"]["method"] is None
    assert doc["tables"] is None
    assert doc["inputs"]["priv_req"] == {"code": "PRV_NONE", "zh": "无"}


def test_with_tables_technical_then_comprehensive():
    code, out, _ = run("grade", "compute", "--tables", TABLES, *WORST)
    doc = json.loads(out)
    assert code == 0
    assert doc["grade"] == {"zh": "超危", "en": "critical", "method": "GBT30279_TECH",
                            "expl_level": 1, "imp_level": 1}
    assert len(doc["tables"]["sha256"]) == 64
    code, out, _ = run("grade", "compute", *WORST, "--env-cost", "high",
                       "--env-fix-difficulty", "HIGH", "--env-scope", "无",
                       env={"VT_GBT30279_TABLES": TABLES})
    doc = json.loads(out)
    assert doc["grade"]["method"] == "GBT30279_COMP"
    assert doc["grade"]["en"] == "medium"


def test_bad_indicator_value_names_field_and_choices():
    code, out, err = run("grade", "compute", "--c-imp", "huge")
    assert code == 2 and out == ""
    assert "c_imp: unknown value 'huge' (expected IMP_SERIOUS, IMP_GENERAL, IMP_NONE)" in err


def test_tables_command_and_bad_table_file(tmp="/tmp"):
    code, out, _ = run("grade", "tables", TABLES)
    assert code == 0 and json.loads(out)["id"].startswith("TEST-ONLY")
    bad = os.path.join(tmp, "vt-bad-tables-%d.json" % os.getpid())
    with open(bad, "w", encoding="utf-8") as f:
        f.write('{"format": "vulntrack-gbt30279-tables/1", "table_set_id": "x", "table_a": {}}')
    try:
        code, out, err = run("grade", "tables", bad)
    finally:
        os.unlink(bad)
    assert code == 2 and out == ""
    assert "/table_a/AP_NETWORK: missing or not an object" in err
    code, _, err = run("grade", "tables", "/nonexistent/tables.json")
    assert code == 3 and "No such file" in err


def test_from_cvss_prefills_indicators():
    code, out, _ = run("grade", "from-cvss", "--tables", TABLES,
                       "CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:U/C:H/I:L/A:N")
    assert code == 0, out
    doc = json.loads(out)
    inputs = {k: v["code"] for k, v in doc["inputs"].items()}
    assert inputs == {"access_path": "AP_ADJACENT", "trigger_req": "TR_HIGH",
                      "priv_req": "PRV_LOW", "interaction": "UI_REQUIRED",
                      "c_imp": "IMP_SERIOUS", "i_imp": "IMP_GENERAL", "a_imp": "IMP_NONE"}
    assert doc["grade"]["method"] == "GBT30279_TECH"
    assert doc["cvss_derived"]["method"] == "CVSS_DERIVED"
    assert doc["cvss_derived"]["en"] == "medium"  # base score 5.4


def test_from_cvss_v4_trigger_and_interaction():
    code, out, _ = run("grade", "from-cvss",
                       "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:N",
                       env={"VT_GBT30279_TABLES": ""})
    assert code == 0, out
    doc = json.loads(out)
    assert doc["inputs"]["trigger_req"]["code"] == "TR_HIGH"
    assert doc["inputs"]["interaction"]["code"] == "UI_REQUIRED"
    assert doc["inputs"]["c_imp"]["code"] == "IMP_NONE"
    assert doc["grade"]["en"] == "unavailable"


def test_from_cvss_refuses_v2_and_bad_vectors():
    code, _, err = run("grade", "from-cvss", "AV:N/AC:L/Au:N/C:P/I:P/A:P")
    assert code == 2 and "v2" in err
    code, _, err = run("grade", "from-cvss", "CVSS:3.1/AV:N")
    assert code == 2 and err


run_tests(globals())
