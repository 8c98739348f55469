# Sourced by the bench scripts (overload.sh, sql-reads.sh, writes.sh): nginx returning a constant on
# loopback, the reference every figure is compared with in the same run, and one Provost (launcher
# defaults, PROVOST_JAVA_OPTS passed through) on an existing database, both stopped when the script exits.
#   bench_start DATABASE PROVOST_PORT NGINX_PORT [BODY]   sets root, work, port, nginx_port, provost_pid
#   bench_provost DATABASE PORT                            another Provost in place of the one stopped before
#   bench_ref                                              one wrk run against nginx, printed as a line
#   bench_analyze, bench_cpu_snapshot, bench_cpu_report    see below (two-instances.sh uses them alone)
# Only loopback addresses are used. Needs nginx, wrk, curl and PostgreSQL on 127.0.0.1:5432.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
provost_pid=
work=

# Runs on exit under the callers' `set -e`: a failing kill (the instance already gone, e.g. its build failed)
# must not end it before nginx is stopped, or nginx lives on, holding the descriptor of the benchmark lock it
# inherited from `flock` (seen: every other benchmark waited behind it for 10 minutes).
bench_stop() {
  if [ -n "$provost_pid" ]; then kill "$provost_pid" 2>/dev/null || true; fi
  if [ -n "$work" ]; then nginx -p "$work" -c nginx.conf -s stop 2>/dev/null || true; fi
  return 0
}

bench_start() {
  local db=$1 body=${4:-'{"ok":true}'}
  port=$2; nginx_port=$3; work=$(mktemp -d)
  trap bench_stop EXIT
  cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$nginx_port; location / { default_type application/json; return 200 '$body'; } }
}
NGINX
  nginx -p "$work" -c nginx.conf
  bench_analyze "$db"
  bench_provost "$db" "$port"
}

# Starts `provost serve` on DATABASE at 127.0.0.1:PORT (launcher defaults; PROVOST_JAVA_OPTS and other
# PROVOST_ settings pass through from the environment, and SERVE_JAVA_OPTS, when set, replaces
# PROVOST_JAVA_OPTS for the server alone), logging to $work/provost.log, and waits until it is
# ready; sets provost_pid. Returns 1, printing the log, when it is not ready within 120 s. One at a time:
# stop the previous one first (bench_stop kills only provost_pid, and the log is overwritten). Its JVM logs
# each collection to $work/gc.log (`-Xlog:gc`, one line per pause, stamped with its UTC time so a second of
# a timeline can be matched; added through JDK_JAVA_OPTIONS so the launcher's own options stay as they are;
# bench_gc_pauses reads it). The launcher's helper JVMs (its JDK
# probe, a rebuild) see it too and run first: the server's JVM, the last to open the file, moves theirs
# aside (gc.log.0), so gc.log is the server's alone.
bench_provost() {
  PROVOST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$1" PROVOST_HTTP_PORT=$2 \
    PROVOST_HTTP_HOST=127.0.0.1 PROVOST_ADMIN_PASSWORD=bench-admin-password \
    JDK_JAVA_OPTIONS="${JDK_JAVA_OPTIONS:-} -Xlog:gc:file=$work/gc.log:utctime" \
    PROVOST_JAVA_OPTS="${SERVE_JAVA_OPTS:-${PROVOST_JAVA_OPTS:-}}" "$root/provost" serve > "$work/provost.log" 2>&1 &
  provost_pid=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$2/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "bench: provost did not become ready; its log:" >&2
  cat "$work/provost.log" >&2
  return 1
}

bench_ref() {
  printf 'nginx constant (reference, wrk -t2 -c16 -d5s): %s req/s\n' \
    "$(wrk -t2 -c16 -d5s "http://127.0.0.1:$nginx_port/" | awk '/Requests\/sec/ {print $2}')"
}

