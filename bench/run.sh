#!/bin/sh
# Print the benchmark figures: comparisons per second for every version
# scheme, CVSS vectors per second, and the ratio to the Debian-packaged Python
# reference implementations measured in the same run on the same inputs.
# Usage: bench/run.sh BUILD_DIR [SECONDS]   (data kit: $VT_DATA_DIR or ../shared/data)
set -eu
build=${1:-build}
seconds=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
data=${VT_DATA_DIR:-$here/../../shared/data}
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "# version comparisons (each parses both strings); pairs from $(basename "$data")/versions"
printf '%-10s %-12s %8s %14s\n' scheme ecosystem pairs "compares/s"
for spec in semver:npm nuget:NuGet pub:Pub maven:Maven rubygems:RubyGems \
            packagist:Packagist pypi:PyPI debian:Debian redhat:Red\ Hat \
            alpine:Alpine cran:CRAN hackage:Hackage; do
    file=${spec%%:*}
    eco=${spec#*:}
    "$py" "$here/make_pairs.py" "$data/versions/$file-versions.txt" "$tmp/$file.pairs"
    set -- $("$build/bench_version" "$eco" "$tmp/$file.pairs" "$seconds" | tr '\t' ' ')
    rate=$(echo "$@" | awk '{print $NF}')
    printf '%-10s %-12s %8s %14s\n' "$file" "$eco" "$(echo "$@" | awk '{print $(NF-3)}')" "$rate"
    eval "rate_$file=$rate"
done

echo
echo "# against the Debian-packaged references (same pairs, same run)"
ref_pep=$("$py" "$here/reference_versions.py" pep440 "$tmp/pypi.pairs" "$seconds" | awk -F'\t' '{print $5}')
ref_rpm=$("$py" "$here/reference_versions.py" rpm "$tmp/redhat.pairs" "$seconds" | awk -F'\t' '{print $5}')
printf '%-34s %14s %14s %8s\n' reference "reference/s" "vulntrack/s" ratio
printf '%-34s %14s %14s %8.1fx\n' "python3-packaging Version (PyPI)" "$ref_pep" "$rate_pypi" \
    "$(echo "$rate_pypi $ref_pep" | awk '{print $1/$2}')"
printf '%-34s %14s %14s %8.1fx\n' "python3-rpm labelCompare (RPM)" "$ref_rpm" "$rate_redhat" \
    "$(echo "$rate_redhat $ref_rpm" | awk '{print $1/$2}')"

if [ -x "$build/bench_cvss" ]; then
    echo
    echo "# CVSS vectors parsed and scored"
    "$build/bench_cvss" "$data/cvss" "$seconds"
fi

if [ -x "$build/bench_purl" ]; then
    echo
    echo "# package URLs parsed (purl-spec test-suite inputs)"
    "$build/bench_purl" "$data/purl/tests" "$seconds"
fi

echo
echo "# scan and db import against the shared advisories (bench/run_scan.sh)"
"$here/run_scan.sh" "$build"
