"""The `vulntrack cvss score` contract: JSON keys and order per version, value
types, scores, v4 nomenclature, the grade object, batch order and error
lines, exit statuses and messages.

Standard library only. VT_BIN names the built vulntrack binary (ctest sets it).
"""

import json
import os
import subprocess
import sys
import unittest

BIN = os.environ.get("VT_BIN")

KEYS_V23 = ["version", "vector", "base_score", "base_severity", "temporal_score",
            "environmental_score", "grade"]
KEYS_V4 = ["version", "vector", "base_score", "base_severity", "score", "severity",
           "nomenclature", "grade"]
V4_BASE = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"


def run(args, stdin=None):
    return subprocess.run([BIN, "cvss"] + args, input=stdin, capture_output=True,
                          text=True, timeout=30)


def score_one(vector):
    r = run(["score", vector])
    if r.returncode != 0:
        raise AssertionError(f"{vector}: exit {r.returncode}: {r.stderr}")
    lines = r.stdout.splitlines()
    if len(lines) != 1:
        raise AssertionError(f"{vector}: expected one line, got {r.stdout!r}")
    return json.loads(lines[0], object_pairs_hook=list)


def is_score(v):
    """A score is a JSON number 0..10 with at most one decimal."""
    return (isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 10
            and abs(v * 10 - round(v * 10)) < 1e-9)


