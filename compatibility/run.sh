#!/usr/bin/env bash
# The support table of README.md, tested: builds compatibility/ (a new user's app: Spring Boot's and Spring AI's
# BOMs and the starter, nothing else) for each line and runs its server-and-client round trip with a step-up.
# Needs the starter in the local Maven repository first: mvn -B install -DskipTests
set -euo pipefail
cd "$(dirname "$0")"

# Spring Boot | Spring AI BOM | MCP Java SDK (empty: as the Spring AI BOM brings it)
lines=(
  "4.0.7 2.0.0 "
  "4.0.7 2.0.1 "
  "4.1.1 2.0.0 "
  "4.1.1 2.0.1 "
  "4.1.1 2.0.0 2.1.0"
)
failed=0
for line in "${lines[@]}"; do
  read -r boot ai sdk <<<"$line"
  args=(-B -q "-Dspring-boot.version=$boot" "-Dspring-ai.version=$ai")
  [[ -n "${sdk:-}" ]] && args+=("-Dmcp-sdk.version=$sdk")
  sdk_seen=$(mvn "${args[@]}" dependency:list -DincludeArtifactIds=mcp-core -DoutputFile=/dev/stdout 2>/dev/null \
    | grep -o 'mcp-core:jar:[^:]*' | head -1 | cut -d: -f3 || true)
  echo "== Spring Boot $boot, Spring AI $ai, MCP SDK ${sdk_seen:-?}"
  if mvn "${args[@]}" clean verify; then
    echo "   passed"
  else
    echo "   FAILED"
    failed=1
  fi
done
exit $failed
