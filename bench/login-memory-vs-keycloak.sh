#!/usr/bin/env bash
# Issue 13 item 5: the JVM's resident memory of Provost beside Keycloak's under 64 concurrent logins, in one
# run. nginx returning a constant first (the reference), then each JVM alone under wrk -c64 logins for SECONDS:
# Provost with the launcher's JVM options, Provost with PROVOST_CAPPED_OPTS (default -Xmx512m, Keycloak's
# heap cap; empty skips it), Keycloak with its heap capped at 512 MB (-Xms64m -Xmx512m, kc.sh's own default
# outside a container, set explicitly); then nginx again. For each: RSS once ready, RSS every second, peak RSS
# (VmHWM), login rate, p99 and the answers that were not 2xx, and a summary line per JVM at the end.
#   Provost:  POST /v1/sessions (bench/wrk-seeded-login.lua), every login admitted to the hash lane (queue
#             PROVOST_HASH_LANE_QUEUE=64, wait up to 60 s) as Keycloak admits every one; no address throttle
#   Keycloak: POST /realms/bench/protocol/openid-connect/token, grant_type=password, a random user of the realm
#             (bench/wrk-keycloak-login.lua); passwords hashed with Keycloak's default (Argon2id, 7 MiB, t=5)
#   bench/login-memory-vs-keycloak.sh [database] [seconds] [connections] [keycloak-users]
# Needs wrk, nginx, jq, curl, Maven, PostgreSQL on 127.0.0.1:5432 with DATABASE (default provost_seeded) made by
# `./provost seed --students 10000 --faculty 3000 --role-assign`. The first run downloads Keycloak
# KEYCLOAK_VERSION (default 26.5.6) from Maven Central into ~/.cache/provost-bench/keycloak, builds it for
# PostgreSQL, creates the database kc_bench and a realm 'bench' of KEYCLOAK-USERS users (default 13,500, as many
# as the seed; one password, the hash Keycloak made for the first user copied to the others through its partial
# import) and a public client with direct access grants; later runs reuse them. Keycloak runs on JDK 25 (bin/find-jdk)
# unless KEYCLOAK_JAVA_HOME names another. Only loopback addresses are used.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${1:-provost_seeded}"; secs="${2:-20}"; conns="${3:-64}"; kc_users="${4:-13500}"
port=18095; nginx_port=18096; kc_port=18180
capped_opts="${PROVOST_CAPPED_OPTS--Xmx512m}"
kc_version="${KEYCLOAK_VERSION:-26.5.6}"
kc_cache="$HOME/.cache/provost-bench/keycloak"
kc_home="$kc_cache/keycloak-$kc_version"
kc_java="${KEYCLOAK_JAVA_HOME:-$("$root/bin/find-jdk")}"
kc_heap="-Xms64m -Xmx512m"
kc_admin_password=bench-admin-password
kc_db=kc_bench
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
kc_pid=

stop_all() {
  [ -n "$kc_pid" ] && kill "$kc_pid" 2>/dev/null
  bench_stop
}

# Keycloak on kc_bench, HTTP on loopback, a local (not clustered) cache: no JGroups port on another address
kc_start() {
  JAVA_HOME="$kc_java" JAVA_OPTS_KC_HEAP="$kc_heap" KC_BOOTSTRAP_ADMIN_USERNAME=admin \
    KC_BOOTSTRAP_ADMIN_PASSWORD="$kc_admin_password" \
    "$kc_home/bin/kc.sh" start --optimized --db-url="jdbc:postgresql://127.0.0.1:5432/$kc_db" --db-username=postgres \
    --db-password=unused --cache=local --http-enabled=true --http-host=127.0.0.1 --http-port=$kc_port \
    --hostname-strict=false > "$work/keycloak.log" 2>&1 &
  kc_pid=$!
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$kc_port/realms/master" >/dev/null && return 0
    kill -0 "$kc_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "bench: keycloak did not become ready; its log:" >&2
  cat "$work/keycloak.log" >&2
  return 1
}