class Contract(unittest.TestCase):
    def test_v31_keys_types_values(self):
        pairs = score_one("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:X")
        self.assertEqual([k for k, _ in pairs], KEYS_V23)
        d = dict(pairs)
        self.assertEqual(d["version"], "3.1")
        self.assertEqual(d["vector"], "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        for key in ("base_score", "temporal_score", "environmental_score"):
            self.assertTrue(is_score(d[key]), (key, d[key]))
        self.assertEqual((d["base_score"], d["temporal_score"], d["environmental_score"]),
                         (9.8, 9.8, 9.8))
        self.assertEqual(d["base_severity"], "Critical")

    def test_v30_and_v31_environmental_differ_for_scope_changed(self):
        v30 = dict(score_one("CVSS:3.0/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H"))
        v31 = dict(score_one("CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H"))
        self.assertEqual(v30["version"], "3.0")
        self.assertEqual((v30["base_score"], v30["environmental_score"]), (8.5, 8.5))
        self.assertEqual((v31["base_score"], v31["environmental_score"]), (8.5, 8.6))

    def test_v2_null_groups_and_no_prefix(self):
        pairs = score_one("CVSS:2.0/AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:ND")
        self.assertEqual([k for k, _ in pairs], KEYS_V23)
        d = dict(pairs)
        self.assertEqual(d["version"], "2.0")
        self.assertEqual(d["vector"], "AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F")
        self.assertEqual(d["base_score"], 7.8)
        self.assertEqual(d["temporal_score"], 7.4)
        self.assertIsNone(d["environmental_score"])
        self.assertEqual(d["base_severity"], "High")
        d = dict(score_one("AV:N/AC:L/Au:N/C:C/I:C/A:C"))
        self.assertIsNone(d["temporal_score"])
        self.assertIsNone(d["environmental_score"])
        self.assertEqual(d["base_score"], 10)

    def test_numbers_print_with_one_decimal_significance(self):
        r = run(["score", "AV:N/AC:L/Au:N/C:C/I:C/A:C"])
        self.assertIn('"base_score":10,', r.stdout)
        r = run(["score", "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N"])
        self.assertIn('"base_score":0,', r.stdout)
        self.assertIn('"base_severity":"None"', r.stdout)
        r = run(["score", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"])
        self.assertIn('"base_score":9.8,', r.stdout)

    def test_v4_keys_and_nomenclature(self):
        cases = [
            ("", "CVSS-B"),
            ("/E:X/CR:X", "CVSS-B"),
            ("/S:P/U:Red", "CVSS-B"),
            ("/E:U", "CVSS-BT"),
            ("/CR:L", "CVSS-BE"),
            ("/MAV:P", "CVSS-BE"),
            ("/E:P/AR:M/MSI:S", "CVSS-BTE"),
        ]
        for suffix, name in cases:
            pairs = score_one(V4_BASE + suffix)
            self.assertEqual([k for k, _ in pairs], KEYS_V4, suffix)
            d = dict(pairs)
            self.assertEqual(d["version"], "4.0")
            self.assertEqual(d["nomenclature"], name, suffix)
            self.assertEqual(d["base_score"], 9.3, suffix)
            self.assertTrue(is_score(d["score"]), d["score"])
            self.assertIn(d["severity"], ["None", "Low", "Medium", "High", "Critical"])
        d = dict(score_one(V4_BASE + "/E:U"))
        self.assertEqual((d["score"], d["severity"]), (8.1, "High"))
        self.assertEqual(d["base_severity"], "Critical")

    def test_grade_object_from_base_score(self):
        for vector, en in [("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "critical"),
                           ("CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H", "high"),
                           ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "medium"),
                           ("AV:L/AC:H/Au:M/C:P/I:N/A:N", "low"),
                           ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", "none"),
                           # v4: from CVSS-B (9.3), not from the overall score
                           (V4_BASE + "/E:U/CR:L", "critical")]:
            d = dict(score_one(vector))
            self.assertIsInstance(d["grade"], list)  # an object, as pairs
            g = dict(d["grade"])
            self.assertEqual(g["method"], "CVSS_DERIVED")
            self.assertEqual(g["en"], en, vector)
            self.assertIsInstance(g["zh"], str)

    def test_batch_in_order_with_error_line(self):
        vectors = ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                   "CVSS:3.1/AV:N/AC:Q/PR:N/UI:N/S:U/C:H/I:H/A:H",
                   "AV:N/AC:L/Au:N/C:C/I:C/A:C",
                   "",
                   V4_BASE]
        r = run(["score", "--batch"], stdin="".join(v + "\n" for v in vectors))
        self.assertEqual(r.returncode, 2)
        lines = [json.loads(x) for x in r.stdout.splitlines()]
        self.assertEqual(len(lines), 5)
        self.assertEqual(lines[0]["version"], "3.1")
        self.assertEqual(list(lines[1]), ["error"])
        self.assertIn("unknown value 'Q' for metric 'AC'", lines[1]["error"])
        self.assertEqual(lines[2]["version"], "2.0")
        self.assertEqual(list(lines[3]), ["error"])
        self.assertEqual(lines[4]["version"], "4.0")
        self.assertIn("line 2:", r.stderr)
        self.assertIn("line 4:", r.stderr)
        self.assertNotIn("line 1:", r.stderr)

    def test_batch_all_good_exits_0(self):
        vectors = ["AV:N/AC:L/Au:N/C:C/I:C/A:C", V4_BASE + "/E:A",
                   "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X"]
        r = run(["score", "--batch"], stdin="\r\n".join(vectors) + "\r\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [json.loads(x)["version"] for x in r.stdout.splitlines()]
        self.assertEqual(got, ["2.0", "4.0", "3.0"])
        self.assertEqual(r.stderr, "")

    def test_bad_vector_names_the_metric(self):
        cases = [
            ("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric 'AV' appears twice"),
            ("CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H", "missing mandatory metric 'PR'"),
            ("CVSS:3.1/AV:N/AC:Q/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown value 'Q' for metric 'AC'"),
            ("CVSS:3.9/AV:N", "unknown CVSS version '3.9'"),
            ("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
             "metric 'AV' is out of order"),
        ]
        for vector, message in cases:
            r = run(["score", vector])
            self.assertEqual(r.returncode, 2, vector)
            self.assertEqual(r.stdout, "", vector)
            self.assertIn(message, r.stderr, vector)
            self.assertTrue(r.stderr.startswith("vulntrack cvss: "), r.stderr)

    def test_usage_errors(self):
        for args in ([], ["grade"], ["score"], ["score", "a", "b"],
                     ["score", "--batch", "CVSS:3.1/AV:N"], ["score", "--nope"]):
            r = run(args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("vulntrack cvss:", r.stderr)

    def test_help(self):
        r = run(["--help"])
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("usage: vulntrack cvss score VECTOR"))
        r = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=30)
        self.assertIn("cvss", r.stdout)


if __name__ == "__main__":
    if not BIN or not os.access(BIN, os.X_OK):
        sys.exit(f"VT_BIN is not set to an executable vulntrack binary ({BIN!r}); "
                 "run this test through ctest")
    unittest.main(verbosity=2)
