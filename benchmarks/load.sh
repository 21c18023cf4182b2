#!/usr/bin/env bash
# End-to-end load on loopback: the sample's MCP endpoint (tools/list in open MCP sessions) three ways, the same
# requests to each, measured in one run by a closed-loop Java client (McpLoad):
#   open     the endpoint without any protection (profile load-baseline);
#   peer     protected by Spring Boot's own resource server, issuer and audience validated (profile load-peer): what a
#            user would pick instead of the starter;
#   starter  protected by the starter (the sample's default profile).
# All three receive the same requests, Authorization header included (the open endpoint ignores it).
#
# Cases (CASES, default all three):
#   fresh-rs256   RS256 tokens, a different one on each request (a pool of TOKENS tokens, round robin): every
#                 request is validated;
#   cached-rs256  one RS256 token on every request, the starter with mcp.oauth.server.token-cache.enabled=true
#                 (Spring Boot's resource server has no such cache);
#   fresh-es256   as fresh-rs256 with ES256 tokens (the embedded authorization server signs with a P-256 key).
#
# On a machine with 2 or more cores the server is pinned to core 0 and the load generator to core 1 (taskset), so
# the two do not compete and the figure is the server's own cost. The warm-up is long because the JIT compiler shares
# the server's core (each 10 s warm-up window is printed, so a steady state can be checked).
#
# Steady states differ from one JVM to the next, so each case is measured ROUNDS times (default 3); a round runs the
# three servers one after the other, each in a fresh JVM, starting with a different one each round; the median of
# the per-round ratios is reported, with the load average (uptime) at the end of each round and, for each server,
# the steal time of the measured seconds (the host running other guests on this VM's cores).
#
# Usage: benchmarks/load.sh [threads] [warmup-seconds] [seconds]      (defaults: 8 150 20)
#        CASES=fresh-rs256 ROUNDS=1 benchmarks/load.sh
#        SERVER_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java benchmarks/load.sh   (the server's JVM only)
#        SERVER_OPTS="-agentpath:..." benchmarks/load.sh                                (extra server JVM options)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-8}
WARMUP=${2:-150}
SECONDS_MEASURED=${3:-20}
ROUNDS=${ROUNDS:-3}
CASES=${CASES:-fresh-rs256 cached-rs256 fresh-es256}
TOKENS=${TOKENS:-100}
SERVER_JAVA=${SERVER_JAVA:-java}
PORT=${PORT:-18180}
SAMPLE=sample-app/target/sample-app-0.1.0-SNAPSHOT-exec.jar
BENCH=benchmarks/target/benchmarks-jmh.jar
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ ! -f "$SAMPLE" ] || [ ! -f "$BENCH" ]; then
  # Built in this reactor only: nothing is installed into the local Maven repository.
  mvn -B -q -o package -DskipTests -pl sample-app,benchmarks -am || mvn -B -q package -DskipTests -pl sample-app,benchmarks -am
fi

SERVER_CPU=() CLIENT_CPU=()
if command -v taskset > /dev/null && [ "$(nproc)" -ge 2 ]; then
  SERVER_CPU=(taskset -c 0) CLIENT_CPU=(taskset -c 1)
  echo "server pinned to core 0, load generator to core 1" >&2
else
  echo "taskset or a second core missing: server and load generator share the cores" >&2
fi
echo "server JVM: $("$SERVER_JAVA" -version 2>&1 | head -1)" >&2

profile_of() { case $1 in open) echo load-baseline ;; peer) echo load-peer ;; starter) echo default ;; esac; }

case_args() { # case config -> the sample's extra arguments
  case $1 in
    fresh-rs256) ;;
    cached-rs256) [ "$2" = starter ] && echo "--mcp.oauth.server.token-cache.enabled=true" ;;
    fresh-es256) echo "--sample.authorization-server.signing-algorithm=ES256" ;;
    *) echo "unknown case $1" >&2; exit 1 ;;
  esac
  return 0
}

