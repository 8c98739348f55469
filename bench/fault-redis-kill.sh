#!/usr/bin/env bash
# Fault: Redis killed (SIGKILL) under load, then started again, empty. Makes a database of its own on
# PROVOST_TEST_DATABASE_URL's server (default: postgres@127.0.0.1:5432, trust), and a private redis-server on
# a free port (never the machine's 6379; --save '' --appendonly no: it keeps nothing), seeds, runs 2 instances
# behind nginx (deploy/cluster) sharing that Redis, logs SESSIONS sessions in before the load, runs
# `provost loadtest` through nginx, kills Redis KILL_AT seconds into the measured load and starts it again
# OUTAGE seconds later. Reports the load's failed requests, then checks every session logged in before the
# load through nginx: any that no longer answers 200 on /v1/me is a lost session. Goal: 0 and 0. KILL=no runs
# the same thing without the fault (a reference at the same rate on the same machine).
#   bench/fault-redis-kill.sh [rate] [seconds] [mix]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate="${1:-300}"; secs="${2:-30}"; mix="${3:-check=55,me=30,list=5,login=5,grant=5}"
kill_at="${KILL_AT:-8}"; outage="${OUTAGE:-8}"; sessions="${SESSIONS:-100}"
redis_port=$(( 26000 + RANDOM % 4000 )); db="provost_fault_redis_$$"
pgadmin="${PGADMIN:-postgresql://postgres@127.0.0.1:5432/postgres}"
work=$(mktemp -d)
export CLUSTER_DIR="$work/cluster" CLUSTER_PORT="${CLUSTER_PORT:-18480}"
redis_start() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$work/redis.pid" --logfile "$work/redis.log"
  until redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; do sleep 0.05; done
}
cleanup() {
  "$root/deploy/cluster" stop > /dev/null 2>&1 || true
  [ -f "$work/redis.pid" ] && kill -9 "$(cat "$work/redis.pid")" 2>/dev/null || true
  psql "$pgadmin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" > /dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$pgadmin" -qc "CREATE DATABASE $db"
redis_start
export PROVOST_DATABASE_URL="${pgadmin%/*}/$db" PROVOST_ADMIN_PASSWORD=fault-admin-password
export PROVOST_REDIS_URL="redis://127.0.0.1:$redis_port/0" PROVOST_REDIS_KEY_PREFIX="fault:"
"$root/provost" migrate > /dev/null 2>&1
"$root/provost" seed --students 1000 --faculty 200 --role-assign 2>&1 | tail -1
"$root/deploy/cluster" start 2
front="http://127.0.0.1:$CLUSTER_PORT"
for _ in $(seq 1 120); do "$root/deploy/cluster" status | grep -c '"redis":{"status":"up"}' | grep -q 2 && break; sleep 0.25; done
: > "$work/tokens"
for i in $(seq 1 "$sessions"); do
  token=$(curl -s -X POST "$front/v1/sessions" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PROVOST_ADMIN_PASSWORD\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  echo "$token" >> "$work/tokens"
done
"$root/provost" loadtest --url "$front" --rate "$rate" --duration "$secs" --warmup 2 --mix "$mix" --users 50 \
  --json "$work/report.json" > "$work/loadtest.out" 2>&1 &
load=$!
until grep -q '^\[ *[0-9]*s\]' "$work/loadtest.out" 2>/dev/null; do kill -0 "$load" 2>/dev/null || break; sleep 0.2; done
if [ "${KILL:-yes}" = yes ]; then
  sleep "$kill_at"; kill -9 "$(cat "$work/redis.pid")"; echo "redis killed (-9) at $(date +%s.%N | cut -c1-14)"
  sleep 1; echo "during the outage: $("$root/deploy/cluster" status | tr '\n' ' ')"
  sleep "$((outage - 1))"; redis_start; echo "redis started again (empty) at $(date +%s.%N | cut -c1-14)"
fi
status=0; wait "$load" || status=$?
sed -n '/^\[/p;/^latency/,$p' "$work/loadtest.out"
lost=0; n=0
while read -r t; do
  n=$((n + 1))
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $t" "$front/v1/me")
  [ "$code" = 200 ] || lost=$((lost + 1))
done < "$work/tokens"
echo "sessions logged in before the load: $n; lost (not 200 on /v1/me after the fault): $lost"
for i in 1 2; do
  echo "instance $i: redis_up $(curl -s "http://127.0.0.1:$((CLUSTER_PORT + i))/metrics" | awk '/^provost_redis_up /{print $2}')," \
    "redis errors $(curl -s "http://127.0.0.1:$((CLUSTER_PORT + i))/metrics" | awk '/^provost_redis_errors_total /{print $2}')," \
    "session fallbacks $(curl -s "http://127.0.0.1:$((CLUSTER_PORT + i))/metrics" | awk '/^provost_redis_fallbacks_total\{use="sessions"/{print $2}')"
done
echo "machine: $(nproc) cores (shared), load $(cut -d' ' -f1-3 /proc/loadavg); rate $rate/s, ${secs}s, mix $mix;" \
  "$([ "${KILL:-yes}" = yes ] && echo "redis killed at ${kill_at}s for ${outage}s" || echo "no fault (KILL=no)")"
[ "$lost" = 0 ] || status=1
exit "$status"
