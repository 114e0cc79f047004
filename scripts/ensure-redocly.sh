#!/usr/bin/env bash
# Installs Redocly's OpenAPI linter (npm's @redocly/cli, pinned) into a cache folder once, and prints
# the path of its executable. The OpenAPI lint test (tests/ProductKeys.Cli.Tests/Api/OpenApiLintTests.cs)
# runs it; test.sh exports that path as PK_REDOCLY. Needs node >= 20.19 and npm.
set -euo pipefail
version=2.77.0
cache=${PK_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/productkeys-tools}/redocly-$version
bin=$cache/node_modules/.bin/redocly
if [ ! -x "$bin" ]; then
  command -v npm >/dev/null || { echo "ensure-redocly.sh: npm is missing: install Node.js 20.19+ (it brings npm)" >&2; exit 1; }
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "@redocly/cli@$version" >&2
fi
echo "$bin"
