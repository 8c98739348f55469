#!/usr/bin/env bash
# The SQL read goals of issue 13, each alone with wrk (16 connections, admin session) against one Provost,
# beside nginx returning a constant measured in the same run (the reference: this machine is shared, so
# compare ratios). Needs nginx, wrk, PostgreSQL on 127.0.0.1:5432 and a database seeded with
#   ./provost seed --students 10000 --faculty 3000 --role-assign
#   bench/sql-reads.sh [database] [seconds] [connections]
# Prints one line per run: requests/s, wrk's p99, the server's own p99 (its response-time buckets), the
# bound Little's law puts on wrk's mean latency, non-2xx. Provost runs with the launcher's defaults
# (PROVOST_JAVA_OPTS is passed through when set: give a 1M-user database -Xmx1g). Q_COMMON and Q_RARE are
# the two prefixes searched (default stu and faculty0001, for the seed; u0 and u000123 for
# bench/synthetic-university.sql); the grants page is that of the first user Q_RARE finds. WARMUP: seconds of
# unreported load on each URL before the first measurement (default 5). PORT and NGINX_PORT
# move Provost and nginx off their default ports (18091, 18092) when those are taken. Each Provost line also
# gives the server's GC pauses during its run (from -Xlog:gc). PERF_SCHED=1 records every context switch
# during each run (`perf sched record`, root and perf needed; a few hundred MB per run, deleted after it)
# and prints, under its line, how long each group of threads waited for a core once woken: whether a p99
# above the server's own was the server, PostgreSQL or wrk waiting for a core (docs/PROFILING.md).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db="${1:-provost_seeded}"; secs="${2:-10}"; conns="${3:-16}"
if [ "${PERF_SCHED:-0}" = 1 ] && ! perf sched record -o /dev/null -- true > /dev/null 2>&1; then
  echo "sql-reads: PERF_SCHED=1 needs perf (Debian package linux-perf) and root, or CAP_PERFMON" >&2
  exit 1
fi
bench_start "$db" "${PORT:-18091}" "${NGINX_PORT:-18092}" '{"allowed":true,"revision":1}'

P=http://127.0.0.1:$port; json='Content-Type: application/json'
admin=$(curl -s -X POST $P/v1/sessions -H "$json" -d '{"username":"admin","password":"bench-admin-password"}' \
  | sed -E 's/.*"token":"([^"]+)".*/\1/')
auth="Authorization: Bearer $admin"
# a cursor deep in the list: the id after 10,000 users
deep=$(curl -s "$P/v1/users?limit=1&offset=10000" -H "$auth" | sed -E 's/.*"id":([0-9]+).*/\1/')
q_common="${Q_COMMON:-stu}"; q_rare="${Q_RARE:-faculty0001}"
someone=$(curl -s "$P/v1/users?limit=1&q=$q_rare" -H "$auth" | sed -E 's/.*"id":([0-9]+).*/\1/')

# Provost's own response time for ROUTE (dispatch to answer: provost_http_requests_seconds, 2xx) as the
# cumulative bucket counts of /metrics; server_p99 BEFORE AFTER prints the smallest bucket bound holding 99%
# of the requests between the two scrapes. wrk's latencies on this machine exceed what its own rate allows
# (Little's law: mean latency <= connections / rate; 10-20x above it, for nginx too: docs/PERFORMANCE.md),
# so its p99 is printed beside this one, measured inside the server, and beside that bound.
buckets() {
  curl -s "$P/metrics" | grep '^provost_http_requests_seconds_bucket{method="GET",' | grep "route=\"$1\"" \
    | grep 'status="2xx"' || true
}
server_p99() {
  paste <(echo "$1") <(echo "$2") | awk '{match($1, /le="[^"]+"/); b[NR] = substr($1, RSTART + 4, RLENGTH - 5)
    n[NR] = $4 - $2} END {for (i = 1; i <= NR; i++) if (n[i] >= 0.99 * n[NR]) {
      print (b[i] == "+Inf" ? "+Inf" : "<= " b[i] * 1000 " ms"); exit }}'
}

