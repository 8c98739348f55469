#!/usr/bin/env bash
# Fault: one of two instances behind nginx killed with SIGKILL under load. Runs deploy/cluster (2 instances)
# on PROVOST_DATABASE_URL (seeded: ./provost seed --role-assign), `provost loadtest` through nginx, kills
# instance 1 KILL_AT seconds into the measured load, and starts it again when the load ends. Clients should
# see at most the requests the killed instance had in flight fail.
#   PROVOST_DATABASE_URL=... PROVOST_ADMIN_PASSWORD=... bench/fault-instance-kill.sh [rate] [seconds] [mix]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate="${1:-300}"; secs="${2:-20}"; mix="${3:-check=60,me=20,list=8,search=5,login=2,grant=5}"
export CLUSTER_DIR="${CLUSTER_DIR:-$(mktemp -d)}" CLUSTER_PORT="${CLUSTER_PORT:-18380}"
"$root/deploy/cluster" start 2
trap '"$root/deploy/cluster" stop' EXIT
out="$CLUSTER_DIR/loadtest.out"
"$root/provost" loadtest --url "http://127.0.0.1:$CLUSTER_PORT" --rate "$rate" --duration "$secs" --warmup 2 \
  --mix "$mix" --users 50 --json "$CLUSTER_DIR/report.json" > "$out" 2>&1 &
load=$!
until grep -q '^\[ *[0-9]*s\]' "$out" 2>/dev/null; do kill -0 "$load" 2>/dev/null || break; sleep 0.2; done
sleep "${KILL_AT:-5}"
"$root/deploy/cluster" kill 1
status=0; wait "$load" || status=$?
sed -n '/^\[/p;/^latency/,$p' "$out"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); rate $rate/s, ${secs}s, mix $mix; instance 1 killed -9 at ${KILL_AT:-5}s"
"$root/deploy/cluster" start-one 1 > /dev/null
exit "$status"
