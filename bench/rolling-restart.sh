#!/usr/bin/env bash
# Rolling restart under load: a deploy/cluster of 2 instances behind nginx, `provost loadtest` through
# nginx, and `deploy/cluster restart` (SIGTERM, wait, start, wait ready; one instance after the other)
# while the load runs. Prints the load test's report; the run passes when it reports 0 errors.
#   PROVOST_DATABASE_URL=... PROVOST_ADMIN_PASSWORD=... bench/rolling-restart.sh [rate] [seconds] [mix]
# The database must be seeded (./provost seed --role-assign). Uses CLUSTER_DIR/CLUSTER_PORT like deploy/cluster.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate="${1:-300}"; secs="${2:-20}"; mix="${3:-check=60,me=20,list=8,search=5,login=2,grant=5}"
export CLUSTER_DIR="${CLUSTER_DIR:-$(mktemp -d)}" CLUSTER_PORT="${CLUSTER_PORT:-18080}"
"$root/deploy/cluster" start 2
trap '"$root/deploy/cluster" stop' EXIT
out="$CLUSTER_DIR/loadtest.out"
"$root/provost" loadtest --url "http://127.0.0.1:$CLUSTER_PORT" --rate "$rate" --duration "$secs" --warmup 2 \
  --mix "$mix" --users 50 --json "$CLUSTER_DIR/report.json" > "$out" 2>&1 &
load=$!
# restart once the measured phase has begun
until grep -q '^\[ *[0-9]*s\]' "$out" 2>/dev/null; do kill -0 "$load" 2>/dev/null || break; sleep 0.2; done
sleep 1
echo "rolling restart starts at $(date +%T)"
"$root/deploy/cluster" restart
echo "rolling restart done at $(date +%T)"
status=0; wait "$load" || status=$?
cat "$out"
echo "machine: $(nproc) cores; nginx 1 worker, least_conn -> 2 instances (1 event loop each); rate $rate/s, ${secs}s, mix $mix"
exit "$status"
