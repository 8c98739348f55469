#!/usr/bin/env bash
# The write goal of issue 13: grant then revoke (audit, changelog, change feed) on one Provost, open loop with
# `provost loadtest --mix grant=1` at RATE grants/s (each grant's revoke follows its answer, so the server
# sees RATE grants/s + RATE revokes/s), beside nginx returning a constant measured with wrk in the same run
# (the reference: the machine may be shared; compare ratios). Needs nginx, wrk, PostgreSQL on
# 127.0.0.1:5432 and a database seeded with `./provost seed --students 10000 --faculty 3000 --role-assign`.
#   [CONNECTIONS=128] bench/writes.sh [database] [rate] [seconds]
# (128 connections: one per grouped write the server admits at once, PROVOST_SQL_LANE_GROUPED_WRITES)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db="${1:-provost_seeded}"; rate="${2:-1000}"; secs="${3:-15}"
bench_start "$db" 18093 18094
echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
bench_ref
PROVOST_ADMIN_PASSWORD=bench-admin-password "$root/provost" loadtest --url "http://127.0.0.1:$port" \
  --mix grant=1 --rate "$rate" --duration "$secs" --warmup 5 --users 100 --connections "${CONNECTIONS:-128}" \
  | sed -n '/^endpoint/,$p'
bench_ref
echo "SQL statements by query name (count, total seconds):"
curl -s "http://127.0.0.1:$port/metrics" | grep -E "^provost_db_query_seconds_(count|sum)|^provost_db_statements_total|^provost_grants_total" | sort -t" " -k2 -g -r | head -60 || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
