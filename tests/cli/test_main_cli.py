"""The vulntrack dispatcher: --help, --version, help CMD, CMD --help, exit codes."""
import re

from clitest import run, run_tests


def test_version_flag():
    code, out, _ = run("--version")
    assert code == 0
    assert re.fullmatch(r"vulntrack \d+\.\d+\.\d+\n", out), out


def test_help_lists_every_command():
    code, out, _ = run("--help")
    assert code == 0
    for cmd in ("version", "purl", "cvss", "grade", "help"):
        assert re.search(r"^  %s " % cmd, out, re.M), cmd


def test_help_cmd_equals_cmd_dash_help():
    for cmd in ("version", "purl", "cvss", "grade"):
        c1, o1, _ = run("help", cmd)
        c2, o2, _ = run(cmd, "--help")
        assert c1 == c2 == 0, cmd
        assert o1 == o2 and o1.startswith("usage: vulntrack " + cmd), cmd
        assert "Exit status" in o1, cmd


def test_unknown_command_is_usage_error():
    code, out, err = run("frobnicate")
    assert code == 2 and out == ""
    assert "unknown command 'frobnicate'" in err


def test_no_arguments_is_usage_error():
    code, _, err = run()
    assert code == 2 and "usage:" in err


def test_help_unknown_command():
    code, _, err = run("help", "nope")
    assert code == 2 and "unknown command 'nope'" in err


run_tests(globals())
