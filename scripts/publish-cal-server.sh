#!/usr/bin/env bash
# Publishes the CAL server as a Native AOT executable for this machine (linux-x64 unless RID is set):
#   artifacts/publish/ProductKeys.CalServer.Native/release_<rid>/pk-cal-server
# Ship that file with libe_sqlite3.so from the same folder (SQLite's native library); nothing else
# is needed on the server, not even .NET. Options are those of 'pk cal-server serve' (--help); packs are
# installed with 'pk cal-server install-pack' on the same data folder. Linking needs gcc and libc6-dev
# (scripts/ensure-c-toolchain.sh installs them when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rid=${RID:-linux-x64}

scripts/ensure-c-toolchain.sh
dotnet publish src/ProductKeys.CalServer.Native -c Release -r "$rid" -nologo -v q
out="artifacts/publish/ProductKeys.CalServer.Native/release_$rid"
echo "publish-cal-server.sh: $out/pk-cal-server ($(du -h "$out/pk-cal-server" | cut -f1)), with $out/libe_sqlite3.so"
