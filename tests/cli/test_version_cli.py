"""`vulntrack version compare`: the single and --batch contracts."""
from clitest import run, run_tests


def test_single_compare_prints_one_symbol():
    assert run("version", "compare", "npm", "1.0.0", "1.0.1") == (0, "<\n", "")
    assert run("version", "compare", "npm", "1.0.1", "1.0.0") == (0, ">\n", "")
    assert run("version", "compare", "npm", "1.2.3+a", "1.2.3+b") == (0, "=\n", "")


def test_suffix_selects_scheme():
    assert run("version", "compare", "Debian:12", "1.0~rc1", "1.0")[1] == "<\n"
    assert run("version", "compare", "Ubuntu:22.04:LTS", "1:0.1", "2.0")[1] == ">\n"
    assert run("version", "compare", "AlmaLinux:8", "1.0-1.el8", "1.0-2.el8")[1] == "<\n"


def test_unknown_ecosystem():
    code, out, err = run("version", "compare", "NoSuchEco", "1", "2")
    assert code == 2 and out == ""
    assert "unknown ecosystem 'NoSuchEco'" in err


def test_unparsable_version_names_the_value():
    code, out, err = run("version", "compare", "npm", "", "1.0.0")
    assert code == 2 and out == ""
    assert "''" in err


def test_batch_prints_one_symbol_per_line_in_order():
    pairs = "1.0.0\t2.0.0\n2.0.0\t1.0.0\nv1.0.0\t1.0.0\n1.0.0-alpha\t1.0.0-alpha.1\n"
    code, out, err = run("version", "compare", "npm", "--batch", stdin=pairs)
    assert (code, out, err) == (0, "<\n>\n=\n<\n", "")


def test_batch_bad_lines_print_bang_and_exit_2_at_the_end():
    pairs = "1.0.0\t2.0.0\nno tab here\n\t1.0.0\n3.0.0\t2.0.0\n"
    code, out, err = run("version", "compare", "npm", "--batch", stdin=pairs)
    assert code == 2
    assert out == "<\n!\n!\n>\n"
    assert "line 2:" in err and "no tab here" in err
    assert "line 3:" in err


def test_batch_handles_crlf_and_missing_final_newline():
    code, out, _ = run("version", "compare", "PyPI", "--batch",
                       stdin="1.0\t1.0.0\r\n1.0a1\t1.0")
    assert (code, out) == (0, "=\n<\n")


def test_batch_empty_input():
    assert run("version", "compare", "npm", "--batch", stdin="") == (0, "", "")


def test_bad_usage():
    assert run("version")[0] == 2
    assert run("version", "compare", "npm", "1.0")[0] == 2
    assert run("version", "compare", "npm", "1", "2", "3")[0] == 2
    assert run("version", "sort", "npm")[0] == 2


def test_ecosystems_listing():
    code, out, _ = run("version", "ecosystems")
    assert code == 0
    rows = dict(line.split("\t") for line in out.splitlines())
    assert rows["PyPI"] == "pep440" and rows["Debian"] == "dpkg"
    assert rows["Red Hat"] == "rpm" and rows["GIT"] == "(no ordering)"


run_tests(globals())
