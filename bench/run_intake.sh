#!/bin/sh
# Measure the case service on loopback: durable intakes per second, case
# reads per second, their p50/p99 latency at half of the highest rate, and
# the server's resident memory when idle. Prints each run, then a table of
# the targets with PASS/MISS and ratios, and wrk's figures for the same
# highest-rate runs as a cross-check of bench/loadgen.
#
# Usage: bench/run_intake.sh BUILD_DIR [SECONDS]
#   BUILD_DIR holds vulntrack and loadgen; SECONDS (default 5) is the
#   measured part of each run, after a 1 s warm-up. The database is
#   created in a temporary directory under $TMPDIR (default /tmp), which
#   must be on a real disk for "durable" to mean an fsync.
set -eu
build=${1:?usage: bench/run_intake.sh BUILD_DIR [SECONDS]}
secs=${2:-5}
bin=$build/vulntrack
lg=$build/loadgen
for f in "$bin" "$lg"; do
    [ -x "$f" ] || { echo "run_intake.sh: $f is missing (cmake --build $build)" >&2; exit 2; }
done
have_wrk=0
command -v wrk >/dev/null 2>&1 && have_wrk=1

tmp=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

here=$(cd "$(dirname "$0")" && pwd)
# One vendor receives the reports. It names no policy profile, so opening a
# case computes no deadline obligations; the case read is the same.
"$bin" org add --db "$tmp/db" --slug acme --name "Acme Networks" --kind vendor \
    --country DE --time-zone Europe/Berlin >/dev/null
# Rate limits far above anything one machine can send: the limiter is not
# what is measured here.
big=100000000
: >"$tmp/serve.out"
"$bin" serve --db "$tmp/db" --listen 127.0.0.1:0 --rate-client $big \
    --rate-client-burst $big --rate-total $big --rate-total-burst $big \
    --policy-dir "$here/../data/policy" --calendar-dir "$here/../data/calendars" \
    >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
url=
i=0
while [ $i -lt 100 ]; do
    url=$(sed -n 's/^vulntrack serve: listening on \([^ ]*\).*/\1/p' "$tmp/serve.out")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$url" ]; then
    echo "run_intake.sh: the server did not start:" >&2
    cat "$tmp/serve.err" >&2
    exit 3
fi

rss_mib() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"
}
threads_of() {
    awk '/^Threads:/ { print $2 }' "/proc/$pid/status"
}
# Anonymous (heap, page caches) and file-backed (libraries) parts of the RSS.
rss_parts() {
    awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 }
         END { printf "anonymous %.1f, files %.1f", a / 1024, f / 1024 }' "/proc/$pid/status"
}
# field NAME FILE: the value of NAME=... on the RESULT line of a loadgen run.
field() {
    sed -n "s/^RESULT .*[ ]$1=\([^ ]*\).*/\1/p" "$2"
}
metric() {
    curl -s "$url/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}
half() {
    awk -v r="$1" 'BEGIN { printf "%d", r / 2 }'
}
# run NAME LOADGEN-ARGS...: one loadgen run, shown and kept in $tmp/NAME.
# The server's CPU time so far (user + system), in clock ticks.
server_ticks() {
    # Fields after the parenthesised command name: utime and stime are 12 and 13.
    sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'
}
tck=$(getconf CLK_TCK)
# Busy CPU time of the whole machine so far (all cores), in clock ticks.
machine_ticks() {
    awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
# run NAME LOADGEN-ARGS...: one loadgen run, shown and kept in $tmp/NAME,
# with the server's CPU time per response (robust to the machine's load,
# unlike the rates) and the load average at its start.
run() {
    name=$1
    shift
    echo "## $name"
    t0=$(server_ticks)
    m0=$(machine_ticks)
    s0=$(date +%s.%N)
    "$lg" "$@" "$url" >"$tmp/$name" || { cat "$tmp/$name"; exit 1; }
    t1=$(server_ticks)
    m1=$(machine_ticks)
    s1=$(date +%s.%N)
    sed 's/^/  /' "$tmp/$name" | grep -v '^  RESULT'
    awk -v a="$t0" -v b="$t1" -v hz="$tck" -v n="$(field "done" "$tmp/$name")" 'BEGIN {
        printf "%.0f\n", (n > 0) ? (b - a) * 1e6 / hz / n : 0 }' >"$tmp/$name.cpu"
    # What the rest of the machine used meanwhile: busy time of all cores
    # less the server's and the generator's, in cores.
    awk -v m0="$m0" -v m1="$m1" -v t0="$t0" -v t1="$t1" -v hz="$tck" -v s0="$s0" -v s1="$s1" \
        -v lg="$(field cpu_s "$tmp/$name")" -v us="$(cat "$tmp/$name.cpu")" 'BEGIN {
        w = s1 - s0; srv = (t1 - t0) / hz; other = (m1 - m0) / hz - srv - lg
        if (other < 0) other = 0
        printf "  server CPU %s us a response; cores busy: server %.2f, loadgen %.2f, other processes %.2f\n",
            us, srv / w, lg / w, other / w }' | tee "$tmp/$name.cores"
}

