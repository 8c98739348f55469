#!/usr/bin/env bash
# Issue 13 item 1: after an overload ends, how soon are the requests answered from memory back to normal
# latency (goal: within 5 s)? One Provost (launcher defaults) on a seeded database, beside nginx returning a
# constant (wrk before and after: the reference). Two `provost loadtest` processes, as two applications:
#   - the probe, a door-check service: check 80, me 20 at PROBE_RATE/s, running throughout;
#   - the overload, once the probe has measured BASELINE s: the default mix at RATE/s (issue 13's "twice the
#     rate the service can sustain": 2,000/s is sustained, so 4,000) for SECONDS after a 2 s ramp.
# The probe's per-second timeline (--timeline: what finished in each second, latency from the scheduled send
# time) is printed relative to the end of the overload's schedule, with the first second from which the
# probe's memory-class p99 stays at or below NORMAL: max(2 x its median p99 before the overload, 10 ms).
# Needs nginx, wrk, PostgreSQL on 127.0.0.1:5432 and a database seeded with
# `./provost seed --students 10000 --faculty 3000 --role-assign`.
#   bench/recovery.sh [database] [rate] [seconds] [probe_rate]
# BENCH_PORT, BENCH_NGINX_PORT: the loopback ports of Provost and nginx (default 18091, 18092).
# OVERLOAD_NICE (default 0): run the overload's load generator that many nice steps down, to see how much of
# the probe's latency is the generator itself competing for the two cores (clients are elsewhere in production).
# SERVE_JAVA_OPTS: JVM options for the server alone (bench/lib.sh).
# PERF_SCHED (seconds, default 0: off): record every context switch on the machine (`perf sched record`,
# needs root and perf) for that long from the overload's fifth second, and print, per group of threads
# (the server's event loops, its other threads, the probe, the overload's generator, PostgreSQL, nginx),
# how long they waited for a core once woken: where the probe's tail comes from (docs/PROFILING.md).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db="${1:-provost_seeded}"; rate="${2:-4000}"; secs="${3:-15}"; probe_rate="${4:-500}"
baseline=5; after=20; setup_allowance=15
bench_start "$db" "${BENCH_PORT:-18091}" "${BENCH_NGINX_PORT:-18092}"
echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
bench_ref
lt() { PROVOST_ADMIN_PASSWORD=bench-admin-password nice -n "${lt_nice:-0}" "$root/provost" loadtest --url "http://127.0.0.1:$port" "$@"; }

# the probe runs long enough to cover its baseline, the overload's setup, the overload and AFTER seconds
probe_secs=$((baseline + setup_allowance + secs + 2 + after))
lt --mix check=80,me=20 --rate "$probe_rate" --duration "$probe_secs" --warmup 3 --users 50 \
  --timeline "$work/probe.csv" --json "$work/probe.json" > "$work/probe.out" 2>&1 &
probe=$!
# the probe's measured period has begun once it prints its first second that is not a warm-up second
for _ in $(seq 1 600); do grep -qE '^\[ *[0-9]+s\]' "$work/probe.out" && break; sleep 0.1; done
sleep "$baseline"
echo "== overload: the default mix at $rate/s for $secs s (2 s ramp), beside the probe at $probe_rate/s"
lt_nice="${OVERLOAD_NICE:-0}" lt --rate "$rate" --duration "$secs" --warmup 2 --users 90 --json "$work/overload.json" \
  > "$work/overload.out" 2>&1 &
overload=$!
if [ "${PERF_SCHED:-0}" -gt 0 ]; then
  sleep 7 # the overload's 2 s ramp and set-up, then 5 s into it
  perf sched record -o "$work/sched.data" -- sleep "$PERF_SCHED" > /dev/null 2>&1 || echo "perf sched record failed"
  bench_sched_owners server:$provost_pid probe:$probe overload:$overload > "$work/threads"
fi
wait "$overload"
sed -n '/^endpoint/,/^load generator/p' "$work/overload.out"
wait "$probe"
echo "== the probe (check 80, me 20 at $probe_rate/s, its own process and connections)"
sed -n '/^endpoint/,/^load generator/p' "$work/probe.out"
bench_ref

start_ms=$(grep -o '"measured_start_unix_ms" : [0-9]*' "$work/overload.json" | grep -o '[0-9]*$')
end_ms=$((start_ms + secs * 1000))
ramp_ms=$((start_ms - 2000))
echo "== the probe's memory class per second, t = end of that second minus the end of the overload's schedule"
awk -F, -v end="$end_ms" -v ramp="$ramp_ms" '
  $3 == "class" && $4 == "memory" {
    n++; t[n] = ($2 - end) / 1000; c[n] = $5; e[n] = $6; p50[n] = $7; p99[n] = $8; mx[n] = $9
    if ($2 <= ramp) base[++nb] = $8
  }
  END {
    for (i = 2; i <= nb; i++) { v = base[i]; for (j = i - 1; j >= 1 && base[j] > v; j--) base[j + 1] = base[j]; base[j + 1] = v }
    med = nb ? (nb % 2 ? base[(nb + 1) / 2] : (base[nb / 2] + base[nb / 2 + 1]) / 2) : 0
    normal = 2 * med; if (normal < 10) normal = 10
    recovered = ""
    for (i = n; i >= 1 && t[i] > 0; i--) { if (p99[i] > normal) break; recovered = t[i] }
    printf "%7s %-9s %6s %6s %9s %9s %9s\n", "t (s)", "phase", "count", "errors", "p50 ms", "p99 ms", "max ms"
    for (i = 1; i <= n; i++) {
      phase = t[i] <= (ramp - end) / 1000 ? "before" : (t[i] <= 0 ? "overload" : "after")
      printf "%7.1f %-9s %6d %6d %9.2f %9.2f %9.2f\n", t[i], phase, c[i], e[i], p50[i], p99[i], mx[i]
    }
    printf "baseline p99 (median of %d seconds before the overload): %.2f ms; normal: p99 <= %.2f ms\n", nb, med, normal
    if (t[n] < 5) print "WARNING: the probe ended " t[n] " s after the overload: too soon to tell (the overload set-up took longer than allowed)"
    if (recovered == "") print "NOT back to normal by the end of the probe"
    else printf "back to normal from the second ending %.1f s after the overload ended (goal: within 5 s)\n", recovered
  }' "$work/probe.csv"
if [ -s "$work/threads" ] && [ -f "$work/sched.data" ]; then
  echo "== waits for a core during ${PERF_SCHED} s of the overload (perf sched: after a wake-up, until running)"
  bench_sched_report "$work/sched.data" "$work/threads"
fi
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^provost_admission_refused_total' || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
