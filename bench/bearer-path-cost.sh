#!/usr/bin/env bash
# Whether the console's cookie session costs API clients anything: GET /v1/me with Authorization: Bearer
# against two jars on one database (a reference build, e.g. of the commit before the console, and this one),
# measured alternately in the same run beside nginx returning a constant. The cookie is read only when no
# Authorization header is sent, so the ratio should be 1 within the noise.
# Needs nginx, wrk and PostgreSQL on 127.0.0.1:5432.
#   bench/bearer-path-cost.sh REFERENCE.jar [THIS.jar] [seconds] [connections] [rounds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref="$1"; this="${2:-$root/target/provost.jar}"; secs="${3:-10}"; conns="${4:-50}"; rounds="${5:-3}"
JAVA_HOME="$("$root/bin/find-jdk")"
db="provost_bearer_bench_$$"; work=$(mktemp -d); ref_port=18191; this_port=18192; nginx_port=18193
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  nginx -p "$work" -c nginx.conf -s stop 2>/dev/null || true
  sleep 2; psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db"
cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$nginx_port; location / { default_type application/json; return 200 '{"user":{}}'; } }
}
NGINX
nginx -p "$work" -c nginx.conf
start() { # jar, port
  PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" PROVOST_HTTP_PORT=$2 PROVOST_HTTP_HOST=127.0.0.1 \
    PROVOST_ADMIN_PASSWORD=bench-admin-password PROVOST_DB_POOL_MIN_IDLE=2 PROVOST_DB_POOL_MAX_SIZE=4 \
    "$JAVA_HOME/bin/java" -XX:+UseParallelGC -Xms512m -Xmx512m -jar "$1" serve > "$work/provost-$2.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do curl -sf "127.0.0.1:$2/health/ready" >/dev/null && return; sleep 1; done
  echo "instance on $2 did not start" >&2; cat "$work/provost-$2.log" >&2; exit 1
}
start "$ref" $ref_port
start "$this" $this_port
token() {
  curl -s -H 'Content-Type: application/json' -d '{"username":"admin","password":"bench-admin-password"}' \
    "127.0.0.1:$1/v1/sessions" | sed -E 's/.*"token":"([^"]+)".*/\1/'
}
rps() { # url, token or ""
  local h=(); [ -n "$2" ] && h=(-H "Authorization: Bearer $2")
  wrk -t2 -c"$conns" -d"${secs}s" "${h[@]}" "$1" | awk '/Requests\/sec/ {print int($2)}'
}
ref_token=$(token $ref_port); this_token=$(token $this_port)
rps "http://127.0.0.1:$ref_port/v1/me" "$ref_token" >/dev/null; rps "http://127.0.0.1:$this_port/v1/me" "$this_token" >/dev/null # warm-up
printf '%-6s %10s %10s %10s %8s %8s\n' round nginx reference this ref/ngx this/ref
for r in $(seq 1 "$rounds"); do
  n=$(rps "http://127.0.0.1:$nginx_port/" "")
  if [ $((r % 2)) -eq 1 ]; then   # alternate which goes first
    a=$(rps "http://127.0.0.1:$ref_port/v1/me" "$ref_token"); b=$(rps "http://127.0.0.1:$this_port/v1/me" "$this_token")
  else
    b=$(rps "http://127.0.0.1:$this_port/v1/me" "$this_token"); a=$(rps "http://127.0.0.1:$ref_port/v1/me" "$ref_token")
  fi
  printf '%-6s %10s %10s %10s %8.3f %8.3f\n' "$r" "$n" "$a" "$b" "$(echo "$a/$n" | bc -l)" "$(echo "$b/$a" | bc -l)"
done
