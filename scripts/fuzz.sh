#!/bin/sh
# Run every libFuzzer target of a VT_FUZZ build for SECONDS each, on a scratch
# copy of its seed corpus (so that the checked-in corpus only grows by hand).
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
build=$1
seconds=$2
status=0
for bin in "$build"/*_fuzz; do
    [ -x "$bin" ] || continue
    target=$(basename "$bin" _fuzz)
    work=$(mktemp -d)
    cp -r "fuzz/corpus/$target/." "$work/" 2>/dev/null || true
    echo "== $target: ${seconds}s"
    if ! "$bin" -max_total_time="$seconds" -print_final_stats=1 \
            -artifact_prefix="$build/$target-" "$work" 2>"$build/$target.log"; then
        echo "   FINDING: see $build/$target.log"
        status=1
    fi
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$build/$target.log" | tail -2 || true
    rm -rf "$work"
done
exit $status
