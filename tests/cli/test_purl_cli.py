"""The `vulntrack purl parse` contract: JSON keys and order, values, batch
order and error lines, exit statuses, and the OSV ecosystem mapping.

Standard library only. VT_BIN names the built vulntrack binary (ctest sets it).
"""

import json
import os
import subprocess
import sys
import unittest

BIN = os.environ.get("VT_BIN")

KEYS = ["type", "namespace", "name", "version", "qualifiers", "subpath",
        "canonical", "osv_ecosystem", "osv_name"]


def run(args, stdin=None, **kw):
    return subprocess.run([BIN, "purl"] + args, input=stdin, capture_output=True,
                          text=True, timeout=30, **kw)


def parse_one(purl, *flags):
    r = run(["parse", *flags, purl])
    if r.returncode != 0:
        raise AssertionError(f"{purl}: exit {r.returncode}: {r.stderr}")
    lines = r.stdout.splitlines()
    if len(lines) != 1:
        raise AssertionError(f"{purl}: expected one line, got {r.stdout!r}")
    return json.loads(lines[0], object_pairs_hook=list)


class Contract(unittest.TestCase):
    def test_keys_in_order_and_values(self):
        pairs = parse_one("pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1"
                          "?type=pom&Classifier=x%20y&repository_url=https://repo.example/m2"
                          "#META-INF/./x")
        self.assertEqual([k for k, _ in pairs], KEYS)
        d = dict(pairs)
        self.assertEqual(d["type"], "maven")
        self.assertEqual(d["namespace"], "org.apache.xmlgraphics")
        self.assertEqual(d["name"], "batik-anim")
        self.assertEqual(d["version"], "1.9.1")
        # qualifiers: an object, keys lower-case and sorted, values decoded
        self.assertEqual(d["qualifiers"],
                         [("classifier", "x y"), ("repository_url", "https://repo.example/m2"),
                          ("type", "pom")])
        self.assertEqual(d["subpath"], "META-INF/x")
        self.assertEqual(d["canonical"],
                         "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1"
                         "?classifier=x%20y&repository_url=https:%2F%2Frepo.example%2Fm2"
                         "&type=pom#META-INF/x")
        self.assertEqual(d["osv_ecosystem"], "Maven")
        self.assertEqual(d["osv_name"], "org.apache.xmlgraphics:batik-anim")

    def test_absent_values_are_null(self):
        d = dict(parse_one("pkg:generic/openssl"))
        self.assertEqual(list(d), KEYS)
        for key in ("namespace", "version", "qualifiers", "subpath", "osv_ecosystem",
                    "osv_name"):
            self.assertIsNone(d[key], key)
        self.assertEqual(d["canonical"], "pkg:generic/openssl")
        # Empty qualifier values are dropped; none left means null, not {}.
        d = dict(parse_one("pkg:npm/x@1?a=&b="))
        self.assertIsNone(d["qualifiers"])

    def test_compact_single_line(self):
        r = run(["parse", "pkg:npm/%40angular/core@12.0.0"])
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.endswith("\n"))
        self.assertNotIn(" ", r.stdout)
        self.assertEqual(r.stdout.count("\n"), 1)
        self.assertEqual(r.stderr, "")

    def test_unicode_round_trip(self):
        d = dict(parse_one("pkg:generic/caf%C3%A9@1%2B2"))
        self.assertEqual(d["name"], "caf\u00e9")
        self.assertEqual(d["version"], "1+2")
        self.assertEqual(d["canonical"], "pkg:generic/caf%C3%A9@1%2B2")

    def test_invalid_single(self):
        cases = [
            ("npm/left-pad", "missing 'pkg:' scheme"),
            ("pkg:3d/x", "type must start with a letter"),
            ("pkg:npm/x?Ke%20y=1", "qualifier key 'Ke%20y'"),
            ("pkg:maven/io", "requires a namespace"),
            ("pkg:npm/a%zz", "invalid percent-encoding"),
            ("pkg:swift/github.com/Alamofire/@5.4.3", "missing name"),
        ]
        for purl, msg in cases:
            with self.subTest(purl=purl):
                r = run(["parse", purl])
                self.assertEqual(r.returncode, 2)
                self.assertEqual(r.stdout, "")
                self.assertIn(msg, r.stderr)
                self.assertTrue(r.stderr.startswith("vulntrack purl: "))
                self.assertEqual(r.stderr.count("\n"), 1)

    def test_strict(self):
        r = run(["parse", "--strict", "pkg:gem/jruby-launcher@1.1.2?Platform=java"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("must be lower-case", r.stderr)
        d = dict(parse_one("pkg:gem/jruby-launcher@1.1.2?Platform=java"))
        self.assertEqual(d["qualifiers"], [("platform", "java")])

    def test_dash_dash(self):
        d = dict(parse_one("pkg:npm/x", "--"))
        self.assertEqual(d["name"], "x")


class Batch(unittest.TestCase):
    def test_order_errors_and_status(self):
        lines = [
            "pkg:pypi/Django_Rest@1.0",
            "not-a-purl",
            "pkg:npm/%40babel/core@7.0.0",
            "",
            "pkg:cargo/rand@0.7.2\r",
            "pkg:golang/github.com/gorilla/mux@v1.8.0",
        ]
        r = run(["parse", "--batch"], stdin="\n".join(lines))  # no final newline
        self.assertEqual(r.returncode, 2, r.stderr)
        out = r.stdout.splitlines()
        self.assertEqual(len(out), len(lines))
        docs = [json.loads(x, object_pairs_hook=list) for x in out]
        self.assertEqual(dict(docs[0])["name"], "django-rest")
        self.assertEqual(dict(docs[0])["osv_name"], "django-rest")
        self.assertEqual([k for k, _ in docs[1]], ["error"])
        self.assertIn("missing 'pkg:' scheme", dict(docs[1])["error"])
        self.assertEqual(dict(docs[2])["osv_name"], "@babel/core")
        self.assertEqual([k for k, _ in docs[3]], ["error"])
        self.assertEqual(dict(docs[4])["canonical"], "pkg:cargo/rand@0.7.2")
        self.assertEqual(dict(docs[5])["osv_name"], "github.com/gorilla/mux")
        for doc in (docs[0], docs[2], docs[4], docs[5]):
            self.assertEqual([k for k, _ in doc], KEYS)
        self.assertIn("line 2: missing 'pkg:' scheme", r.stderr)
        self.assertIn("line 4: ", r.stderr)
        self.assertEqual(r.stderr.count("\n"), 2)

    def test_all_valid_exits_zero(self):
        purls = [f"pkg:npm/p{i}@{i}.0.0" for i in range(200)]
        r = run(["parse", "--batch"], stdin="\n".join(purls) + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        names = [json.loads(x)["name"] for x in r.stdout.splitlines()]
        self.assertEqual(names, [f"p{i}" for i in range(200)])
        self.assertEqual(r.stderr, "")

    def test_empty_input(self):
        r = run(["parse", "--batch"], stdin="")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout, "")

    def test_strict_batch(self):
        r = run(["parse", "--strict", "--batch"], stdin="pkg:rpm/fedora/curl?Arch=i386\n")
        self.assertEqual(r.returncode, 2)
        self.assertIn("must be lower-case", json.loads(r.stdout)["error"])


class Usage(unittest.TestCase):
    def test_usage_errors(self):
        for args in ([], ["frobnicate"], ["parse"], ["parse", "--bogus", "pkg:npm/x"],
                     ["parse", "pkg:npm/x", "pkg:npm/y"], ["parse", "--batch", "pkg:npm/x"]):
            with self.subTest(args=args):
                r = run(args)
                self.assertEqual(r.returncode, 2)
                self.assertEqual(r.stdout, "")
                self.assertIn("vulntrack purl:", r.stderr)

    def test_help(self):
        for args in (["--help"], ["parse", "--help"]):
            r = run(args)
            self.assertEqual(r.returncode, 0)
            self.assertIn("usage: vulntrack purl parse", r.stdout)
            self.assertIn("null when there are", r.stdout)
        r = subprocess.run([BIN, "help", "purl"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertIn("--batch", r.stdout)

    def test_io_errors_exit_3(self):
        # Writing to a full device.
        with open("/dev/full", "w") as full:
            r = subprocess.run([BIN, "purl", "parse", "pkg:npm/x"], stdout=full,
                               stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual(r.returncode, 3, r.stderr)
        # Reading a directory as standard input.
        fd = os.open("/", os.O_RDONLY)
        try:
            r = subprocess.run([BIN, "purl", "parse", "--batch"], stdin=fd,
                               capture_output=True, text=True, timeout=30)
        finally:
            os.close(fd)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("reading standard input", r.stderr)


# (purl, OSV ecosystem, OSV name); None: no OSV ecosystem.
OSV_CASES = [
    ("pkg:pypi/Zope.Interface_X@5.0", "PyPI", "zope-interface-x"),
    ("pkg:golang/github.com/BurntSushi/toml@v1.3.2", "Go", "github.com/BurntSushi/toml"),
    ("pkg:npm/%40angular/core@12.0.0", "npm", "@angular/core"),
    ("pkg:npm/lodash@4.17.21", "npm", "lodash"),
    ("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "Maven",
     "org.apache.logging.log4j:log4j-core"),
    ("pkg:cargo/tokio@1.0.0", "crates.io", "tokio"),
    ("pkg:gem/rails@7.0.0", "RubyGems", "rails"),
    ("pkg:nuget/Newtonsoft.Json@13.0.1", "NuGet", "Newtonsoft.Json"),
    ("pkg:composer/symfony/http-kernel@5.0.0", "Packagist", "symfony/http-kernel"),
    ("pkg:pub/http@0.13.0", "Pub", "http"),
    ("pkg:hex/plug@1.0.0", "Hex", "plug"),
    ("pkg:cran/readxl@1.0.0", "CRAN", "readxl"),
    ("pkg:hackage/aeson@2.0.0.0", "Hackage", "aeson"),
    ("pkg:swift/github.com/apple/swift-nio@2.0.0", "SwiftURL", "github.com/apple/swift-nio"),
    ("pkg:bitnami/wordpress@6.2.0?distro=debian-12", "Bitnami", "wordpress"),
    ("pkg:conan/openssl@3.0.3", "ConanCenter", "openssl"),
    ("pkg:julia/HTTP@1.0.0?uuid=cd3eb016-35fb-5094-929b-558a96fad6f3", "Julia", "HTTP"),
    ("pkg:opam/lwt@5.0.0", "opam", "lwt"),
    ("pkg:vscode-extension/ms-python/python@2024.1.0", "VSCode", "ms-python.python"),
    ("pkg:deb/debian/curl@7.88.1-10?distro=debian-12", "Debian:12", "curl"),
    ("pkg:deb/debian/curl@7.88.1-10?distro=bookworm", "Debian:12", "curl"),
    ("pkg:deb/debian/curl@7.74.0-1?distro=bullseye", "Debian:11", "curl"),
    ("pkg:deb/debian/curl@7.64.0-4?distro=buster", "Debian:10", "curl"),
    ("pkg:deb/debian/curl@8.0?distro=trixie", "Debian:13", "curl"),
    ("pkg:deb/debian/curl@7.50.3-1?distro=jessie", "Debian:8", "curl"),
    ("pkg:deb/debian/curl@7.50.3-1", "Debian", "curl"),
    ("pkg:deb/ubuntu/openssl@3.0.2?distro=ubuntu-22.04", "Ubuntu:22.04:LTS", "openssl"),
    ("pkg:deb/ubuntu/openssl@3.0.2?distro=jammy", "Ubuntu:22.04:LTS", "openssl"),
    ("pkg:deb/ubuntu/openssl@3.0.13?distro=noble", "Ubuntu:24.04:LTS", "openssl"),
    ("pkg:deb/ubuntu/openssl@1.1.1f?distro=focal", "Ubuntu:20.04:LTS", "openssl"),
    ("pkg:deb/ubuntu/openssl@3.0.10?distro=ubuntu-23.10", "Ubuntu:23.10", "openssl"),
    ("pkg:apk/alpine/curl@8.0.0-r0?distro=alpine-3.18.4", "Alpine:v3.18", "curl"),
    ("pkg:apk/alpine/curl@8.0.0-r0?distro=v3.19", "Alpine:v3.19", "curl"),
    ("pkg:apk/wolfi/curl@8.0.0-r0", "Wolfi", "curl"),
    ("pkg:apk/chainguard/curl@8.0.0-r0", "Chainguard", "curl"),
    ("pkg:rpm/redhat/openssl@3.0.7-1.el9", "Red Hat", "openssl"),
    ("pkg:rpm/almalinux/openssl@3.0.7-1.el9?distro=almalinux-9.2", "AlmaLinux:9", "openssl"),
    ("pkg:rpm/rocky/openssl@3.0.7-1.el9?distro=rocky-9", "Rocky Linux:9", "openssl"),
    ("pkg:rpm/opensuse/openssl@3.0.7", "openSUSE", "openssl"),
    ("pkg:rpm/suse/openssl@3.0.7", "SUSE", "openssl"),
    ("pkg:rpm/mageia/openssl@3.0.7?distro=mageia-9", "Mageia:9", "openssl"),
    ("pkg:rpm/photon/openssl@3.0.7?distro=photon-4", "Photon OS:4.0", "openssl"),
    ("pkg:rpm/openeuler/openssl@3.0.7", "openEuler", "openssl"),
    ("pkg:rpm/fedora/curl@7.50.3-1.fc25?distro=fedora-25", None, None),
    ("pkg:generic/openssl@1.1.10g", None, None),
    ("pkg:docker/library/debian@latest", None, None),
    ("pkg:github/package-url/purl-spec@244fd47", None, None),
    ("pkg:unregistered/x@1", None, None),
]


class OsvMapping(unittest.TestCase):
    def test_each_mapping(self):
        for purl, eco, name in OSV_CASES:
            with self.subTest(purl=purl):
                d = dict(parse_one(purl))
                self.assertEqual(d["osv_ecosystem"], eco)
                self.assertEqual(d["osv_name"], name)

    def test_batch_gives_the_same(self):
        r = run(["parse", "--batch"], stdin="".join(p + "\n" for p, _, _ in OSV_CASES))
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [(json.loads(x)["osv_ecosystem"], json.loads(x)["osv_name"])
               for x in r.stdout.splitlines()]
        self.assertEqual(got, [(e, n) for _, e, n in OSV_CASES])


if __name__ == "__main__":
    if not BIN or not os.access(BIN, os.X_OK):
        sys.exit(f"VT_BIN is not set to an executable vulntrack binary ({BIN!r}); "
                 "run this test through ctest")
    unittest.main(verbosity=2)