token=$("$bin" token create --db "$tmp/db" --role admin --name bench 2>"$tmp/token.err") || token=
auth=
[ -n "$token" ] && auth="Authorization: Bearer $token"

# The report of every intake: each body differs ({n} is a counter).
cat >"$tmp/report.json" <<'EOF'
{"product":{"name":"Edge Router","model":"ER-4","version":"2.1.{n}"},
 "title":"Stored XSS in the login page ({n})",
 "description":"The login page echoes the username parameter without escaping it, so a crafted link runs script in the administrator's browser. Seen on firmware 2.1; request {n}.",
 "reporter":{"name":"Alice Example","email":"alice@example.org"}}
EOF

echo "# vulntrack serve on $url ($(nproc) cores: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1))"
echo "# each run: ${secs} s measured after a 1 s warm-up; loadgen shares the machine with the server"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# What one durable write costs on this disk: 100 O_DSYNC writes of a page.
dd if=/dev/zero of="$tmp/probe" bs=16k count=100 oflag=dsync 2>"$tmp/dd" || true
echo "# disk: a 16 KiB O_DSYNC write takes $(awk -F', ' '/copied/ { printf "%.2f", $3 * 10 }' "$tmp/dd") ms on average (100 writes)"
rm -f "$tmp/probe"

# Idle memory after start-up and a few requests of each kind.
for _ in 1 2 3 4 5; do
    curl -s -o /dev/null "$url/readyz"
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
        --data-binary @"$tmp/report.json" "$url/api/v1/reports"
done
sleep 1
rss_start=$(rss_mib)
echo "# idle RSS after start-up: $rss_start MiB ($(rss_parts); $(threads_of) threads)"

# --- Durable intake -------------------------------------------------------
# Every 201 is sent only after the writer's group transaction holding the
# report and its ledger entry is committed with synchronous=FULL.
post="-X POST -p /api/v1/reports -H Content-Type:application/json -B $tmp/report.json"
# A closed loop of C clients commits at most C reports per commit, so the
# highest rate is taken over two sizes of crowd.
intake_max=0
intake_conns=0
for c in 32 128; do
    # shellcheck disable=SC2086
    run intake-max-$c -m max -t 2 -c $c -d "$secs" -w 1 $post -s "id=$tmp/report-ids"
    r=$(field ok_rps "$tmp/intake-max-$c")
    if awk -v a="$r" -v b="$intake_max" 'BEGIN { exit !(a > b) }'; then
        intake_max=$r
        intake_conns=$c
    fi
done
intake_rate=$(half "$intake_max")
# shellcheck disable=SC2086
run intake-half -m rate -r "$intake_rate" -t 2 -c 64 -d "$secs" -w 1 $post
intake_p50=$(field p50_ms "$tmp/intake-half")
intake_p99=$(field p99_ms "$tmp/intake-half")
intake_unsent=$(field unsent "$tmp/intake-half")
# And at the rate the service must reach, for reference.
# shellcheck disable=SC2086
run intake-1000 -m rate -r 1000 -t 2 -c 64 -d "$secs" -w 1 $post
groups=$(metric vulntrack_write_groups_total)
jobs=$(metric vulntrack_write_jobs_total)
echo "## writer: $jobs writes in $groups commits ($(awk -v j="$jobs" -v g="$groups" \
    'BEGIN { printf "%.1f", g ? j / g : 0 }') per commit)"

