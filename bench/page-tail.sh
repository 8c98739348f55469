#!/usr/bin/env bash
# Where a listing page's tail comes from: the pages measured open loop by `provost loadtest` (latency from
# each request's scheduled send, a per-second timeline) at a rate below what the server sustains, beside wrk
# at saturation and nginx returning a constant, on one warm instance. For every second whose p99 is above
# 10 ms or whose slowest answer is above 30 ms, it prints what else happened in that second: the server's
# longest GC pause, the statements Provost's slow-query log names (PROVOST_SLOW_QUERY_THRESHOLD, here
# SLOW_MS, default 15 ms: the time a statement took as the server saw it, reading its rows included) and,
# with PG_STATEMENT_LOG=MS, the statements PostgreSQL itself took MS ms or more to run (log_min_duration_statement,
# set with ALTER SYSTEM on the machine's server for the run and reset at exit; needs a superuser, and
# PostgreSQL's log at PG_LOG, default /var/log/postgresql/postgresql-15-main.log). Needs nginx, wrk,
# PostgreSQL on 127.0.0.1:5432 and a database seeded with
#   ./provost seed --students 10000 --faculty 3000 --role-assign
#   bench/page-tail.sh [database] [rate] [seconds]
# The load test's list scenario rotates the first page, three type filters, active=true and offset=50.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db="${1:-provost_seeded}"; rate="${2:-2500}"; secs="${3:-60}"
slow_ms="${SLOW_MS:-15}"; pg_ms="${PG_STATEMENT_LOG:-}"; pg_log="${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}"
psql_su() { psql -h 127.0.0.1 -U postgres -d postgres -Atq "$@"; }
if [ -n "$pg_ms" ]; then
  [ -r "$pg_log" ] || { echo "page-tail: PG_STATEMENT_LOG needs PostgreSQL's log readable at $pg_log (PG_LOG)" >&2; exit 1; }
  pg_from=$(($(wc -l < "$pg_log") + 1))
  psql_su -c "ALTER SYSTEM SET log_min_duration_statement = $pg_ms" -c "SELECT pg_reload_conf()" > /dev/null
fi
reset_pg() {
  if [ -n "$pg_ms" ]; then
    psql_su -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" > /dev/null || true
  fi
  bench_stop
}
PROVOST_SLOW_QUERY_THRESHOLD="${slow_ms}ms" bench_start "$db" "${PORT:-18091}" "${NGINX_PORT:-18092}" '{"ok":true}'
trap reset_pg EXIT
P=http://127.0.0.1:$port
export PROVOST_ADMIN_PASSWORD=bench-admin-password
admin=$(curl -s -X POST "$P/v1/sessions" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"bench-admin-password"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
page="$P/v1/users?limit=50"
echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
# warm: the JIT settles after about 30 s of one page (C2 compiles the page's path for 20-30 s of CPU)
wrk -t2 -c16 -d30s -H "Authorization: Bearer $admin" "$page&type=faculty" > /dev/null
bench_ref
printf 'wrk -t2 -c16 -d20s, first page (saturated): %s\n' "$(wrk -t2 -c16 -d20s --latency \
  -H "Authorization: Bearer $admin" "$page" | awk '/Requests\/sec/ {r = $2} $1 == "99%" {p = $2} END {print r " req/s, p99 " p}')"
gc_from=$(($(wc -l < "$work/gc.log") + 1)); log_from=$(($(wc -l < "$work/provost.log") + 1))
"$root/provost" loadtest --url "$P" --mix list=1 --rate "$rate" --duration "$secs" --warmup 10 --users 10 \
  --connections sql=32 --timeline "$work/timeline.csv" 2>&1 | grep -E '^(endpoint|list) |^load generator|^overall'
bench_ref

# per flagged second: [end - 1 s, end) in UTC, and what the logs hold in it
tail -n +"$gc_from" "$work/gc.log" > "$work/gc.run"; tail -n +"$log_from" "$work/provost.log" | grep slow_query > "$work/slow.run" || true
if [ -n "$pg_ms" ]; then tail -n +"$pg_from" "$pg_log" | grep -E 'LOG:  duration: ' > "$work/pg.run" || true; fi
awk -F, '$3 == "class" { n++; if ($9 > 30) s++; if ($8 > 10) p++ }
  END { printf "seconds: %d; p99 above 10 ms in %d, slowest answer above 30 ms in %d\n", n, p + 0, s + 0 }' "$work/timeline.csv"
awk -F, '$3 == "class" && ($8 > 10 || $9 > 30) { print $1, $2, $8, $9 }' "$work/timeline.csv" | while read -r second end p99 max; do
  from=$(date -u -d "@$(((end - 1000) / 1000)).$(printf '%03d' $(((end - 1000) % 1000)))" +%H:%M:%S.%3N)
  to=$(date -u -d "@$((end / 1000)).$(printf '%03d' $((end % 1000)))" +%H:%M:%S.%3N)
  # lines of FILE whose first field holds the time of day (HH:MM:SS.mmm) from character AT on
  in_window() { awk -v a="$from" -v b="$to" -v at="$1" '{ t = substr($1, at, 12) } t >= a && t < b' "$2"; }
  gc=$(in_window 13 "$work/gc.run" | awk '/ Pause / { v = $NF + 0; if (v > m) m = v } END { printf "%.1f", m }')
  slow=$(in_window 12 "$work/slow.run" | sed -E 's/.*duration_ms="([0-9.]+)".*/\1/' | sort -n | awk '{ n++; m = $1 } END { printf "%d, longest %s ms", n, (n ? m : "-") }')
  line="second $second ($from-$to UTC): p99 $p99 ms, slowest $max ms; longest GC pause ${gc} ms; statements >= $slow_ms ms (Provost): $slow"
  if [ -n "$pg_ms" ]; then
    pg=$(awk -v a="${from}" -v b="${to}" '{ t = substr($2, 1, 12) } t >= a && t < b { for (i = 1; i <= NF; i++) if ($i == "duration:") print $(i + 1) }' "$work/pg.run" \
      | sort -n | awk '{ n++; m = $1 } END { printf "%d, longest %s ms", n, (n ? m : "-") }')
    line="$line; >= $pg_ms ms (PostgreSQL): $pg"
  fi
  echo "$line"
done