run() { # case config -> prints the McpLoad line
  local case=$1 config=$2 pool
  if curl -s -o /dev/null "http://localhost:$PORT/"; then
    echo "port $PORT is taken: set PORT" >&2; exit 1
  fi
  # shellcheck disable=SC2046,SC2086
  "${SERVER_CPU[@]}" "$SERVER_JAVA" -Xmx1g ${SERVER_OPTS:-} -jar "$SAMPLE" --server.port="$PORT" \
    --spring.profiles.active="$(profile_of "$config")" --logging.level.root=WARN $(case_args "$case" "$config") \
    > "$WORK/server.log" 2>&1 &
  local pid=$!
  trap "kill $pid 2>/dev/null || true" EXIT
  trap "exit 143" TERM INT
  for _ in $(seq 1 60); do
    curl -s -o /dev/null "http://localhost:$PORT/oauth2/jwks" && break
    kill -0 "$pid" 2>/dev/null || { echo "the sample ($config) did not start:" >&2; tail -20 "$WORK/server.log" >&2; exit 1; }
    sleep 1
  done
  # The embedded authorization server runs in every profile; its key is new in every JVM, so are the tokens.
  pool=$([ "$case" = cached-rs256 ] && echo 1 || echo "$TOKENS")
  : > "$WORK/tokens"
  for _ in $(seq 1 "$pool"); do
    curl -s -u sample-client:sample-secret -d grant_type=client_credentials -d scope=mcp:tools \
      "http://localhost:$PORT/oauth2/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/' >> "$WORK/tokens"
    echo >> "$WORK/tokens"
  done
  echo "$case $config:" >&2
  (sleep "$WARMUP"; head -1 /proc/stat > "$WORK/stat-start") &
  local stat_pid=$! line
  line=$("${CLIENT_CPU[@]}" java -cp "$BENCH" dev.mcpoauth.benchmarks.McpLoad "$config" "http://localhost:$PORT/mcp" \
    "@$WORK/tokens" "$THREADS" "$WARMUP" "$SECONDS_MEASURED") \
    || { echo "the load against $config failed; the server's log:" >&2; tail -30 "$WORK/server.log" >&2; exit 1; }
  wait "$stat_pid"
  echo "$line, steal $(steal_percent "$WORK/stat-start" <(head -1 /proc/stat))"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

# The share of the measured seconds the hypervisor gave the VM's cores to someone else (the steal column of
# /proc/stat): a load average cannot show it, and it slows the server and the load generator alike.
steal_percent() {
  awk 'NR == FNR { for (i = 2; i <= NF; i++) a[i] = $i; next }
       { for (i = 2; i <= NF; i++) total += $i - a[i]; printf "%.1f%%", total ? 100 * ($9 - a[9]) / total : 0 }' "$1" "$2"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

CONFIGS=(open peer starter)
summary=()
for case in $CASES; do
  sp=() so=() po=()
  for round in $(seq 1 "$ROUNDS"); do
    declare -A rate=() steal=()
    for i in 0 1 2; do
      config=${CONFIGS[$(((round - 1 + i) % 3))]}
      line=$(run "$case" "$config")
      echo "  $line" >&2
      rate[$config]=$(echo "$line" | awk '{print $2}')
      steal[$config]=$(echo "$line" | awk '{print $NF}')
    done
    sp+=("$(ratio "${rate[starter]}" "${rate[peer]}")")
    so+=("$(ratio "${rate[starter]}" "${rate[open]}")")
    po+=("$(ratio "${rate[peer]}" "${rate[open]}")")
    echo "$case round $round: open ${rate[open]} peer ${rate[peer]} starter ${rate[starter]} req/s |" \
      "starter/peer ${sp[-1]} starter/open ${so[-1]} peer/open ${po[-1]} | load:$(uptime | sed 's/.*load average://')" \
      "| steal: open ${steal[open]} peer ${steal[peer]} starter ${steal[starter]}"
    unset rate steal
  done
  summary+=("$case, median of $ROUNDS rounds: starter/peer $(printf '%s\n' "${sp[@]}" | median),\
 starter/open $(printf '%s\n' "${so[@]}" | median), peer/open $(printf '%s\n' "${po[@]}" | median)\
 (starter/peer per round: ${sp[*]})")
done
printf '%s\n' "${summary[@]}"