# --- Case reads -------------------------------------------------------------
# GET /api/v1/cases/{ref} when the route exists: cases are opened from the
# first reports (POST /api/v1/reports/{id}/case). Else the staff read of a
# report, GET /api/v1/reports/{id}, which the case read will resemble.
head -n 500 "$tmp/report-ids" >"$tmp/case-reports"
read_what=
if [ -n "$auth" ] && "$bin" serve --routes | grep -q '^GET /api/v1/cases/{' &&
    "$bin" serve --routes | grep -q '^POST /api/v1/reports/{id}/case '; then
    run open-cases -m max -n 500 -t 1 -c 4 -d 30 -X POST -p '/api/v1/reports/{id}/case' \
        -i "$tmp/case-reports" -H "$auth" -H Content-Type:application/json -b '{}' \
        -s "ref=$tmp/case-refs"
    if [ -s "$tmp/case-refs" ]; then
        read_what=cases
        read_path='/api/v1/cases/{id}'
        read_ids=$tmp/case-refs
    fi
fi
if [ -z "$read_what" ]; then
    if [ -z "$auth" ]; then
        echo "run_intake.sh: no staff token ($(cat "$tmp/token.err")); reads not measured" >&2
        read_what=none
    else
        echo "## GET /api/v1/cases/{ref} is not served yet: reads are GET /api/v1/reports/{id} (staff)"
        read_what=reports
        read_path='/api/v1/reports/{id}'
        read_ids=$tmp/case-reports
    fi
fi
if [ "$read_what" != none ]; then
    run read-max -m max -t 2 -c 32 -d "$secs" -w 1 -p "$read_path" -i "$read_ids" -H "$auth"
    read_max=$(field ok_rps "$tmp/read-max")
    read_rate=$(half "$read_max")
    run read-half -m rate -r "$read_rate" -t 2 -c 64 -d "$secs" -w 1 -p "$read_path" \
        -i "$read_ids" -H "$auth"
    read_p50=$(field p50_ms "$tmp/read-half")
    read_p99=$(field p99_ms "$tmp/read-half")
    read_unsent=$(field unsent "$tmp/read-half")
fi

# --- Case reads beside a full intake load ----------------------------------------
# Reads at a modest fixed rate while 128 clients submit reports as fast as
# they can: shows whether reads wait behind writes.
mixed_p99=-
if [ "$read_what" != none ]; then
    # shellcheck disable=SC2086
    "$lg" -m max -t 1 -c 128 -d "$((secs + 2))" $post "$url" >"$tmp/mixed-intake" &
    bg=$!
    sleep 0.5
    run mixed-read -m rate -r 2000 -t 1 -c 32 -d "$secs" -w 1 -p "$read_path" -i "$read_ids" \
        -H "$auth"
    wait "$bg" || true
    sed 's/^/  beside it: /' "$tmp/mixed-intake" | grep -v RESULT | head -3
    mixed_p99=$(field p99_ms "$tmp/mixed-read")
fi

# --- Staff reads over every stored report --------------------------------------
# A working set as large as the database: every reader connection's page
# cache fills, which the memory figure after the load then includes.
wide_rps=-
if [ -n "$auth" ]; then
    awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' "$tmp/report-ids" | sort -k1,1 |
        cut -f2 >"$tmp/all-reports"
    run wide-read -m max -t 2 -c 32 -d "$secs" -w 1 -p '/api/v1/reports/{id}' \
        -i "$tmp/all-reports" -H "$auth"
    wide_rps=$(field ok_rps "$tmp/wide-read")
fi

