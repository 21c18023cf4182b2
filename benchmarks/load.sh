#!/usr/bin/env bash
# End-to-end load on loopback: the sample's MCP endpoint (tools/list in open sessions) with the starter validating
# a real token on every request, versus the same endpoint with the starter switched off (profile load-baseline),
# measured one after the other in one run by a closed-loop Java client (McpLoad). Prints both and the ratio.
# Usage: benchmarks/load.sh [threads] [warmup-seconds] [seconds]      (defaults: 8 5 20)
#        SERVER_ARGS="--mcp.oauth.server.token-cache.enabled=true" benchmarks/load.sh   (extra sample arguments)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-8}
WARMUP=${2:-5}
SECONDS_MEASURED=${3:-20}
PORT=18180
SAMPLE=sample-app/target/sample-app-0.1.0-SNAPSHOT-exec.jar
BENCH=benchmarks/target/benchmarks.jar
[ -f "$SAMPLE" ] && [ -f "$BENCH" ] || mvn -B -q install -DskipTests

run() { # profile -> prints the McpLoad line
  local profile=$1 token=none
  # shellcheck disable=SC2086
  java -Xmx1g -jar "$SAMPLE" --server.port=$PORT --spring.profiles.active="$profile" --logging.level.root=WARN \
    ${SERVER_ARGS:-} > /tmp/mcp-load-server.log 2>&1 &
  local pid=$!
  trap "kill $pid 2>/dev/null || true" RETURN
  for _ in $(seq 1 60); do
    curl -s -o /dev/null "http://localhost:$PORT/.well-known/oauth-protected-resource" && break
    kill -0 "$pid" 2>/dev/null || { echo "the sample ($profile) did not start:" >&2; tail -20 /tmp/mcp-load-server.log >&2; exit 1; }
    sleep 1
  done
  if [ "$profile" = default ]; then
    token=$(curl -s -u sample-client:sample-secret -d grant_type=client_credentials -d scope=mcp:tools \
      "http://localhost:$PORT/oauth2/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  fi
  java -cp "$BENCH" dev.mcpoauth.benchmarks.McpLoad "http://localhost:$PORT/mcp" "$token" "$THREADS" "$WARMUP" "$SECONDS_MEASURED"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

secured=$(run default)
unsecured=$(run load-baseline)
echo "$secured"
echo "$unsecured"
s=$(echo "$secured" | awk '{print $2}')
u=$(echo "$unsecured" | awk '{print $2}')
awk -v s="$s" -v u="$u" 'BEGIN { printf "secured/unsecured throughput: %.1f%%\n", 100 * s / u }'
