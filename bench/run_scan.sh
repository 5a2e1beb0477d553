#!/bin/sh
# The scan and import benchmark of issue 3: generated CycloneDX SBOMs of 1k,
# 10k, 20k and 50k components (about 30% at affected versions) scanned
# against every shared advisory plus the KEV catalogue, each time set
# against the floor (bench_floor: read the same JSON and parse it with cJSON,
# nothing more). Every figure is the best of RUNS runs of a whole process,
# timed the same way by measure.py; peak RSS is the largest of those runs.
# Usage: bench/run_scan.sh BUILD_DIR [RUNS]   (data kit: $VT_DATA_DIR or ../shared/data)
set -eu
build=${1:-build}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
data=${VT_DATA_DIR:-$here/../../shared/data}
py=/usr/bin/python3
vt=$build/vulntrack
floor=$build/bench_floor
sizes="1000 10000 20000 50000"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for prog in "$vt" "$floor"; do
    [ -x "$prog" ] || { echo "run_scan.sh: $prog is missing (build it first)" >&2; exit 2; }
done
for cmd in "db import" scan; do
    # shellcheck disable=SC2086
    "$vt" $cmd --help >/dev/null 2>&1 ||
        { echo "run_scan.sh: '$vt $cmd' does not exist yet" >&2; exit 2; }
