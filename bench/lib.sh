# Sourced by the bench scripts (overload.sh, sql-reads.sh, writes.sh): nginx returning a constant on
# loopback, the reference every figure is compared with in the same run, and one Provost (launcher
# defaults, PROVOST_JAVA_OPTS passed through) on an existing database, both stopped when the script exits.
#   bench_start DATABASE PROVOST_PORT NGINX_PORT [BODY]   sets root, work, port, nginx_port, provost_pid
#   bench_ref                                              one wrk run against nginx, printed as a line
# Only loopback addresses are used. Needs nginx, wrk, curl and PostgreSQL on 127.0.0.1:5432.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
provost_pid=
work=

bench_stop() {
  [ -n "$provost_pid" ] && kill "$provost_pid" 2>/dev/null
  [ -n "$work" ] && nginx -p "$work" -c nginx.conf -s stop 2>/dev/null
  return 0
}

bench_start() {
  local db=$1 body=${4:-'{"ok":true}'}
  port=$2; nginx_port=$3; work=$(mktemp -d)
  trap bench_stop EXIT
  cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$nginx_port; location / { default_type application/json; return 200 '$body'; } }
}
NGINX
  nginx -p "$work" -c nginx.conf
  PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" PROVOST_HTTP_PORT=$port \
    PROVOST_HTTP_HOST=127.0.0.1 PROVOST_ADMIN_PASSWORD=bench-admin-password \
    "$root/provost" serve > "$work/provost.log" 2>&1 &
  provost_pid=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "bench: provost did not become ready; its log:" >&2
  cat "$work/provost.log" >&2
  return 1
}

bench_ref() {
  printf 'nginx constant (reference, wrk -t2 -c16 -d5s): %s req/s\n' \
    "$(wrk -t2 -c16 -d5s "http://127.0.0.1:$nginx_port/" | awk '/Requests\/sec/ {print $2}')"
}