# PostgreSQL's statistics and visibility map, refreshed before a measurement: autovacuum is off on this
# workplace's machines (`SHOW autovacuum`), so without this every plan is made from the row counts of the
# last ANALYZE, however many rows earlier runs have added since, and every index-only scan visits the heap
# for each row written since the last VACUUM (a production database has autovacuum for both).
bench_analyze() {
  psql -q -h 127.0.0.1 -U postgres -d "$1" -c 'VACUUM (ANALYZE)'
  echo "statistics and visibility map refreshed (VACUUM (ANALYZE) $1; autovacuum $(psql -Atq -h 127.0.0.1 -U postgres -d "$1" -c 'SHOW autovacuum'))"
}

# CPU time per process (clock ticks, user + system) with its group: instances (provost serve), loadgen
# (provost loadtest), nginx, postgres, other; and the machine's busy and softirq ticks from /proc/stat.
# Lines: GROUP PID TICKS. Reads /proc with shell builtins (a fork only per java process), so a snapshot takes
# milliseconds, not the second that a fork per process took under load.
bench_cpu_snapshot() {
  local p comm stat cmd group
  for p in /proc/[0-9]*; do
    { read -r comm < "$p/comm" && read -r stat < "$p/stat"; } 2>/dev/null || continue
    group=other
    case "$comm" in
      nginx) group=nginx ;;
      postgres) group=postgres ;;
      java) cmd=$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null) || continue
            case "$cmd" in *" loadtest "*) group=loadgen ;; *" serve"*) group=instances ;; esac ;;
    esac
    # the fields after the name, which may hold spaces and ends at the last ')': utime and stime are 12 and 13
    set -- ${stat##*) }
    echo "$group ${p#/proc/} $(( ${12} + ${13} ))"
  done
  awk '/^cpu / {print "machine-busy 0", $2 + $3 + $4 + $7 + $8; print "machine-softirq 0", $8}' /proc/stat
}

# Prints, per group, the cores its processes used between two snapshots SECONDS apart (processes in both) and
# its CPU microseconds per request at RATE requests/s: where the machine's two cores went during a measurement.
# A process in only one snapshot (it started or ended between them) is left out, and said so.
#   bench_cpu_report BEFORE_FILE AFTER_FILE SECONDS RATE
bench_cpu_report() {
  local hz; hz=$(getconf CLK_TCK)
  awk -v s="$3" -v r="$4" -v hz="$hz" '
    NR == FNR { before[$1 " " $2] = $3; next }
    ($1 " " $2) in before { d[$1] += ($3 - before[$1 " " $2]) / hz; seen[$1 " " $2] = 1; next }
    { only[$1]++ }
    END {
      for (g in d) printf "  %-16s %5.2f cores  %7.1f us per request\n", g, d[g] / s, d[g] / s / r * 1e6
      for (k in before) if (!(k in seen)) { split(k, f, " "); only[f[1]]++ }
      for (g in only) printf "  (%s: %d process(es) in one snapshot only, not counted)\n", g, only[g]
    }
  ' "$1" "$2" | sort
}

# Which thread is whose, for bench_sched_report: one line "OWNER TID" per thread of each process named (and
# of its descendants: the launcher's java is a child of the script that starts it).
#   bench_sched_owners OWNER:PID ... > FILE
bench_sched_owners() {
  local who p
  tree() { echo "$1"; for c in $(pgrep -P "$1"); do tree "$c"; done; }
  for who in "$@"; do
    for p in $(tree "${who#*:}"); do
      if [ -d "/proc/$p/task" ]; then ls "/proc/$p/task" | sed "s/^/${who%%:*} /"; fi
    done
  done
}

