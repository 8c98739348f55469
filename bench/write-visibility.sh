#!/usr/bin/env bash
# Issue 13's visibility goal under write load: "every change visible to checks on every instance within
# 100 ms p99". Two instances on one PostgreSQL (deploy/cluster). `provost loadtest --mix grant=1` keeps
# instance 1 writing at RATE grants/s (+ as many revokes), while a probe, ROUNDS times, grants on instance 1
# and at once asks instance 2 for the check with at_least_revision = the revision the grant answered
# (instance 2 holds the request until its index has applied it), then revokes on 1 and asks 2 again. Each
# figure is the time of instance 2's answer, i.e. from instance 1's answer to the change being visible on 2.
# The database must be seeded (./provost seed --students 10000 --faculty 3000 --role-assign).
#   [LOAD_SECONDS=40] bench/write-visibility.sh [database] [rate] [rounds]
# (the probe's rounds must end before the load does: about 20 rounds a second)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${1:-provost_seeded}"; rate="${2:-500}"; rounds="${3:-200}"
export CLUSTER_DIR="${CLUSTER_DIR:-$(mktemp -d)}" CLUSTER_PORT="${CLUSTER_PORT:-18190}"
export PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" PROVOST_ADMIN_PASSWORD=bench-admin-password
"$root/deploy/cluster" start 2 > /dev/null
load_pid=
trap '[ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null; "$root/deploy/cluster" stop > /dev/null' EXIT
a="http://127.0.0.1:$((CLUSTER_PORT + 1))"; b="http://127.0.0.1:$((CLUSTER_PORT + 2))"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); writes on instance 1 at $rate grants/s"
token() {
  curl -sf "$1/v1/sessions" -H 'content-type: application/json' \
    -d '{"username":"admin","password":"bench-admin-password"}' | sed 's/.*"token":"\([^"]*\)".*/\1/'
}
ta=$(token "$a"); tb=$(token "$b")
user=$(curl -sf "$a/v1/users?q=student000042&limit=1" -H "authorization: Bearer $ta" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
check="$b/v1/check?subject=$user&permission=grades.write&resource=offering:CS101/2026-fall"
PROVOST_ADMIN_PASSWORD=bench-admin-password "$root/provost" loadtest --url "$a" --mix grant=1 --rate "$rate" \
  --duration "${LOAD_SECONDS:-40}" --warmup 3 --users 100 --connections 128 > "$CLUSTER_DIR/load.txt" 2>&1 &
load_pid=$!
sleep 5
out="$CLUSTER_DIR/visibility.txt"; : > "$out"
for _ in $(seq 1 "$rounds"); do
  grant=$(curl -sf "$a/v1/users/$user/grants" -H "authorization: Bearer $ta" -H 'content-type: application/json' \
    -d '{"role":"teaching_assistant","scope":"offering:CS101/2026-fall","reason":"visibility probe"}')
  id=$(sed 's/.*"id":\([0-9]*\).*/\1/' <<< "$grant"); rev=$(sed 's/.*"revision":\([0-9]*\).*/\1/' <<< "$grant")
  seen=$(curl -s -o "$CLUSTER_DIR/seen" -w '%{time_total}' "$check&at_least_revision=$rev" -H "authorization: Bearer $tb")
  grep -q '"allowed":true' "$CLUSTER_DIR/seen" || { echo "grant not visible on 2: $(cat "$CLUSTER_DIR/seen")"; exit 1; }
  echo "grant $seen" >> "$out"
  rev=$(curl -sf -X DELETE "$a/v1/grants/$id" -H "authorization: Bearer $ta" | sed 's/.*"revision":\([0-9]*\).*/\1/')
  gone=$(curl -s -o "$CLUSTER_DIR/seen" -w '%{time_total}' "$check&at_least_revision=$rev" -H "authorization: Bearer $tb")
  grep -q '"allowed":false' "$CLUSTER_DIR/seen" || { echo "revoke not visible on 2: $(cat "$CLUSTER_DIR/seen")"; exit 1; }
  echo "revoke $gone" >> "$out"
done
for kind in grant revoke; do
  awk -v k="$kind" '$1 == k { print $2 * 1000 }' "$out" | sort -g | awk -v k="$kind" '
    { v[NR] = $1 } END { printf "%-6s visible on instance 2: n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms\n",
      k, NR, v[int(NR * 0.5)], v[int(NR * 0.9)], v[int(NR * 0.99)], v[NR] }'
done
wait "$load_pid" || true; load_pid=
echo "background writes on instance 1 (loadtest):"
sed -n '/^endpoint/,/^overall/p' "$CLUSTER_DIR/load.txt"