# --- Memory after the load, and what the server kept --------------------------
sleep 2
rss_after=$(rss_mib)
echo "# idle RSS 2 s after the load: $rss_after MiB ($(rss_parts); $(threads_of) threads)"
stored=$(metric vulntrack_reports)
acked=$(cat "$tmp"/intake-max-* "$tmp/intake-half" "$tmp/intake-1000" "$tmp"/mixed-intake 2>/dev/null |
    awk '/^RESULT/ { sub(/.* s2xx=/, ""); sub(/ .*/, ""); n += $0 } END { print n + 5 }')
echo "# reports stored: $stored; acknowledged by 201 (loadgen runs and the 5 start-up reports): $acked"

# --- wrk cross-check of the highest rates -------------------------------------
# wrk and loadgen take turns, twice each, with the same threads, connections
# and duration and no warm-up; the best run of each is compared, so that a
# burst of other work on the machine does not decide the ratio.
xsecs=3
wrk_intake=-
wrk_read=-
lg_intake=-
lg_read=-
# best A B: the larger of two rates ("-" counts as nothing).
best() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == "" || b == "-" || (a != "-" && a + 0 >= b + 0)) print a; else print b }'
}
if [ $have_wrk = 1 ]; then
    # The same report, with the thread number and a counter in place of {n}.
    awk 'BEGIN { printf "body_template = [==[" } { gsub(/\{n\}/, "%s"); print }
         END { print "]==]" }' "$tmp/report.json" >"$tmp/post.lua"
    cat >>"$tmp/post.lua" <<'EOF'
local threads, n = 0, 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end
function request()
    n = n + 1
    local tag = tid .. "-" .. n
    local body = string.format(body_template, tag, tag, tag)
    return wrk.format("POST", "/api/v1/reports", {["Content-Type"] = "application/json"}, body)
end
EOF
    {
        echo "args_path = \"${read_path:-}\""
        cat <<'EOF'
local ids, i = {}, 0
function init(args)
    for line in io.lines(args[1]) do ids[#ids + 1] = line end
    i = math.random(#ids)
end
function request()
    i = i % #ids + 1
    return wrk.format("GET", (string.gsub(args_path, "{id}", ids[i])))
end
EOF
    } >"$tmp/get.lua"
    for k in 1 2; do
        echo "## wrk $k: POST /api/v1/reports, 2 threads, $intake_conns connections, ${xsecs} s"
        wrk -t2 -c"$intake_conns" -d"${xsecs}s" --latency -s "$tmp/post.lua" "$url" \
            >"$tmp/wrk-intake-$k" 2>&1 || true
        sed -n 's/^/  /; /Latency Distribution/,$p' "$tmp/wrk-intake-$k"
        wrk_intake=$(best "$wrk_intake" "$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk-intake-$k")")
        # shellcheck disable=SC2086
        run intake-pair-$k -m max -t 2 -c "$intake_conns" -d "$xsecs" $post
        lg_intake=$(best "$lg_intake" "$(field ok_rps "$tmp/intake-pair-$k")")
    done
    if [ "$read_what" != none ]; then
        for k in 1 2; do
            echo "## wrk $k: GET $read_path, 2 threads, 32 connections, ${xsecs} s"
            wrk -t2 -c32 -d"${xsecs}s" --latency -H "$auth" -s "$tmp/get.lua" "$url" \
                -- "$read_ids" >"$tmp/wrk-read-$k" 2>&1 || true
            sed -n 's/^/  /; /Latency Distribution/,$p' "$tmp/wrk-read-$k"
            wrk_read=$(best "$wrk_read" "$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk-read-$k")")
            run read-pair-$k -m max -t 2 -c 32 -d "$xsecs" -p "$read_path" -i "$read_ids" \
                -H "$auth"
            lg_read=$(best "$lg_read" "$(field ok_rps "$tmp/read-pair-$k")")
        done
    fi
fi

# --- Targets -------------------------------------------------------------------
# verdict MEASURED TARGET at-least|under: PASS/MISS and the measured/target ratio.
row() {
    awk -v what="$1" -v m="$2" -v t="$3" -v kind="$4" -v unit="$5" 'BEGIN {
        if (m == "" || m == "-") { printf "%-44s %12s %14s %8s  %s\n", what, "-", "", "", "NOT MEASURED"; exit }
        ok = (kind == "at-least") ? (m + 0 >= t + 0) : (m + 0 < t + 0)
        printf "%-44s %12s %14s %7.2fx  %s\n", what, m " " unit,
            (kind == "at-least" ? ">= " : "< ") t " " unit, (t > 0 ? m / t : 0), ok ? "PASS" : "MISS"
    }'
}
case $read_what in
cases) read_label="case reads/s (GET /api/v1/cases/{ref})" ;;
reports) read_label="case reads/s (as GET /api/v1/reports/{id})" ;;
*) read_label="case reads/s" ;;
esac
echo
echo "# targets (ratio = measured / target)"
printf '%-44s %12s %14s %8s  %s\n' what measured target ratio verdict
row "durable intakes/s (closed loop, $intake_conns conns)" "$intake_max" 1000 at-least /s
row "intake p99 at ${intake_rate}/s (p50 ${intake_p50} ms)" "$intake_p99" 20 under ms
awk -v a="$(field p50_ms "$tmp/intake-1000")" -v b="$(field p99_ms "$tmp/intake-1000")" 'BEGIN {
    printf "%-44s %12s %14s %8s  %s\n", "(intake at 1000/s: p50 " a " ms, p99)", b " ms", "", "", "for information" }'
