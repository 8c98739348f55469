#!/usr/bin/env bash
# What the per-request metrics cost on /v1/check: two Provost instances on the same database, one with
# HTTP metrics on (the default: response-time timer per route, requests in flight) and one with
# PROVOST_HTTP_METRICS=false, measured alternately in the same run, beside nginx returning a constant.
# Needs nginx, wrk, PostgreSQL on 127.0.0.1:5432 with a database made by bench/synthetic-university.sql.
#   bench/metrics-cost.sh [database] [users in it] [seconds] [connections] [rounds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${1:-provost_1m}"; users="${2:-1000000}"; secs="${3:-10}"; conns="${4:-50}"; rounds="${5:-3}"
work=$(mktemp -d); on_port=18091; off_port=18092; nginx_port=18093
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; nginx -p "$work" -c nginx.conf -s stop 2>/dev/null || true; }
trap cleanup EXIT

cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '{"allowed":true,"revision":1}'; }
  }
}
NGINX
nginx -p "$work" -c nginx.conf

start() { # port, metrics flag
  PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" PROVOST_HTTP_PORT=$1 \
    PROVOST_HTTP_HOST=127.0.0.1 PROVOST_ADMIN_PASSWORD=bench-admin-password PROVOST_HTTP_METRICS=$2 \
    PROVOST_DB_POOL_MIN_IDLE=2 PROVOST_DB_POOL_MAX_SIZE=4 \
    PROVOST_JAVA_OPTS="${PROVOST_JAVA_OPTS:--XX:+UseParallelGC -Xms1g -Xmx1g}" \
    "$root/provost" serve > "$work/provost-$1.log" 2>&1 &
  pids+=($!)
}
"$root/provost" --version >/dev/null 2>&1 || true   # builds the jar first if the sources changed (once, not twice at once)
start $on_port true; on_pid=${pids[-1]}    # the launcher execs java: this is the JVM's pid
start $off_port false; off_pid=${pids[-1]}
for port in $on_port $off_port; do
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "instance on $port did not start" >&2; cat "$work/provost-$port.log" >&2; exit 1; }
done

P=http://127.0.0.1:$on_port; json='Content-Type: application/json'
admin=$(curl -s -X POST $P/v1/sessions -H "$json" -d '{"username":"admin","password":"bench-admin-password"}' \
  | sed -E 's/.*"token":"([^"]+)".*/\1/')
key=$(curl -s -X POST $P/v1/clients -H "Authorization: Bearer $admin" -H "$json" \
  -d "{\"name\":\"metrics-cost-$(date +%s)\"}" | sed -E 's/.*"key":"([^"]+)".*/\1/')
timers=$(curl -sf "http://127.0.0.1:$off_port/metrics" | grep -c '^provost_http_requests_seconds_count' || true)
echo "metrics-off instance has $timers request timers (expected 0)"

results="$work/results"; : > "$results"
# CPU time a process has used, in clock ticks (utime + stime): CPU per request is far less disturbed by
# other load on the machine than requests per second
ticks() { [ -n "$1" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
run() { # label, tag for the summary, pid whose CPU to count (or ""), wrk arguments...
  local label=$1 tag=$2 pid=$3; shift 3
  echo "== $label"
  local t0; t0=$(ticks "$pid")
  wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" > "$work/last"
  local t1; t1=$(ticks "$pid")
  grep -E "Requests/sec|99%|Non-2xx|Socket errors" "$work/last"
  local n; n=$(awk '/requests in/ {print $1}' "$work/last")
  local us; us=$(awk -v t=$((t1 - t0)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t * 1e6 / hz / n}')
  [ -n "$pid" ] && echo "  server CPU per request: $us us"
  echo "$tag $(awk '/Requests\/sec/ {print $2}' "$work/last") $us" >> "$results"
}
echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$conns -d${secs}s; $users users"
for port in $on_port $off_port; do  # warm-up (JIT), not reported
  KEY=$key USERS=$users wrk -t2 -c"$conns" -d5s -s "$root/bench/wrk-check.lua" "http://127.0.0.1:$port" >/dev/null 2>&1 || true
done
# the machine's speed drifts within minutes: alternate, and swap the order every round
on() { KEY=$key USERS=$users run "GET /v1/check, metrics ON #$1" on "$on_pid" -s "$root/bench/wrk-check.lua" "http://127.0.0.1:$on_port"; }
off() { KEY=$key USERS=$users run "GET /v1/check, metrics OFF #$1" off "$off_pid" -s "$root/bench/wrk-check.lua" "http://127.0.0.1:$off_port"; }
for i in $(seq 1 "$rounds"); do
  run "nginx constant (reference) #$i" nginx "" -s "$root/bench/wrk-check.lua" "http://127.0.0.1:$nginx_port"
  if [ $((i % 2)) -eq 1 ]; then on "$i"; off "$i"; else off "$i"; on "$i"; fi
done
echo "== summary (mean req/s over $rounds rounds)"
awk '{sum[$1] += $2; cpu[$1] += $3; n[$1]++} END {
  for (k in sum) printf "%-6s %10.0f req/s %8.2f us CPU/request\n", k, sum[k] / n[k], cpu[k] / n[k];
  printf "throughput metrics ON / OFF = %.3f (cost %.1f%%)\n", (sum["on"]/n["on"]) / (sum["off"]/n["off"]),
    100 * (1 - (sum["on"]/n["on"]) / (sum["off"]/n["off"]))
  printf "CPU per request ON / OFF = %.3f (cost %.1f%% of throughput at full CPU)\n", (cpu["on"]/n["on"]) / (cpu["off"]/n["off"]),
    100 * (1 - (cpu["off"]/n["off"]) / (cpu["on"]/n["on"]))
}' "$results"
curl -s "http://127.0.0.1:$on_port/metrics" | grep -E '^provost_http_requests_seconds_count\{method="GET",route="/v1/check",status="2xx"\}'
