#!/usr/bin/env bash
# wrk against /v1/check and /v1/me of one Provost instance, beside nginx returning a constant JSON body
# measured in the same run on the same machine (the reference). Needs: nginx, wrk, PostgreSQL on
# 127.0.0.1:5432 with a database made by bench/synthetic-university.sql (default provost_1m).
#   bench/http-bench.sh [database] [seconds] [connections]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${1:-provost_1m}"; secs="${2:-15}"; conns="${3:-50}"
work=$(mktemp -d); port=18081; nginx_port=18082
cleanup() { kill "$provost_pid" 2>/dev/null || true; nginx -p "$work" -c nginx.conf -s stop 2>/dev/null || true; }
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

PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" PROVOST_HTTP_PORT=$port \
  PROVOST_HTTP_HOST=127.0.0.1 PROVOST_ADMIN_PASSWORD=bench-admin-password \
  PROVOST_JAVA_OPTS="${PROVOST_JAVA_OPTS:--XX:+UseParallelGC -Xms1g -Xmx2g}" \
  "$root/provost" serve > "$work/provost.log" 2>&1 &
provost_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
grep -E "index loaded|listening" "$work/provost.log" || true

P=http://127.0.0.1:$port; json='Content-Type: application/json'
admin=$(curl -s -X POST $P/v1/sessions -H "$json" -d '{"username":"admin","password":"bench-admin-password"}' \
  | sed -E 's/.*"token":"([^"]+)".*/\1/')
key=$(curl -s -X POST $P/v1/clients -H "Authorization: Bearer $admin" -H "$json" \
  -d "{\"name\":\"bench-$(date +%s)\"}" | sed -E 's/.*"key":"([^"]+)".*/\1/')
: > "$work/tokens"
for i in $(seq 1 102); do
  [ $((i % 50)) -eq 0 ] && continue   # every 50th synthetic user is inactive
  id=$(curl -s "$P/v1/users?q=u$(printf %07d $i)&limit=1" -H "Authorization: Bearer $admin" | sed -E 's/.*"id":([0-9]+).*/\1/')
  curl -s -o /dev/null -X PATCH "$P/v1/users/$id" -H "Authorization: Bearer $admin" -H "$json" -d '{"password":"bench-user-password"}'
  token=$(curl -s -X POST $P/v1/sessions -H "$json" \
    -d "{\"username\":\"u$(printf %07d $i)\",\"password\":\"bench-user-password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  case "$token" in pvs_*) echo "$token" >> "$work/tokens" ;; *) echo "login of user $i failed: $token" >&2; exit 1 ;; esac
done

run() { echo "== $1"; shift; wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" | grep -E "Requests/sec|Latency|99%|Non-2xx|Socket errors"; }
echo "machine: $(nproc) cores, $(uname -r); wrk -t2 -c$conns -d${secs}s; load generator on the same machine"
# warm-up (JIT, caches), not reported
wrk -t2 -c"$conns" -d5s -s "$root/bench/wrk-check.lua" "$P" >/dev/null 2>&1 || true
KEY=$key TOKENS=$work/tokens wrk -t2 -c"$conns" -d3s -s "$root/bench/wrk-me.lua" "$P" >/dev/null 2>&1 || true
# nginx and /v1/check alternate three times: this machine's speed drifts by tens of percent within minutes,
# so each check run has a reference on either side; compare means
for i in 1 2 3; do
  run "nginx constant (reference) #$i" -s "$root/bench/wrk-check.lua" "http://127.0.0.1:$nginx_port"
  KEY=$key run "provost GET /v1/check #$i (API key, random subject of 1M, random offering)" -s "$root/bench/wrk-check.lua" "$P"
done
TOKENS=$work/tokens run "provost GET /v1/me (98 sessions)" -s "$root/bench/wrk-me.lua" "$P"
run "provost POST /v1/sessions (login, Argon2id at the configured cost)" -s "$root/bench/wrk-login.lua" "$P"
run "nginx constant (reference) #4" -s "$root/bench/wrk-check.lua" "http://127.0.0.1:$nginx_port"
