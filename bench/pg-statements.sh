#!/usr/bin/env bash
# Where PostgreSQL's work goes under a two-instance mix: every statement the instances send (theirs, the
# change feed's, the index's, the cache fills', the foreign-key checks'), counted by pg_stat_statements.
# The machine's own PostgreSQL is left alone: a scratch server with the extension preloaded is made with
# initdb on PG_PORT (default 5499), a copy of DATABASE is loaded into it, bench/two-instances.sh runs against
# it, and the server is removed afterwards. Needs PostgreSQL's server binaries (initdb, pg_ctl) and
# pg_stat_statements, as on this project's machines, and runs as root or as the postgres user.
#   bench/pg-statements.sh [database] [rate] [seconds] [mix]
# Prints the mix's report, then the 25 statements that took most time (execution and planning), with their
# calls, plans (a statement planned at each call pays the planner each time) and rows. Tracking the planning
# adds a little contention on each statement's counters (PostgreSQL's manual, pg_stat_statements), so the
# scratch server runs slightly slower than the machine's own. Counts are
# from the first measured progress line on (the statistics are reset then): the measured seconds, and the
# instances' shutdown after them.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db="${1:-provost_seeded}"; rate="${2:-8000}"; secs="${3:-15}"
mix="${4:-check=80,me=15,list=2,search=2,grant=1}"
pg_port="${PG_PORT:-5499}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
scratch=$(mktemp -d)
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi; }
chown postgres "$scratch" 2>/dev/null || true
resetter=
cleanup() {
  set +e # every step runs: under -e the first that failed (a kill of the finished reset job) ended the trap
  [ -n "$resetter" ] && kill "$resetter" 2>/dev/null
  # instances a failed cluster start left running (their pid files are about to go with $scratch)
  [ -d "$scratch/cluster" ] && CLUSTER_DIR="$scratch/cluster" "$root/deploy/cluster" stop >/dev/null 2>&1
  as_postgres "$bin/pg_ctl" -D "$scratch/data" -m fast -w stop >/dev/null 2>&1 \
    || echo "pg-statements: the scratch server in $scratch/data did not stop; left in place" >&2
  [ -f "$scratch/data/postmaster.pid" ] || rm -rf "$scratch"
  return 0
}
trap cleanup EXIT
as_postgres "$bin/initdb" -D "$scratch/data" -A trust -U postgres >/dev/null
cat >> "$scratch/data/postgresql.conf" <<CONF
port = $pg_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$scratch'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
pg_stat_statements.track_planning = on
max_connections = 200
CONF
as_postgres "$bin/pg_ctl" -D "$scratch/data" -l "$scratch/log" -w start >/dev/null
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE $db"
pg_dump -h 127.0.0.1 -p 5432 -U postgres "$db" \
  | psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres "$db" >/dev/null
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres "$db" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
  -c "VACUUM ANALYZE"
q() { psql -h 127.0.0.1 -p "$pg_port" -U postgres "$db" "$@"; }
# reset once the measured load starts: the priming run and the cluster's start-up are not counted
mkdir -p "$scratch/cluster"
( for _ in $(seq 1 3000); do
    grep -qE '^\[ *[0-9]+s\]' "$scratch/cluster/loadtest.out" 2>/dev/null && break; sleep 0.1
  done
  q -qAt -c "SELECT pg_stat_statements_reset()" >/dev/null ) &
resetter=$!
PGPORT="$pg_port" CLUSTER_DIR="$scratch/cluster" PRIME="${PRIME:-10}" \
  "$root/bench/two-instances.sh" "$db" "$rate" "$secs" "$mix"
wait
echo "PostgreSQL statements during the measured load (pg_stat_statements; ordered by execution and planning time, not CPU alone):"
q -c "SELECT calls, round(total_exec_time) AS total_ms, round((total_exec_time / greatest(calls, 1))::numeric, 3) AS ms_per_call,
  plans, round((total_plan_time / greatest(plans, 1))::numeric, 3) AS plan_ms, rows,
  left(regexp_replace(query, '\s+', ' ', 'g'), 100) AS statement
  FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 25"
q -c "SELECT sum(calls) AS statements, round(sum(total_exec_time)) AS total_ms, sum(plans) AS plans,
  round(sum(total_plan_time)) AS plan_ms FROM pg_stat_statements"
