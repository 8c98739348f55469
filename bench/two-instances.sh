#!/usr/bin/env bash
# Mixed authenticated traffic, open loop, through nginx (least_conn) in front of two Provost instances on
# one PostgreSQL, all on this machine. The database must be seeded (./provost seed ... --role-assign).
#   bench/two-instances.sh [database] [rate] [seconds] [mix]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${1:-provost_seeded}"; rate="${2:-20000}"; secs="${3:-30}"
mix="${4:-check=80,me=15,list=2,search=2,grant=1}"
work=$(mktemp -d); front=18090; a=18091; b=18092
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; nginx -p "$work" -c nginx.conf -s stop 2>/dev/null || true; }
trap cleanup EXIT

cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream provost {
    least_conn;
    server 127.0.0.1:$a max_fails=0;
    server 127.0.0.1:$b max_fails=0;
    keepalive 256;
  }
  server {
    listen 127.0.0.1:$front;
    location / {
      proxy_pass http://provost;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
NGINX
nginx -p "$work" -c nginx.conf

for port in $a $b; do
  PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" PROVOST_HTTP_PORT=$port \
    PROVOST_HTTP_HOST=127.0.0.1 PROVOST_EVENT_LOOPS=1 PROVOST_ADMIN_PASSWORD=bench-admin-password \
    PROVOST_JAVA_OPTS="${PROVOST_JAVA_OPTS:--XX:+UseParallelGC -Xms512m -Xmx1g}" \
    "$root/provost" serve > "$work/provost-$port.log" 2>&1 &
  pids+=($!)
done
for port in $a $b; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
done
echo "machine: $(nproc) cores; nginx 1 worker, least_conn -> 2 instances (1 event loop each); rate $rate/s, ${secs}s, mix $mix"
PROVOST_ADMIN_PASSWORD=bench-admin-password "$root/provost" loadtest --url "http://127.0.0.1:$front" \
  --rate "$rate" --duration "$secs" --warmup 10 --mix "$mix" --users 200 \
  --json "${REPORT_JSON:-$work/report.json}" --html "${REPORT_HTML:-$work/latency.html}"
echo "report: ${REPORT_JSON:-$work/report.json}, plot: ${REPORT_HTML:-$work/latency.html}"