# kc.sh forwards the signal to its java and waits for it
kc_stop() {
  kill "$kc_pid" 2>/dev/null || true
  wait "$kc_pid" 2>/dev/null || true
  kc_pid=
}

kc_admin() { # METHOD PATH [curl args...]: the admin API as the bootstrap admin, a fresh token per call
  local method=$1 path=$2 token; shift 2
  token=$(curl -sf -d grant_type=password -d client_id=admin-cli -d username=admin -d "password=$kc_admin_password" \
    "http://127.0.0.1:$kc_port/realms/master/protocol/openid-connect/token" | jq -r .access_token)
  curl -sf -X "$method" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$kc_port/admin$path" "$@"
}

kc_realm_users() {
  psql -Atq -h 127.0.0.1 -U postgres -d "$kc_db" -c \
    "SELECT count(*) FROM user_entity u JOIN realm r ON r.id = u.realm_id WHERE r.name = 'bench'" 2>/dev/null || echo 0
}

# Downloads and builds Keycloak, creates kc_bench and the realm's users, once; prints how long it took
kc_setup() {
  local start=$SECONDS have row secret cred first last
  if [ ! -x "$kc_home/bin/kc.sh" ]; then
    mkdir -p "$kc_cache"
    mvn -B -q dependency:copy "-Dartifact=org.keycloak:keycloak-quarkus-dist:$kc_version:zip" \
      "-DoutputDirectory=$kc_cache"
    (cd "$kc_cache" && unzip -q "keycloak-quarkus-dist-$kc_version.zip")
    JAVA_HOME="$kc_java" "$kc_home/bin/kc.sh" build --db=postgres > "$work/keycloak-build.log" 2>&1 \
      || { cat "$work/keycloak-build.log" >&2; return 1; }
  fi
  psql -Atq -h 127.0.0.1 -U postgres -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$kc_db'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres "$kc_db"
  have=$(kc_realm_users)
  [ "$have" -ge "$kc_users" ] && return 0
  echo "keycloak: setting up realm 'bench' with $kc_users users in $kc_db (once) ..."
  kc_start
  if [ "$have" -eq 0 ]; then
    kc_admin POST /realms -o /dev/null -d '{"realm":"bench","enabled":true,"clients":[{"clientId":"bench",
      "publicClient":true,"directAccessGrantsEnabled":true,"standardFlowEnabled":false}]}'
    kc_admin POST /realms/bench/users -o /dev/null -d '{"username":"user000001","enabled":true,"emailVerified":true,
      "email":"user000001@bench.invalid","firstName":"User","lastName":"000001",
      "credentials":[{"type":"password","value":"kc-bench-password","temporary":false}]}'
  fi
  # the hash Keycloak made with its own default policy, for every other user: importing skips the hashing
  row=$(psql -Atq -F $'\t' -h 127.0.0.1 -U postgres -d "$kc_db" -c "SELECT c.secret_data, c.credential_data
    FROM credential c JOIN user_entity u ON u.id = c.user_id JOIN realm r ON r.id = u.realm_id
    WHERE r.name = 'bench' AND u.username = 'user000001' AND c.type = 'password'")
  secret=${row%%$'\t'*}; cred=${row#*$'\t'}
  for ((first = 2; first <= kc_users; first += 500)); do
    last=$((first + 499 < kc_users ? first + 499 : kc_users))
    jq -nc --argjson a "$first" --argjson b "$last" --arg s "$secret" --arg c "$cred" '{ifResourceExists: "SKIP",
      users: [range($a; $b + 1) | ("00000" + tostring)[-6:] as $n | {username: ("user" + $n), enabled: true,
        emailVerified: true, email: ("user" + $n + "@bench.invalid"), firstName: "User", lastName: $n,
        credentials: [{type: "password", secretData: $s, credentialData: $c}]}]}' > "$work/users.json"
    kc_admin POST /realms/bench/partialImport -o /dev/null --data-binary "@$work/users.json"
  done
  kc_stop
  echo "keycloak: realm 'bench' has $(kc_realm_users) users (setup took $((SECONDS - start)) s)"
}

rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }

