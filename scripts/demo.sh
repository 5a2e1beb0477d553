#!/bin/sh
# `make demo`: show vulntrack's semantics commands at work on a few
# real inputs (the main job, `make run`, is scripts/run.sh: the server).
# Usage: scripts/demo.sh PATH_TO_VULNTRACK
set -eu
vt=${1:-build/vulntrack}

step() {
    printf '\n$ %s\n' "$*"
    "$@"
}

"$vt" --version
"$vt" --help
step "$vt" version compare Debian:12 1.2.3-1 1.2.3~rc1-1
step "$vt" version compare PyPI 1.0.dev0 1.0a0
step "$vt" version compare Maven 1.0-alpha 1.0-SNAPSHOT
printf '1.0.0-alpha\t1.0.0\nv2.0.0\t2.0.0\n10.1\t9.99\n' > /tmp/vulntrack-demo-pairs.$$
printf '\n$ printf ... | %s version compare npm --batch\n' "$vt"
"$vt" version compare npm --batch < /tmp/vulntrack-demo-pairs.$$
rm -f /tmp/vulntrack-demo-pairs.$$
step "$vt" purl parse 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12'
step "$vt" purl parse 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1'
step "$vt" cvss score 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'
step "$vt" cvss score 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A'
step "$vt" grade from-cvss 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N'

# Advisory database and SBOM scan, on the shared data kit when it is there.
data=${VT_DATA_DIR:-$(dirname "$0")/../../shared/data}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -d "$data/osv" ]; then
    db=$(mktemp -d)/demo.db
    step "$vt" db import --db "$db" "$data/osv/PyPI/all.zip" "$data/osv/Go/all.zip" \
        "$data/osv/AlmaLinux/all.zip" "$data/kev/known_exploited_vulnerabilities.json"
    step "$vt" db stats --db "$db"
    printf '\n$ %s scan --db %s --format table data/demo/demo-sbom.cdx.json\n' "$vt" "$db"
    "$vt" scan --db "$db" --format table --fail-on none "$here/data/demo/demo-sbom.cdx.json"
    rm -rf "$(dirname "$db")"
else
    printf '\n(no advisory data at %s: set VT_DATA_DIR to show db import and scan)\n' "$data"
fi
printf '\nDone. See README.md for every command; `%s help COMMAND` for details.\n' "$vt"
