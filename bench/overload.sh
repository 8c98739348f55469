#!/usr/bin/env bash
# Issue 13's table: `provost loadtest` mixes against one Provost (launcher defaults), each for SECONDS after a
# 5 s ramp, beside nginx returning a constant (wrk, measured before and after: the reference). The last two
# rows run the default mix at RATE and at twice RATE (overload): checks and /v1/me must stay at 100% success,
# the rest be served or refused at once (503 overloaded, never a timeout). Needs nginx, wrk, PostgreSQL on
# 127.0.0.1:5432 and a database seeded with `./provost seed --students 10000 --faculty 3000 --role-assign`.
#   bench/overload.sh [database] [rate] [seconds] [users]
# BENCH_PORT, BENCH_NGINX_PORT: the loopback ports of Provost and nginx (default 18096, 18097).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db="${1:-provost_seeded}"; rate="${2:-2000}"; secs="${3:-15}"; users="${4:-90}"
bench_start "$db" "${BENCH_PORT:-18096}" "${BENCH_NGINX_PORT:-18097}"
echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
lt() {
  local mix=$1 r=$2
  echo "== --mix $mix --rate $r"
  PROVOST_ADMIN_PASSWORD=bench-admin-password "$root/provost" loadtest --url "http://127.0.0.1:$port" \
    --mix "$mix" --rate "$r" --duration "$secs" --warmup 5 --users "$users" \
    | sed -n '/^endpoint/,/^load generator/p'
  echo "RSS of the server: $(awk '/VmRSS/ {printf "%d MB", $2/1024}' /proc/$provost_pid/status), peak $(awk '/VmHWM/ {printf "%d MB", $2/1024}' /proc/$provost_pid/status)"
}
bench_ref
lt check=100 $((rate * 5 / 2))
lt check=60,me=20,list=8,search=5 "$rate"
lt check=60,me=20,login=2 "$rate"
lt check=60,me=20,list=8,search=5,grant=5 "$rate"
lt check=615,me=200,list=80,search=50,login=5,grant=50 "$rate"
lt check=615,me=200,list=80,search=50,login=5,grant=50 $((rate * 2))
bench_ref
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^provost_admission_refused_total' || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
