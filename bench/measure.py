#!/usr/bin/python3
"""Time a command: best wall-clock seconds of K runs and its peak RSS.

Usage: measure.py [--runs K] [--ok CODES] [--fresh DB] [--out FILE] -- COMMAND...

Every run starts COMMAND as a child process with its output discarded
(--out FILE keeps the standard output of the last run) and times it from
start to exit with a monotonic clock, so figures for different programs are
taken the same way, process start included. The peak RSS is the largest
resident set of any run, read from getrusage(RUSAGE_CHILDREN) of this
process, which has no other children. --fresh DB deletes DB, DB-wal and
DB-shm before each run (an import timed into an empty database). An exit
status outside CODES (comma-separated, default 0) fails the measurement.
Prints one line: best seconds <tab> peak RSS in KiB <tab> least CPU
seconds (user + system) of a run. On a machine shared with other work the
CPU time varies less than the wall-clock time, which includes waiting for a
core.
"""
import os
import resource
import subprocess
import sys
import time


def main(argv):
    runs, ok, fresh, out = 3, {0}, None, None
    i = 1
    while i < len(argv) and argv[i] != "--":
        opt = argv[i]
        if i + 1 >= len(argv):
            break
        val = argv[i + 1]
        if opt == "--runs":
            runs = int(val)
        elif opt == "--ok":
            ok = {int(c) for c in val.split(",")}
        elif opt == "--fresh":
            fresh = val
        elif opt == "--out":
            out = val
        else:
            break
        i += 2
    if i >= len(argv) or argv[i] != "--" or i + 1 >= len(argv) or runs < 1:
        sys.stderr.write("usage: measure.py [--runs K] [--ok CODES] [--fresh DB] "
                         "[--out FILE] -- COMMAND...\n")
        return 2
    cmd = argv[i + 1:]
    best = cpu_best = None
    for k in range(runs):
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(fresh + suffix):
                    os.remove(fresh + suffix)
        sink = open(out, "wb") if out and k == runs - 1 else subprocess.DEVNULL
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        proc = subprocess.run(cmd, stdout=sink, stdin=subprocess.DEVNULL)
        elapsed = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if sink is not subprocess.DEVNULL:
            sink.close()
        if proc.returncode not in ok:
            sys.stderr.write("measure.py: %s exited with status %d\n"
                             % (" ".join(cmd), proc.returncode))
            return 1
        best = elapsed if best is None else min(best, elapsed)
        cpu_best = cpu if cpu_best is None else min(cpu_best, cpu)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("%.4f\t%d\t%.4f" % (best, peak_kib, cpu_best))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
