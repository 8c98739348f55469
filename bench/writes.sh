#!/usr/bin/env bash
# The write goal of issue 13: grant then revoke (audit, changelog, change feed) on one Provost, open loop with
# `provost loadtest --mix grant=1` at RATE grants/s (each grant's revoke follows its answer, so the server
# sees RATE grants/s + RATE revokes/s), beside nginx returning a constant measured with wrk in the same run
# (the reference: the machine may be shared; compare ratios). Needs nginx, wrk, PostgreSQL on
# 127.0.0.1:5432 and a database seeded with `./provost seed --students 10000 --faculty 3000 --role-assign`.
#   bench/writes.sh [database] [rate] [seconds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${1:-provost_seeded}"; rate="${2:-1000}"; secs="${3:-15}"
work=$(mktemp -d); port=18093; nginx_port=18094
provost_pid=
cleanup() { [ -n "$provost_pid" ] && kill "$provost_pid" 2>/dev/null; nginx -p "$work" -c nginx.conf -s stop 2>/dev/null || true; }
trap cleanup EXIT
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$nginx_port; location / { default_type application/json; return 200 '{"ok":true}'; } }
}
NGINX
nginx -p "$work" -c nginx.conf
PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" PROVOST_HTTP_PORT=$port \
  PROVOST_HTTP_HOST=127.0.0.1 PROVOST_ADMIN_PASSWORD=bench-admin-password \
  "$root/provost" serve > "$work/provost.log" 2>&1 &
provost_pid=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
ref() { printf 'nginx constant (reference, wrk -t2 -c16 -d5s): %s req/s\n' \
  "$(wrk -t2 -c16 -d5s "http://127.0.0.1:$nginx_port/" | awk '/Requests\/sec/ {print $2}')"; }
ref
PROVOST_ADMIN_PASSWORD=bench-admin-password "$root/provost" loadtest --url "http://127.0.0.1:$port" \
  --mix grant=1 --rate "$rate" --duration "$secs" --warmup 5 --users 100 --connections 64 \
  | sed -n '/^endpoint/,$p'
ref
echo "SQL statements by query name (count, total seconds):"
curl -s "http://127.0.0.1:$port/metrics" | grep -E "^provost_db_query_seconds_(count|sum)|^provost_db_statements_total|^provost_grants_total" | sort -t" " -k2 -g -r | head -60 || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
