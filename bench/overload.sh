#!/usr/bin/env bash
# Issue 13's table: `provost loadtest` mixes against one Provost (launcher defaults), each for SECONDS after a
# 5 s ramp, beside nginx returning a constant (wrk, measured before and after: the reference). The last two
# rows run the default mix at RATE and at twice RATE (overload): checks and /v1/me must stay at 100% success,
# the rest be served or refused at once (503 overloaded, never a timeout). Needs nginx, wrk, PostgreSQL on
# 127.0.0.1:5432 and a database seeded with `./provost seed --students 10000 --faculty 3000 --role-assign`.
#   bench/overload.sh [database] [rate] [seconds] [users]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${1:-provost_seeded}"; rate="${2:-2000}"; secs="${3:-15}"; users="${4:-90}"
work=$(mktemp -d); port=18096; nginx_port=18097
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
lt() {
  local mix=$1 r=$2
  echo "== --mix $mix --rate $r"
  PROVOST_ADMIN_PASSWORD=bench-admin-password "$root/provost" loadtest --url "http://127.0.0.1:$port" \
    --mix "$mix" --rate "$r" --duration "$secs" --warmup 5 --users "$users" \
    | sed -n '/^endpoint/,/^load generator/p'
  echo "RSS of the server: $(awk '/VmRSS/ {printf "%d MB", $2/1024}' /proc/$provost_pid/status), peak $(awk '/VmHWM/ {printf "%d MB", $2/1024}' /proc/$provost_pid/status)"
}
ref
lt check=100 $((rate * 5 / 2))
lt check=60,me=20,list=8,search=5 "$rate"
lt check=60,me=20,login=2 "$rate"
lt check=60,me=20,list=8,search=5,grant=5 "$rate"
lt check=615,me=200,list=80,search=50,login=5,grant=50 "$rate"
lt check=615,me=200,list=80,search=50,login=5,grant=50 $((rate * 2))
ref
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^provost_admission_refused_total' || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
