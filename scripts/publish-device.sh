#!/usr/bin/env bash
# Publishes pk-device, the device verbs of pk (ipk ato dli dlv xpr upk rearm skms ckms dti atp ...), as a
# Native AOT executable for this machine (linux-x64 unless RID is set):
#   artifacts/publish/ProductKeys.Device/release_<rid>/pk-device
# Ship that one file to devices: no .NET, no ASP.NET Core and no SQLite needed there (OpenSSL 3 is, as
# for every .NET program on Linux). Options and output are those of 'pk' (pk-device --help).
# Linking needs a C toolchain: gcc and the C library's headers (Debian's gcc and libc6-dev are
# installed when missing; zlib comes inside the AOT runtime package).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rid=${RID:-linux-x64}

if ! command -v gcc >/dev/null || [ ! -e /usr/include/stdio.h ]; then
  echo "publish-device.sh: gcc or libc6-dev missing; installing Debian's packages..."
  if [ "$(id -u)" != "0" ]; then echo "publish-device.sh: run as root or install gcc and libc6-dev first" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null
fi

dotnet publish src/ProductKeys.Device -c Release -r "$rid" -nologo -v q
out="artifacts/publish/ProductKeys.Device/release_$rid"
echo "publish-device.sh: $out/pk-device ($(du -h "$out/pk-device" | cut -f1))"
