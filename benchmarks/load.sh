#!/usr/bin/env bash
# End-to-end load on loopback: the sample's MCP endpoint (tools/list in open sessions) with the starter validating
# the token on every request, versus the same endpoint with the starter switched off (profile load-baseline),
# measured one after the other in one run by a closed-loop Java client (McpLoad). Both runs send the same requests,
# Authorization header included (the unsecured endpoint ignores it), so the only difference is the starter.
# Prints both throughputs and their ratio.
#
# On a machine with 2 or more cores the server is pinned to core 0 and the load generator to core 1 (taskset), so
# the two do not compete and the figure is the server's own cost. The warm-up is long because the JIT compiler shares
# the server's core: with a 5 s warm-up the result measured compilation, not the steady state (each 10 s warm-up
# window is printed, so this can be checked).
#
# Steady states still differ from one JVM to the next (by up to a third here), so the pair is measured ROUNDS times
# (default 3), alternating, each run in a fresh JVM, and the median of the per-round ratios is reported.
#
# Usage: benchmarks/load.sh [threads] [warmup-seconds] [seconds]      (defaults: 8 150 20)
#        ROUNDS=1 benchmarks/load.sh                                    (one pair only)
#        SERVER_ARGS="--mcp.oauth.server.token-cache.enabled=true" benchmarks/load.sh   (extra sample arguments)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-8}
WARMUP=${2:-150}
SECONDS_MEASURED=${3:-20}
ROUNDS=${ROUNDS:-3}
PORT=18180
SAMPLE=sample-app/target/sample-app-0.1.0-SNAPSHOT-exec.jar
BENCH=benchmarks/target/benchmarks-jmh.jar
[ -f "$SAMPLE" ] && [ -f "$BENCH" ] || mvn -B -q install -DskipTests

SERVER_CPU=() CLIENT_CPU=()
if command -v taskset > /dev/null && [ "$(nproc)" -ge 2 ]; then
  SERVER_CPU=(taskset -c 0) CLIENT_CPU=(taskset -c 1)
  echo "server pinned to core 0, load generator to core 1" >&2
else
  echo "taskset or a second core missing: server and load generator share the cores" >&2
fi

run() { # label profile -> prints the McpLoad line
  local label=$1 profile=$2
  # shellcheck disable=SC2086
  "${SERVER_CPU[@]}" java -Xmx1g -jar "$SAMPLE" --server.port=$PORT --spring.profiles.active="$profile" \
    --logging.level.root=WARN ${SERVER_ARGS:-} > /tmp/mcp-load-server.log 2>&1 &
  local pid=$!
  trap "kill $pid 2>/dev/null || true" RETURN
  for _ in $(seq 1 60); do
    curl -s -o /dev/null "http://localhost:$PORT/.well-known/oauth-protected-resource" && break
    kill -0 "$pid" 2>/dev/null || { echo "the sample ($profile) did not start:" >&2; tail -20 /tmp/mcp-load-server.log >&2; exit 1; }
    sleep 1
  done
  # The embedded authorization server runs in both profiles.
  local token
  token=$(curl -s -u sample-client:sample-secret -d grant_type=client_credentials -d scope=mcp:tools \
    "http://localhost:$PORT/oauth2/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  echo "$label:" >&2
  "${CLIENT_CPU[@]}" java -cp "$BENCH" dev.mcpoauth.benchmarks.McpLoad "$label" "http://localhost:$PORT/mcp" "$token" \
    "$THREADS" "$WARMUP" "$SECONDS_MEASURED"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

ratios=()
for round in $(seq 1 "$ROUNDS"); do
  secured=$(run secured default)
  unsecured=$(run unsecured load-baseline)
  s=$(echo "$secured" | awk '{print $2}')
  u=$(echo "$unsecured" | awk '{print $2}')
  ratio=$(awk -v s="$s" -v u="$u" 'BEGIN { printf "%.1f", 100 * s / u }')
  ratios+=("$ratio")
  echo "round $round: $secured | $unsecured | secured/unsecured $ratio%"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "secured/unsecured throughput, median of $ROUNDS rounds: $median% (rounds: ${ratios[*]})"