done
zips=$(ls "$data"/osv/*/all.zip)
kev=$data/kev/known_exploited_vulnerabilities.json
[ -n "$zips" ] && [ -f "$kev" ] || { echo "run_scan.sh: no OSV zips or KEV file under $data" >&2; exit 2; }
db=$tmp/vt.db

echo "# machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); best of $runs runs each"
echo "# generating SBOMs ($py bench/gen_sbom.py)"
# shellcheck disable=SC2086
"$py" "$here/gen_sbom.py" "$data/osv" "$tmp" $sizes | sed 's|^.*/||'

echo
echo "# db import of every shared advisory and the KEV catalogue into an empty database"
# shellcheck disable=SC2086
set -- $("$py" "$here/measure.py" --runs "$runs" --fresh "$db" --out "$tmp/import.out" -- \
    "$vt" db import --db "$db" $zips "$kev")
imp_s=$1 imp_rss=$2 imp_cpu=$3
# shellcheck disable=SC2086
set -- $("$py" "$here/measure.py" --runs "$runs" -- "$floor" --runs 1 $zips "$kev")
ifl_s=$1 ifl_cpu=$3
# shellcheck disable=SC2086
set -- $("$floor" --runs 1 $zips "$kev")
records=$1 json_bytes=$2
echo "vulntrack: $(tail -n 1 "$tmp/import.out")"
printf '%-9s %10s %9s %8s %7s %9s %8s %7s %8s   %s\n' documents "JSON bytes" "import s" "floor s" ratio \
    "import cpu" "floor cpu" ratio "RSS MB" "target import <= 2.5x floor"
imp_ratio=$(awk -v a="$imp_s" -v b="$ifl_s" 'BEGIN{printf "%.2f", a/b}')
imp_verdict=$(awk -v r="$imp_ratio" 'BEGIN{print (r <= 2.5) ? "PASS" : "MISS"}')
printf '%-9s %10s %9s %8s %6sx %9s %8s %6sx %8s   %s\n' "$records" "$json_bytes" "$imp_s" "$ifl_s" "$imp_ratio" \
    "$imp_cpu" "$ifl_cpu" "$(awk -v a="$imp_cpu" -v b="$ifl_cpu" 'BEGIN{printf "%.2f", a/b}')" \
    "$(awk -v k="$imp_rss" 'BEGIN{printf "%.1f", k/1024}')" "$imp_verdict"

echo
echo "# scan --format json (stdout to /dev/null) against that database"
echo "# floor: cJSON parse of the SBOM alone; +adv floor: of the SBOM and of every advisory"
echo "# naming one of its packages (the OSV JSON a scanner reading stored JSON must parse)"
echo "# (s: wall-clock seconds; cpu: user + system seconds of the process)"
printf '%-10s %9s %6s %9s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %6s %5s\n' components "SBOM B" advs "adv B" \
    "floor s" "scan s" ratio "fl cpu" "sc cpu" ratio "+adv s" ratio "ms/1k" "+ms/1k" "RSS MB" RSS
prev_n=0 prev_s=0 checks=
for n in $sizes; do
    sbom=$tmp/sbom-$n.json
    bytes=$(wc -c <"$sbom")
    set -- $("$py" "$here/measure.py" --runs "$runs" -- "$floor" --runs 1 "$sbom")
    fl_s=$1 fl_cpu=$3
    set -- $("$floor" --runs 1 "$tmp/sbom-$n.advisories.zip")
    advs=$1 adv_bytes=$2
    set -- $("$py" "$here/measure.py" --runs "$runs" -- "$floor" --runs 1 "$sbom" "$tmp/sbom-$n.advisories.zip")
    fla_s=$1
    set -- $("$py" "$here/measure.py" --runs "$runs" --ok 0,1 --out "$tmp/report-$n.json" -- \
        "$vt" scan --db "$db" --format json "$sbom")
    sc_s=$1 sc_rss=$2 sc_cpu=$3
    check=$("$py" "$here/scan_check.py" "$tmp/report-$n.json" "$tmp/sbom-$n.expect" |
        awk -F'\t' '{printf "%s; %s; %s/%s", $1, $2, $3, $4; if ($5 > 0) printf "; SYNTHETIC HITS %s", $5}')
    ratio=$(awk -v a="$sc_s" -v b="$fl_s" 'BEGIN{printf "%.2f", a/b}')
    ratio_c=$(awk -v a="$sc_cpu" -v b="$fl_cpu" 'BEGIN{printf "%.2f", a/b}')
    ratio_a=$(awk -v a="$sc_s" -v b="$fla_s" 'BEGIN{printf "%.2f", a/b}')
    per1k=$(awk -v s="$sc_s" -v n="$n" 'BEGIN{printf "%.2f", s * 1000 / (n / 1000)}')
    # The marginal cost: milliseconds per 1k components added since the
    # previous size, free of the fixed start-up cost.
    marg=$(awk -v s="$sc_s" -v n="$n" -v ps="$prev_s" -v pn="$prev_n" \
        'BEGIN{printf "%.2f", (s - ps) * 1000 / ((n - pn) / 1000)}')
    rss_mb=$(awk -v k="$sc_rss" 'BEGIN{printf "%.1f", k/1024}')
    limit_mb=$(awk -v b="$bytes" 'BEGIN{printf "%.1f", (3 * b) / 1048576 + 50}')
    rss_ok=$(awk -v r="$rss_mb" -v l="$limit_mb" 'BEGIN{print (r <= l) ? "PASS" : "MISS"}')
    printf '%-10s %9s %6s %9s %7s %7s %6sx %7s %7s %6sx %7s %6sx %7s %7s %6s %5s\n' "$n" "$bytes" "$advs" \
        "$adv_bytes" "$fl_s" "$sc_s" "$ratio" "$fl_cpu" "$sc_cpu" "$ratio_c" "$fla_s" "$ratio_a" "$per1k" \
        "$marg" "$rss_mb" "$rss_ok"
    checks="$checks$(printf '%-10s %9s %10s %12s  %s' "$n" "$limit_mb" "$(wc -c <"$tmp/report-$n.json")" \
        "$(awk -v k="$sc_rss" -v b="$bytes" 'BEGIN{printf "%.1fx", k * 1024 / b}')" "$check")
"
    eval "ratio_$n=$ratio ratio_c_$n=$ratio_c marg_$n=$marg rss_ok_$n=$rss_ok"
    prev_n=$n prev_s=$sc_s
done
echo
echo "# RSS limit (3x SBOM + 50 MB), report size, and what the scan found against what was planted"
printf '%-10s %9s %10s %12s  %s\n' components "limit MB" "report B" "RSS / SBOM" "findings; components with one; planted found/planted"
printf '%s' "$checks"

echo
echo "# targets"
# shellcheck disable=SC2154
printf 'scan of the 20k SBOM <= 1.5x floor:        %sx  %s  (CPU time: %sx)\n' "$ratio_20000" \
    "$(awk -v r="$ratio_20000" 'BEGIN{print (r <= 1.5) ? "PASS" : "MISS"}')" "$ratio_c_20000"
printf 'db import <= 2.5x floor:                   %sx  %s\n' "$imp_ratio" "$imp_verdict"
# Linear: each 1k components added from 20k to 50k costs no more than 1.25x
# what each 1k cost from 1k to 10k (the +ms/1k column); process start and
# opening the database, paid once, drop out of both.
# shellcheck disable=SC2154
printf 'scan time linear (+ms/1k 20k->50k <= 1.25x +ms/1k 1k->10k): %s vs %s  %s\n' "$marg_50000" "$marg_10000" \
    "$(awk -v a="$marg_50000" -v b="$marg_10000" 'BEGIN{print (a <= 1.25 * b) ? "PASS" : "MISS"}')"
rss_all=PASS
for n in $sizes; do
    eval "v=\$rss_ok_$n"
    # shellcheck disable=SC2154
    [ "$v" = PASS ] || rss_all=MISS
done
printf 'peak RSS <= 3x SBOM + 50 MB (every size):  %s\n' "$rss_all"
