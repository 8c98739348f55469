#!/usr/bin/env bash
# Issue 13 item 5: the JVM's resident memory under 64 concurrent logins (wrk -c64 on POST /v1/sessions),
# peak RSS (VmHWM) and RSS sampled every second, with the login rate and how many were refused (503
# overloaded: the hash lane was full; 429: throttled). Needs wrk, PostgreSQL on 127.0.0.1:5432 and a
# database seeded with `./provost seed --students 10000 --faculty 3000 --role-assign`.
#   bench/login-memory.sh [database] [seconds] [connections]
# PROVOST_JAVA_OPTS, when set, replaces the launcher's JVM options (compare the defaults with an old setting).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${1:-provost_seeded}"; secs="${2:-20}"; conns="${3:-64}"
work=$(mktemp -d); port=18095
provost_pid=
cleanup() { [ -n "$provost_pid" ] && kill "$provost_pid" 2>/dev/null || true; }
trap cleanup EXIT
PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" PROVOST_HTTP_PORT=$port \
  PROVOST_HTTP_HOST=127.0.0.1 PROVOST_ADMIN_PASSWORD=bench-admin-password PROVOST_LOGIN_MAX_FAILURES_PER_ADDRESS=100000000 \
  "$root/provost" serve > "$work/provost.log" 2>&1 &
provost_pid=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
java_pid=$(pgrep -P "$provost_pid" java || echo "$provost_pid")
rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$java_pid/status"; }
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); JVM options: ${PROVOST_JAVA_OPTS:-launcher defaults}"
echo "RSS once ready: $(rss) MB"
( for _ in $(seq 1 "$secs"); do sleep 1; printf '%s ' "$(rss)"; done; echo ) > "$work/rss" &
sampler=$!
out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$root/bench/wrk-seeded-login.lua" "http://127.0.0.1:$port")
wait "$sampler"
echo "$out" | grep -E "Requests/sec|99%|Non-2xx"
echo "RSS every second (MB): $(cat "$work/rss")"
echo "peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$java_pid/status") MB"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^provost_logins_total|^provost_admission_refused_total' || true