# NAME JAVA_PID URL WRK_SCRIPT [script arguments]: wrk logins for SECONDS with RSS sampled every second
summary=()
measure() {
  local name=$1 pid=$2 url=$3 script=$4 ready out rate p99 non2xx errors peak samples
  shift 4
  ready=$(rss "$pid")
  echo "== $name (java pid $pid; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "RSS once ready: $ready MB"
  ( for _ in $(seq 1 "$secs"); do sleep 1; printf '%s ' "$(rss "$pid")"; done; echo ) > "$work/rss" &
  local sampler=$!
  # a long timeout: wrk leaves answers slower than its timeout (2 s by default) out of the latency figures
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --timeout 60s --latency -s "$script" "$url" -- "$@")
  wait "$sampler"
  echo "$out" | grep -E "requests in|Requests/sec|99%|Non-2xx|Socket errors" || true
  samples=$(cat "$work/rss")
  peak=$(awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$pid/status")
  echo "RSS every second (MB): $samples"
  echo "peak RSS (VmHWM): $peak MB"
  rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}'); non2xx=${non2xx:-0}
  errors=$(echo "$out" | awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}'); errors=${errors:-0}
  summary+=("$(printf '%-34s ready %4s MB  each second %s-%s MB  peak %4s MB  %6s logins/s  p99 %7s  non-2xx %s  socket errors %s' \
    "$name" "$ready" "$(tr ' ' '\n' <<< "$samples" | grep . | sort -n | head -1)" \
    "$(tr ' ' '\n' <<< "$samples" | grep . | sort -n | tail -1)" "$peak" "$rate" "$p99" "$non2xx" "$errors")")
}

provost_serve() { # JAVA_OPTIONS: starts Provost on the seeded database with them, sets provost_pid
  PROVOST_JAVA_OPTS="$1" bench_provost "$db" "$port"
}

provost_stop() { kill "$provost_pid" 2>/dev/null || true; wait "$provost_pid" 2>/dev/null || true; provost_pid=; }

provost_measure() { # NAME
  local java_pid
  java_pid=$(pgrep -P "$provost_pid" java || echo "$provost_pid")
  measure "$1" "$java_pid" "http://127.0.0.1:$port" "$root/bench/wrk-seeded-login.lua"
  curl -s "http://127.0.0.1:$port/metrics" | grep -E '^provost_logins_total|^provost_admission_refused_total' || true
}

export PROVOST_LOGIN_MAX_FAILURES_PER_ADDRESS=100000000 PROVOST_HASH_LANE_QUEUE="${PROVOST_HASH_LANE_QUEUE:-64}" \
  PROVOST_HASH_LANE_MAX_WAIT="${PROVOST_HASH_LANE_MAX_WAIT:-60s}"
work=$(mktemp -d)
trap stop_all EXIT
kc_setup
bench_analyze "$kc_db"
# nginx and the first Provost (launcher defaults: PROVOST_JAVA_OPTS unset)
unset PROVOST_JAVA_OPTS
bench_start "$db" "$port" "$nginx_port"
trap stop_all EXIT
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); Keycloak $kc_version on $("$kc_java/bin/java" -version 2>&1 | head -1)"
echo "Provost hash lane: PROVOST_HASH_LANE_QUEUE=$PROVOST_HASH_LANE_QUEUE PROVOST_HASH_LANE_MAX_WAIT=$PROVOST_HASH_LANE_MAX_WAIT"
bench_ref
provost_measure "Provost, launcher's JVM options"
provost_stop
if [ -n "$capped_opts" ]; then
  provost_serve "$capped_opts"
  provost_measure "Provost, PROVOST_JAVA_OPTS=\"$capped_opts\""
  provost_stop
fi
kc_start
measure "Keycloak $kc_version, JAVA_OPTS_KC_HEAP=\"$kc_heap\"" "$(pgrep -P "$kc_pid" java)" \
  "http://127.0.0.1:$kc_port" "$root/bench/wrk-keycloak-login.lua" "$kc_users"
kc_stop
bench_ref
echo "== summary (wrk -t2 -c$conns -d${secs}s; RSS in MB)"
printf '%s\n' "${summary[@]}"
