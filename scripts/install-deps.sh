#!/bin/sh
# Install every build and test dependency of vulntrack from Debian packages.
# Non-interactive and idempotent: packages already present are left alone,
# and the package lists are refreshed only when something is missing.
set -eu

# Build: compiler, CMake, pkg-config, and the libraries the code links
# (libmicrohttpd is the HTTP server of `vulntrack serve`; libcurl delivers
# webhooks and e-mail). tzdata holds the IANA time zones the deadline clocks
# read at run time.
BUILD_PKGS="build-essential cmake pkg-config libcjson-dev libsodium-dev libsqlite3-dev libarchive-dev libmicrohttpd-dev libcurl4-openssl-dev tzdata"
# Tests: cmocka for unit tests; Debian's python3 with the reference
# implementations the differential tests compare against (dpkg ships with
# Debian, rpm's comparison comes with python3-rpm, PEP 440 with
# python3-packaging, and the pre-22 packaging that still orders legacy PyPI
# versions is the copy python3-pip vendors). python3-jsonschema validates
# the scan's SARIF, CycloneDX VEX and OpenVEX output against their schemas.
# python3-yaml reads docs/openapi.yaml in the route-coverage test; openssl
# makes the throw-away TLS certificate of the TLS test; wrk is the load
# generator of bench/intake. python3-aiosmtpd is the real SMTP server the
# notification tests deliver to.
TEST_PKGS="libcmocka-dev python3 python3-rpm python3-packaging python3-pip dpkg python3-jsonschema python3-yaml openssl wrk python3-aiosmtpd"
# Fuzzing and sanitizer builds: clang with libFuzzer and its runtimes.
FUZZ_PKGS="clang libclang-rt-14-dev"

want="$BUILD_PKGS $TEST_PKGS $FUZZ_PKGS"
# Node.js and npm run the CSAF reference validator (from the npm registry)
# in the tests. A machine that already has a node with npm (Debian's, or a
# nodejs package that bundles npm) keeps it; otherwise Debian's are added.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    want="$want nodejs npm"
fi
missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

# The CSAF validator library for the tests (tests/js, pinned by its
# package-lock.json): installed when node_modules is missing or older than
# the lock file. Runs after the packages, whichever way they came.
js_deps() {
    root="$(cd "$(dirname "$0")/.." && pwd)"
    lock="$root/tests/js/package-lock.json"
    mods="$root/tests/js/node_modules"
    if [ -f "$lock" ] && { [ ! -d "$mods" ] || [ "$lock" -nt "$mods" ]; }; then
        echo "install-deps: npm ci in tests/js"
        npm ci --prefix "$root/tests/js" --no-audit --no-fund
        touch "$mods"
    fi
}

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    js_deps
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "install-deps: installing$missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
js_deps
