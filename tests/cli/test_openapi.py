"""docs/openapi.yaml: assembled from its fragments, and in step with the
routes the server registers, both ways."""
import os
import re
import subprocess
import sys

import yaml

from clitest import SOURCE, run, run_tests

METHODS = ("get", "post", "put", "patch", "delete")


def load_doc():
    with open(os.path.join(SOURCE, "docs", "openapi.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def routes():
    code, out, err = run("serve", "--routes")
    assert code == 0, err
    return {(m.lower(), p) for m, p, _ in (line.split(" ") for line in out.splitlines())}


def test_document_is_assembled_from_the_fragments():
    p = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "openapi.py"),
                        "--check"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr


def test_every_route_is_documented_and_back():
    doc = load_doc()
    documented = {(m, p) for p, item in doc["paths"].items() for m in item if m in METHODS}
    registered = routes()
    assert registered - documented == set(), "undocumented: %s" % sorted(registered - documented)
    assert documented - registered == set(), "not served: %s" % sorted(documented - registered)


def test_document_shape():
    doc = load_doc()
    assert re.match(r"3\.1\.\d+$", doc["openapi"]), doc["openapi"]
    assert doc["info"]["title"] and doc["info"]["version"]
    for path, item in doc["paths"].items():
        params = set(re.findall(r"\{(\w+)\}", path))
        for method, op in item.items():
            if method not in METHODS:
                continue
            where = "%s %s" % (method.upper(), path)
            assert op.get("summary"), where + ": no summary"
            assert op.get("responses"), where + ": no responses"
            for status in op["responses"]:
                assert re.match(r"[1-5]\d\d$|default$", str(status)), (where, status)
            declared = {p["name"] for p in op.get("parameters", []) + item.get("parameters", [])
                        if p.get("in") == "path"}
            assert params <= declared, "%s: path parameters %s not declared" % (
                where, sorted(params - declared))


if __name__ == "__main__":
    run_tests(globals())
