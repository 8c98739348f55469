#!/usr/bin/env bash
# Where one `provost loadtest` mix spends the machine's two cores: one Provost (launcher defaults) on a seeded
# database, warmed with WARMUP seconds of the same mix (default 60: the JIT compiles for about 80 s of the
# default mix), then the mix at RATE/s for SECONDS, beside nginx returning a constant (the reference, wrk
# before the run). Prints the loadtest's table, then the cores each group of processes used over the middle
# of the run (from 15 s after the loadtest starts to its schedule's end: instances = the server, loadgen = the
# load generator, postgres, nginx, other; "per request" divides by RATE, the target) and the server's CPU per thread name (the kernel's 15 characters of it, numbers
# dropped: provost-hash = the password hashes, provost-sql = the SQL lane, vert.x-eventloo = the memory lane,
# provost-group-c = the group commit, C2_CompilerThre = the JIT), and its GC pauses over the same window.
# Needs nginx, wrk, PostgreSQL on 127.0.0.1:5432 and a database seeded with
# `./provost seed --students 10000 --faculty 3000 --role-assign`.
#   bench/mix-threads.sh [database] [rate] [seconds] [mix]
# PROVOST_ settings pass through to the server (e.g. PROVOST_LANE_NICE=0 to run the SQL lane and the hashes
# at the process's priority). BENCH_PORT, BENCH_NGINX_PORT: the loopback ports (default 18096, 18097).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db="${1:-provost_seeded}"; rate="${2:-2000}"; secs="${3:-40}"
mix="${4:-check=615,me=200,list=80,search=50,login=5,grant=50}"
[ "$secs" -ge 25 ] || { echo "mix-threads: SECONDS must be at least 25" >&2; exit 1; }
bench_start "$db" "${BENCH_PORT:-18096}" "${BENCH_NGINX_PORT:-18097}"
echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
bench_ref
# the server's JVM: the launcher execs it (after any rebuild), so it is provost_pid itself
java_pid=$provost_pid
if [ "$(cat "/proc/$java_pid/comm" 2>/dev/null)" != java ]; then
  echo "mix-threads: process $java_pid is not the server's JVM" >&2
  exit 1
fi

loadtest() {
  PROVOST_ADMIN_PASSWORD=bench-admin-password "$root/provost" loadtest --url "http://127.0.0.1:$port" \
    --users 90 --mix "$mix" --rate "$rate" --duration "$1" --warmup 5
}
# CPU clock ticks per thread name of the server (spaces as _, digits at the end dropped)
threads() {
  local t name stat
  for t in /proc/"$java_pid"/task/*; do
    { read -r name < "$t/comm" && read -r stat < "$t/stat"; } 2>/dev/null || continue
    set -- ${stat##*) }
    echo "${name// /_} $(( ${12} + ${13} ))"
  done | sed -E 's/[-#]?[0-9]+ / /' | awk '{ticks[$1] += $2} END {for (n in ticks) print n, ticks[n]}' \
    | LC_ALL=C sort
}

if [ "${WARMUP:-60}" -gt 0 ]; then loadtest "${WARMUP:-60}" > /dev/null; fi
loadtest "$secs" > "$work/loadtest.out" &
measured=$! # waited for by pid: the server is this script's first job
trap 'kill "$measured" 2>/dev/null || true; bench_stop' EXIT
sleep 15 # the loadtest's own start, its 90 logins and its 5 s ramp take about 10 s
bench_cpu_snapshot > "$work/cpu.0"; threads > "$work/threads.0"; t0=$(date +%s%N)
gc_from=$(($(wc -l < "$work/gc.log") + 1))
sleep $((secs - 15))
bench_cpu_snapshot > "$work/cpu.1"; threads > "$work/threads.1"; t1=$(date +%s%N)
head -n "$(wc -l < "$work/gc.log")" "$work/gc.log" > "$work/gc.window"
wait "$measured" || echo "mix-threads: the loadtest exited with status $?" >&2
sed -n '/^endpoint/,/^load generator/p' "$work/loadtest.out"
elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 1e9}')
echo "cores per group, over ${elapsed} s of the run:"
bench_cpu_report "$work/cpu.0" "$work/cpu.1" "$elapsed" "$rate"
echo "the server's $(bench_gc_pauses "$work/gc.window" "$gc_from")"
echo "the server's threads (>= 0.005 cores):"
# a name only in the second snapshot counts from 0; threads that ended within the window (C2 compiler
# threads come and go) lose their ticks, so a name's figure is a lower bound
LC_ALL=C join -a2 -e0 -o0,1.2,2.2 "$work/threads.0" "$work/threads.1" | awk -v s="$elapsed" -v hz="$(getconf CLK_TCK)" \
  '{c = ($3 - $2) / hz / s; if (c >= 0.005) printf "  %-18s %5.3f cores\n", $1, c}' | sort -k2 -nr
