#!/usr/bin/env bash
# Fault: PostgreSQL stopped under load, then started again. Makes a private PostgreSQL 15 (never the shared
# one), seeds it, runs 2 instances behind nginx (deploy/cluster), sends checks and session-validated reads
# with `provost loadtest`, and one write (POST /v1/departments) every 250 ms, recording each write's status,
# problem code and time. PostgreSQL is stopped STOP_AT seconds into the measured load and started again
# OUTAGE seconds later.
#   bench/fault-postgres-stop.sh [rate] [seconds] [mix]       (as root: PostgreSQL runs as postgres)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate="${1:-200}"; secs="${2:-20}"; mix="${3:-check=70,me=30}"
stop_at="${STOP_AT:-5}"; outage="${OUTAGE:-6}"
bin=/usr/lib/postgresql/15/bin; pgport=$(( 25000 + RANDOM % 5000 ))
work=$(mktemp -d); chmod 755 "$work"; as=(); [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
mkdir "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
pg() { "${as[@]}" "$bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -o "-p $pgport -k $work/pg" "$@"; }
"${as[@]}" "$bin/initdb" -D "$work/pg/data" -U postgres --auth=trust --no-sync > /dev/null
pg -w start > /dev/null
export CLUSTER_DIR="$work/cluster" CLUSTER_PORT="${CLUSTER_PORT:-18280}"
trap '"$root/deploy/cluster" stop || true; pg -m immediate stop > /dev/null 2>&1 || true' EXIT
"$bin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -qc "CREATE DATABASE provost"
export PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:$pgport/provost" PROVOST_ADMIN_PASSWORD=fault-admin-password
"$root/provost" migrate > /dev/null 2>&1
"$root/provost" seed --students 1000 --faculty 200 --role-assign 2>&1 | tail -1
"$root/deploy/cluster" start 2
front="http://127.0.0.1:$CLUSTER_PORT"
token=$(curl -s -X POST "$front/v1/sessions" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PROVOST_ADMIN_PASSWORD\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
"$root/provost" loadtest --url "$front" --rate "$rate" --duration "$secs" --warmup 2 --mix "$mix" --users 50 \
  > "$work/loadtest.out" 2>&1 &
load=$!
until grep -q '^\[ *[0-9]*s\]' "$work/loadtest.out" 2>/dev/null; do kill -0 "$load" 2>/dev/null || break; sleep 0.2; done
( i=0; while kill -0 "$load" 2>/dev/null; do
    i=$((i + 1))
    curl -s -o "$work/w.body" -w "%{http_code} %{time_total}" -X POST "$front/v1/departments" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"code\":\"F$$-$i\",\"name\":\"Fault $i\"}" > "$work/w.line" || echo "000 0" > "$work/w.line"
    echo "$(date +%s.%N | cut -c1-14) $(cat "$work/w.line") $(grep -o '"code":"[a-z_]*"' "$work/w.body" | head -1)" >> "$work/writes.log"
    sleep 0.25
  done ) &
writer=$!
sleep "$stop_at"; echo "postgres stopped at $(date +%s.%N | cut -c1-14)"; pg -m fast -w stop > /dev/null
sleep "$outage"; echo "postgres starting at $(date +%s.%N | cut -c1-14)"; pg -w start > /dev/null
echo "postgres started at $(date +%s.%N | cut -c1-14)"
wait "$load" || true; wait "$writer" || true
cat "$work/loadtest.out" | sed -n '/^latency/,$p'
echo "writes (time status seconds code):"; cat "$work/writes.log"
echo "writes by status: $(awk '{print $2}' "$work/writes.log" | sort | uniq -c | tr '\n' ' ')"
echo "503 writes: slowest $(awk '$2==503{if($3>m)m=$3}END{print m+0}' "$work/writes.log") s"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); rate $rate/s, ${secs}s, mix $mix; outage ${outage}s"
