#!/usr/bin/env bash
# Native AOT links with a C toolchain: gcc and the C library's headers. Installs Debian's gcc and libc6-dev
# when missing (zlib comes inside the AOT runtime package). Used by scripts/publish-kms-host.sh and
# scripts/publish-cal-server.sh.
set -euo pipefail
if ! command -v gcc >/dev/null || [ ! -e /usr/include/stdio.h ]; then
  echo "ensure-c-toolchain.sh: gcc or libc6-dev missing; installing Debian's packages..."
  if [ "$(id -u)" != "0" ]; then echo "ensure-c-toolchain.sh: run as root or install gcc and libc6-dev first" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null
fi
