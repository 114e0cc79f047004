#!/usr/bin/env bash
# Installs Debian's chromium package when it is missing and prints the browser's path. The portal's
# browser tests (tests/ProductKeys.Portal.Tests) drive it with Playwright for .NET, which never
# downloads a browser of its own; test.sh exports the path as PLAYWRIGHT_CHROMIUM_EXECUTABLE.
set -euo pipefail
path=${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-/usr/bin/chromium}
if [ ! -x "$path" ]; then
  echo "ensure-chromium.sh: $path not found; installing Debian's chromium package..." >&2
  if [ "$(id -u)" != "0" ]; then echo "ensure-chromium.sh: run as root or install chromium first" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  path=/usr/bin/chromium
fi
echo "$path"