# Per group of threads, how long they waited for a core once woken, from a `perf sched record` file: the
# server's event loops, its GC and VM threads, its lowered lanes (SQL, group commit, hash), its other
# threads, each other owner of bench_sched_owners' file, PostgreSQL, nginx, wrk and the rest. Columns:
# group, context switches, mean and longest wait after a wake-up (ms, `perf sched latency`), and how many
# times one of its threads waited over 10 ms to run, woken or preempted (`perf sched timehist`'s sch delay,
# which also counts a preempted thread's wait to run again, so it may hold waits longer than the longest
# wake-up's): a tail is made of how many requests catch a long wait, not of the longest one.
# Needs perf (docs/PROFILING.md).
#   bench_sched_report SCHED_DATA OWNERS_FILE
bench_sched_report() {
  local classify='
    function group(tid, comm,   g) {
      g = owner[tid] != "" ? owner[tid] : (comm ~ /^postgres/ ? "postgres" : (comm ~ /^nginx/ ? "nginx" : (comm ~ /^wrk/ ? "wrk" : "other")))
      if (g == "server") g = comm ~ /^vert\.x-eventloo/ ? "server: event loops" : (comm ~ /^GC Thread|^VM Thread/ ? "server: GC and VM" : (comm ~ /^provost-(sql|group|hash)/ ? "server: lowered lanes" : "server: other"))
      return g
    }
    BEGIN { while ((getline l < threads) > 0) { split(l, a, " "); owner[a[2]] = a[1] } }'
  { perf sched timehist -i "$1" 2>/dev/null | awk -v threads="$2" "$classify"'
      $1 ~ /^[0-9]+\.[0-9]+$/ && NF >= 6 && $(NF-1) + 0 > 10 {
        task = $3; for (i = 4; i <= NF - 3; i++) task = task " " $i
        if (match(task, /\[[0-9]+(\/[0-9]+)?\]$/)) {
          id = substr(task, RSTART + 1, RLENGTH - 2); sub(/\/.*/, "", id); comm = substr(task, 1, RSTART - 1)
          print "long", group(id, comm)
        }
      }'
    perf sched latency -i "$1" -p 2>/dev/null | awk -F'|' -v threads="$2" "$classify"'
      NF >= 5 && $1 ~ /:[0-9]+ *$/ {
        name = $1; sub(/^ +/, "", name); sub(/ +$/, "", name); tid = name; sub(/.*:/, "", tid); comm = name; sub(/:[0-9]+$/, "", comm)
        split($4, av, ":"); split($5, mx, ":")
        print "task", $3 + 0, av[2] + 0, mx[2] + 0, group(tid, comm)
      }'
  } | awk '
    $1 == "long" { g = $0; sub(/^long /, "", g); long[g]++; next }
    $1 == "task" { g = $0; sub(/^task [^ ]+ [^ ]+ [^ ]+ /, "", g); n[g] += $2; tot[g] += $2 * $3; if ($4 > max[g]) max[g] = $4 }
    END { for (g in n) printf "%-22s %9d %12.3f %12.2f %14d\n", g, n[g], n[g] ? tot[g] / n[g] : 0, max[g], long[g] }' \
    | sort | sed "1i $(printf '%-22s %9s %12s %12s %14s' threads switches 'avg wait ms' 'max wait ms' 'waits > 10 ms')"
}

# The collections logged in lines FROM.. of a `-Xlog:gc` file ($work/gc.log), as "N pauses, max M ms, S ms in
# all": whether a client's tail was the server stopped for its collector. It counts the " Pause " lines that
# ParallelGC (the launcher's), G1 and Serial write at -Xlog:gc; ZGC and Shenandoah log theirs otherwise.
#   bench_gc_pauses FILE FROM_LINE
bench_gc_pauses() {
  if [ ! -f "$1" ]; then printf 'gc n/a (no %s)' "$1"; return; fi
  tail -n +"$2" "$1" | awk '/ Pause / && $NF ~ /ms$/ { v = $NF + 0; n++; s += v; if (v > m) m = v }
    END { printf "gc %d pauses, max %.1f ms, %.0f ms in all", n, m, s }'
}
