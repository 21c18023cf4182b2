#!/usr/bin/env bash
# Runs the MCP conformance suite's auth/* client scenarios against conformance-client, one at a time, for each suite
# version in SUITE_VERSIONS, each version judged against its exact baseline conformance/expected-failures-<version>.yml.
# Installs Node 22 and each suite version from the npm registry on first use (the machine's Node 20 cannot run the
# suite). Builds the client jar if it is missing.
# Usage: conformance/run.sh [scenario ...]     (default: every auth/* scenario of each suite version)
#        SUITE_VERSIONS=0.2.0-alpha.12 conformance/run.sh auth/iss-supported
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=22.23.3
SUITE_VERSIONS=${SUITE_VERSIONS:-"0.1.16 0.2.0-alpha.12"}
TOOLS=conformance/.tools
NODE="$TOOLS/node/node_modules/node/bin/node"
JAR=conformance-client/target/conformance-client.jar

if [ ! -x "$NODE" ] || ! "$NODE" --version | grep -qx "v$NODE_VERSION"; then
  echo "== installing node@$NODE_VERSION from npm"
  mkdir -p "$TOOLS/node"
  npm install --prefix "$TOOLS/node" --no-audit --no-fund --loglevel=error "node@$NODE_VERSION"
fi
"$NODE" --version

if [ ! -f "$JAR" ]; then
  echo "== building $JAR"
  mvn -B -q -pl conformance-client -am install -DskipTests
fi

total=0
unexpected=0
rm -rf conformance/results
: > conformance/results.txt
for version in $SUITE_VERSIONS; do
  prefix="$TOOLS/suite-$version"
  package="$prefix/node_modules/@modelcontextprotocol/conformance"
  if [ ! -f "$package/dist/index.js" ] || ! grep -q "\"version\": \"$version\"" "$package/package.json"; then
    echo "== installing @modelcontextprotocol/conformance@$version from npm"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "@modelcontextprotocol/conformance@$version"
  fi
  suite="$package/dist/index.js"
  baseline="conformance/expected-failures-$version.yml"
  results="conformance/results/$version"
  mapfile -t available < <("$NODE" "$suite" list 2>&1 | grep -oE 'auth/[a-z0-9-]+' | sort -u)
  scenarios=()
  for scenario in "${@:-${available[@]}}"; do
    if printf '%s\n' "${available[@]}" | grep -qx "$scenario"; then
      scenarios+=("$scenario")
    else
      echo "($scenario is not a scenario of suite $version)"
    fi
  done
  echo "== suite $version, baseline $baseline"
  printf '%-45s %-10s %s\n' scenario outcome checks | tee -a conformance/results.txt
  for scenario in "${scenarios[@]}"; do
    total=$((total + 1))
    if out=$("$NODE" "$suite" client --command "java -jar $JAR" --scenario "$scenario" --timeout 30000 \
        --expected-failures "$baseline" -o "$results" 2>&1); then
      verdict=ok
    else
      verdict=UNEXPECTED
      unexpected=$((unexpected + 1))
    fi
    passed=$(echo "$out" | grep -oE 'Passed: [0-9]+/[0-9]+, [0-9]+ failed, [0-9]+ warnings' | tail -1 || true)
    expected=$(grep -qx "  - $scenario" "$baseline" && echo "expected-fail" || echo "pass")
    printf '%-45s %-10s %s (%s, %s)\n' "$scenario" "$verdict" "$passed" "$expected" "$version" \
      | tee -a conformance/results.txt
    if [ "$verdict" = UNEXPECTED ]; then
      echo "$out" | tail -25
    fi
  done
done
echo "== $total scenario runs over suite versions $SUITE_VERSIONS, $unexpected unexpected"
[ "$unexpected" -eq 0 ]
