#!/usr/bin/env bash
# Mixed authenticated traffic, open loop, through nginx (least_conn) in front of two Provost instances on
# one PostgreSQL, all on this machine: deploy/cluster with deploy/nginx/provost.conf. The database must be
# seeded (./provost seed ... --role-assign).
#   bench/two-instances.sh [database] [rate] [seconds] [mix]
# CONNECTIONS (default: loadtest's, memory=64,sql=512,hash=64): the load generator's connections per traffic
# class (`--connections`: memory for check and me, sql for list, search, grant and revoke, hash for login),
# each class with its own, so a check never waits in the generator behind a slow write. nginx's own constant (/nginx/health, wrk -t2 -c16 5 s)
# is measured before and after: the reference. CLUSTER_PORT (default 18090): nginx; the instances take the
# ports after it. PRIME (seconds, default 0): run the mix at a quarter of the rate that long first, so that
# the measurement is of warm instances (a fresh cluster's first run compiles on the same two cores);
# PRIME_RATE and PRIME_MIX change that rate and mix. The SQL routes are 5% of the issue's mix, so at a quarter
# of the rate their methods are called a few hundred times a second and reach C2's thresholds only after
# minutes; a mix weighted to them (PRIME_MIX=check=20,me=10,list=25,search=25,grant=20) compiles them first.
# WARMUP (seconds, default 10): the measured load test's own warm-up at the full rate, not counted. The JIT
# keeps compiling for tens of seconds after the rate rises (JFR: 2-5 s of C2 time per instance per 10 s in
# the first 30 s at 8,000/s after 60 s at 2,000/s), in the instances and in the load generator alike, so a
# steady-state figure needs WARMUP=60 or so (docs/PERFORMANCE.md).
# While the measured seconds run, the CPU each process group used (instances, load generator, nginx,
# PostgreSQL, the kernel's softirq) is printed in cores and in microseconds per request at the target rate:
# where the two cores went.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db="${1:-provost_seeded}"; rate="${2:-20000}"; secs="${3:-30}"
mix="${4:-check=80,me=15,list=2,search=2,grant=1}"
export CLUSTER_DIR="${CLUSTER_DIR:-$(mktemp -d)}" CLUSTER_PORT="${CLUSTER_PORT:-18090}"
# PGPORT (default 5432) points the instances and the ANALYZE at another PostgreSQL (bench/pg-statements.sh)
export PGPORT="${PGPORT:-5432}"
export PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/$db" PROVOST_ADMIN_PASSWORD=bench-admin-password
export PROVOST_JAVA_OPTS="${PROVOST_JAVA_OPTS:--XX:+UseParallelGC -Xms512m -Xmx1g}"
bench_analyze "$db"
# set before the start: an instance a failed start left running would keep the port and the bench lock
trap '"$root/deploy/cluster" stop' EXIT
"$root/deploy/cluster" start 2
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); nginx 1 worker, least_conn -> 2 instances (1 event loop each); rate $rate/s, ${secs}s, mix $mix"
ref() {
  printf 'nginx constant (reference, /nginx/health, wrk -t2 -c16 -d5s): %s req/s\n' \
    "$(wrk -t2 -c16 -d5s "http://127.0.0.1:$CLUSTER_PORT/nginx/health" | awk '/Requests\/sec/ {print $2}')"
}
ref
if [ "${PRIME:-0}" -gt 0 ]; then
  # a fresh cluster's first run pays for JIT compilation on both instances (and the load generator) on the
  # same cores: PRIME seconds of the same mix at a quarter of the rate first, summarised, not the measurement
  prime_rate="${PRIME_RATE:-$((rate / 4))}"; prime_mix="${PRIME_MIX:-$mix}"
  echo "priming: mix $prime_mix at ${prime_rate}/s for ${PRIME}s"
  "$root/provost" loadtest --url "http://127.0.0.1:$CLUSTER_PORT" --rate "$prime_rate" --duration "$PRIME" \
    --warmup 5 --mix "$prime_mix" --users 200 ${CONNECTIONS:+--connections "$CONNECTIONS"} | grep -E '^(overall|all) '
fi
"$root/provost" loadtest --url "http://127.0.0.1:$CLUSTER_PORT" \
  --rate "$rate" --duration "$secs" --warmup "${WARMUP:-10}" --mix "$mix" --users 200 ${CONNECTIONS:+--connections "$CONNECTIONS"} \
  --json "${REPORT_JSON:-$CLUSTER_DIR/report.json}" --html "${REPORT_HTML:-$CLUSTER_DIR/latency.html}" \
  --timeline "${REPORT_TIMELINE:-$CLUSTER_DIR/timeline.csv}" | tee "$CLUSTER_DIR/loadtest.out" &
loadtest=$!
# the measured seconds begin with the first progress line that is not a warm-up one
for _ in $(seq 1 1200); do grep -qE '^\[ *[0-9]+s\]' "$CLUSTER_DIR/loadtest.out" 2>/dev/null && break; sleep 0.1; done
bench_cpu_snapshot > "$CLUSTER_DIR/cpu.before"; t0=$(date +%s%N)
# the first measured progress line comes about 1 s into the measured seconds: end the window 1 s before they do
sleep "$((secs > 3 ? secs - 2 : 1))"
bench_cpu_snapshot > "$CLUSTER_DIR/cpu.after"; t1=$(date +%s%N)
wait "$loadtest"
window=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", (b - a) / 1e9}')
echo "CPU by process group over ${window} s of the measured period (2 cores in all; per request at $rate/s):"
bench_cpu_report "$CLUSTER_DIR/cpu.before" "$CLUSTER_DIR/cpu.after" "$window" "$rate"
ref
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "report: ${REPORT_JSON:-$CLUSTER_DIR/report.json}, plot: ${REPORT_HTML:-$CLUSTER_DIR/latency.html}, timeline: ${REPORT_TIMELINE:-$CLUSTER_DIR/timeline.csv}"