run() {
  local name=$1 url=$2 route=${3:-} before= after=
  [ -n "$route" ] && before=$(buckets "$route")
  local gc_from=1
  if [ -f "$work/gc.log" ]; then gc_from=$(($(wc -l < "$work/gc.log") + 1)); fi
  bench_cpu_snapshot > "$work/cpu.before"; local t0; t0=$(date +%s%N)
  local out
  if [ "${PERF_SCHED:-0}" = 1 ]; then
    out=$(perf sched record -o "$work/sched.data" -- wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$auth" "$url" 2>/dev/null)
  else
    out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$auth" "$url")
  fi
  bench_cpu_snapshot > "$work/cpu.after"; local t1; t1=$(date +%s%N)
  [ -n "$route" ] && after=$(buckets "$route")
  local rate; rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  printf '%-44s %10s req/s  p99 %8s  server p99 %-10s  mean <= %.2f ms  %s  %s\n' "$name" "$rate" \
    "$(echo "$out" | awk '$1 == "99%" {print $2}')" "$([ -n "$route" ] && server_p99 "$before" "$after" || echo -)" \
    "$(awk -v c="$conns" -v r="$rate" 'BEGIN {print c / r * 1000}')" \
    "$([ -n "$route" ] && bench_gc_pauses "$work/gc.log" "$gc_from" || echo)" \
    "$(echo "$out" | grep -E 'Non-2xx|Socket errors' | tr '\n' ' ')"
  # where the cores went: the server's and PostgreSQL's CPU per request (nginx's on a reference line), and any
  # other process's share (wrk starts and ends between the snapshots, so its own CPU is only in "machine busy")
  if awk -v r="$rate" 'BEGIN {exit !(r + 0 > 0)}'; then
    bench_cpu_report "$work/cpu.before" "$work/cpu.after" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 1e9}')" "$rate" \
    | awk -v ref="$([ -z "$route" ] && echo 1 || echo 0)" '
      (ref ? $1 == "nginx" : $1 == "instances" || $1 == "postgres") { u = u sprintf("%s %.0f us, ", $1 == "instances" ? "server" : $1, $4) }
      $1 == "other" { o = $2 } $1 == "machine-busy" { b = $2 }
      END { printf "    cpu per request: %smachine %.2f of 2 cores busy, other processes %.2f cores\n", u, b, o }'
  fi
  if [ "${PERF_SCHED:-0}" = 1 ] && [ -f "$work/sched.data" ]; then
    bench_sched_owners server:$provost_pid > "$work/threads"
    bench_sched_report "$work/sched.data" "$work/threads" | sed 's/^/    /'
    rm -f "$work/sched.data"
  fi
}
echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$conns -d${secs}s"
# the pages measured: each calls "$1 NAME URL ROUTE"
pages() {
  local U=/v1/users
  "$1" "GET /v1/users?limit=50"                    "$P/v1/users?limit=50" $U
  "$1" "GET /v1/users?limit=50&after=<10,000th>"   "$P/v1/users?limit=50&after=$deep" $U
  "$1" "GET /v1/users?limit=50&type=faculty"       "$P/v1/users?limit=50&type=faculty" $U
  "$1" "GET /v1/users?limit=50&active=true&verified=true" "$P/v1/users?limit=50&active=true&verified=true" $U
  "$1" "GET /v1/users?limit=50&q=$q_common"        "$P/v1/users?limit=50&q=$q_common" $U
  "$1" "GET /v1/users?limit=50&q=$q_rare"          "$P/v1/users?limit=50&q=$q_rare" $U
  "$1" "GET /v1/users?limit=50&offset=5000"        "$P/v1/users?limit=50&offset=5000" $U
  "$1" "GET /v1/users/{id}/grants"                 "$P/v1/users/$someone/grants" '/v1/users/{id}/grants'
}
# warm-up (JIT, plans, caches), not reported: WARMUP seconds (default 5) of each page measured. The JIT
# compiles for about 30 s of one page before its rate settles (docs/PERFORMANCE.md "The JIT, on one page"), so
# with 3 s each, as before, the first lines measured the compiler too (the first page at 0.7x the cursor page)
warm() {
  wrk -t2 -c"$conns" -d"${WARMUP:-5}s" -H "$auth" "$2" >/dev/null 2>&1 || true
}
pages warm
run "nginx constant (reference)"                "http://127.0.0.1:$nginx_port/"
pages run
run "nginx constant (reference, again)"         "http://127.0.0.1:$nginx_port/"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
