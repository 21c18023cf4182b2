#!/usr/bin/env bash
# Runs the MCP conformance suite's auth/* client scenarios against conformance-client, one at a time, each judged
# against conformance/expected-failures.yml. Installs Node 22 and the suite from the npm registry on first use
# (the machine's Node 20 cannot run the suite). Builds the client jar if it is missing.
# Usage: conformance/run.sh [scenario ...]     (default: every auth/* scenario of the suite)
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=22.23.3
SUITE_VERSION=0.1.16
TOOLS=conformance/.tools
NODE="$TOOLS/node_modules/node/bin/node"
SUITE="$TOOLS/node_modules/@modelcontextprotocol/conformance/dist/index.js"
JAR=conformance-client/target/conformance-client.jar

if [ ! -x "$NODE" ] || [ ! -f "$SUITE" ] || ! grep -q "\"version\": \"$SUITE_VERSION\"" "$TOOLS/node_modules/@modelcontextprotocol/conformance/package.json"; then
  echo "== installing node@$NODE_VERSION and @modelcontextprotocol/conformance@$SUITE_VERSION from npm"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error \
    "node@$NODE_VERSION" "@modelcontextprotocol/conformance@$SUITE_VERSION"
fi
"$NODE" --version

if [ ! -f "$JAR" ]; then
  echo "== building $JAR"
  mvn -B -q -pl conformance-client -am install -DskipTests
fi

if [ $# -gt 0 ]; then
  scenarios=("$@")
else
  mapfile -t scenarios < <("$NODE" "$SUITE" list 2>&1 | grep -oE 'auth/[a-z0-9-]+' | sort -u)
fi

results=conformance/results
rm -rf "$results"
unexpected=0
printf '%-45s %-10s %s\n' scenario outcome checks | tee "$results.txt"
for scenario in "${scenarios[@]}"; do
  if out=$("$NODE" "$SUITE" client --command "java -jar $JAR" --scenario "$scenario" --timeout 30000 \
      --expected-failures conformance/expected-failures.yml -o "$results" 2>&1); then
    verdict=ok
  else
    verdict=UNEXPECTED
    unexpected=$((unexpected + 1))
  fi
  passed=$(echo "$out" | grep -oE 'Passed: [0-9]+/[0-9]+, [0-9]+ failed, [0-9]+ warnings' | tail -1)
  expected=$(grep -qx "  - $scenario" conformance/expected-failures.yml && echo "expected-fail" || echo "pass")
  printf '%-45s %-10s %s (%s)\n' "$scenario" "$verdict" "$passed" "$expected" | tee -a "$results.txt"
  if [ "$verdict" = UNEXPECTED ]; then
    echo "$out" | tail -25
  fi
done
echo "== ${#scenarios[@]} scenarios, $unexpected unexpected"
[ "$unexpected" -eq 0 ]
