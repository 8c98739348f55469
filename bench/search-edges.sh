#!/usr/bin/env bash
# The in-memory user search at its edges, on the synthetic 1M-user university (bench/synthetic-university.sql):
#   bench/search-edges.sh [database] [checkout]
# Starts `provost serve` from CHECKOUT (default: this one) on DATABASE (default provost_1m) with a 1 GB heap
# (PROVOST_USER_SEARCH_INDEX and other PROVOST_ settings pass through), then prints requests/s (wrk -t2 -c16,
# 10 s, after 5 s of warm-up) of
#   - q=u000123 before, during and after a psql transaction that holds 100,000 inserted users open for 22 s
#     and rolls them back (a search must not pay for another transaction's uncommitted rows);
#   - searches whose matches lie behind the cursor or at the end of the ids (a walk in id order must give up).
# Needs wrk and PostgreSQL on 127.0.0.1:5432; PORT moves Provost off 18091. Compare checkouts run one after
# another (git worktree add), and PROVOST_USER_SEARCH_INDEX=false for the SQL path.
set -euo pipefail
db="${1:-provost_1m}"; dir="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"; port="${PORT:-18091}"
export JAVA_HOME="${JAVA_HOME:-$("$dir/bin/find-jdk")}"
log=$(mktemp)
PROVOST_JAVA_OPTS="-XX:+UseParallelGC -Xss512k -Xms256m -Xmx1g" PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" \
  PROVOST_HTTP_PORT=$port PROVOST_HTTP_HOST=127.0.0.1 PROVOST_ADMIN_PASSWORD=bench-admin-password \
  "$dir/provost" serve > "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 120); do curl -sf "127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
sleep 6 # the search index loads in the background after the server is ready (1.9 s at 1M users)
P=http://127.0.0.1:$port
admin=$(curl -s -X POST $P/v1/sessions -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"bench-admin-password"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
rate() { wrk -t2 -c16 -d"$2"s -H "Authorization: Bearer $admin" "$P/v1/users?limit=50&$1" | awk '/Requests\/sec/ {print $2}'; }
echo "checkout $(git -C "$dir" rev-parse --short HEAD), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
rate "q=u000123" 5 >/dev/null
echo "q=u000123 before:              $(rate q=u000123 10) req/s"
psql -q -h 127.0.0.1 -U postgres "$db" -c "BEGIN" -c "INSERT INTO users (id, username, email, username_key,
  email_key, display_name, type) SELECT 3000000 + i, 'tx' || i, 'tx' || i || '@x.invalid', 'tx' || i,
  'tx' || i || '@x.invalid', 'Tx ' || i, 'student' FROM generate_series(1, 100000) i" -c "SELECT pg_sleep(22)" \
  -c "ROLLBACK" > /dev/null 2>&1 &
tx=$!
sleep 6
echo "q=u000123 during the INSERT:   $(rate q=u000123 10) req/s"
wait $tx
echo "q=u000123 after its ROLLBACK:  $(rate q=u000123 10) req/s"
for q in "q=u000&after=9950" "q=u00&after=100000" "q=u099" "q=u0"; do
  rate "$q" 3 >/dev/null
  echo "$q: $(rate "$q" 8) req/s"
done
curl -s $P/metrics | grep '^provost_users_search_total' || echo "(search index off)"