row "$read_label" "${read_max:-}" 10000 at-least /s
row "read p99 at ${read_rate:-?}/s (p50 ${read_p50:-?} ms)" "${read_p99:-}" 20 under ms
[ "$read_what" = none ] || awk -v p="$mixed_p99" -v r="$(field ok_rps "$tmp/mixed-read")" 'BEGIN {
    printf "%-44s %12s %14s %8s  %s\n", "(read p99 at 2000/s beside max intake)", p " ms", "", "",
        "for information: " r "/s served" }'
row "idle RSS after start-up" "$rss_start" 30 under MiB
row "idle RSS after the load" "$rss_after" 30 under MiB
# Server CPU per request, and what two cores would serve if the server had
# them alone (the load generator's own CPU is not counted).
cpu_row() {
    [ -s "$tmp/$2.cpu" ] || return 0
    awk -v what="$1" -v us="$(cat "$tmp/$2.cpu")" -v cores="$(nproc)" 'BEGIN {
        printf "%-44s %12s %14s %8s  %s\n", what, us " us", "", "",
            sprintf("for information: %d cores / CPU = %.0f/s", cores, (us > 0) ? cores * 1e6 / us : 0) }'
}
cpu_row "(server CPU per durable intake, ${intake_conns} conns)" "intake-max-$intake_conns"
cpu_row "(server CPU per case read)" read-max
awk -v r="$wide_rps" -v n="$(wc -l <"$tmp/report-ids")" 'BEGIN {
    printf "%-44s %12s %14s %8s  %s\n", "(staff reads over all " n " reports)", r " /s", "", "", "for information" }'
[ "${intake_unsent:-0}" = 0 ] && [ "${read_unsent:-0}" = 0 ] ||
    echo "note: requests left unsent at half rate (intake $intake_unsent, read ${read_unsent:-0}): the rate was not sustained"
awk -v s="$stored" -v a="$acked" 'BEGIN {
    printf "%-44s %12s %14s %8s  %s\n", "every acknowledged report stored", s, ">= " a, "", (s + 0 >= a + 0) ? "PASS" : "MISS" }'
echo
echo "# cross-check: best of two ${xsecs} s runs each, taking turns, same threads and connections"
printf '%-44s %12s %12s %8s\n' what loadgen/s wrk/s wrk/loadgen
awk -v l="$lg_intake" -v w="$wrk_intake" 'BEGIN {
    printf "%-44s %12s %12s %8s\n", "POST /api/v1/reports", l, w, (w > 0 && l > 0) ? sprintf("%.2f", w / l) : "-" }'
awk -v l="$lg_read" -v w="$wrk_read" -v p="GET ${read_path:-}" 'BEGIN {
    printf "%-44s %12s %12s %8s\n", p, l, w, (w > 0 && l > 0) ? sprintf("%.2f", w / l) : "-" }'
