#!/usr/bin/env bash
# Publishes the KMS host as a Native AOT executable for this machine (linux-x64 unless RID is set):
#   artifacts/publish/ProductKeys.KmsHost.Native/release_<rid>/pk-kms-host
# Ship that file with libe_sqlite3.so from the same folder (SQLite's native library); nothing else
# is needed on the server, not even .NET. Options are those of 'pk kms-host serve' (--help).
# Linking needs a C toolchain: gcc and the C library's headers (Debian's gcc and libc6-dev are
# installed when missing; zlib comes inside the AOT runtime package).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rid=${RID:-linux-x64}

scripts/ensure-c-toolchain.sh

dotnet publish src/ProductKeys.KmsHost.Native -c Release -r "$rid" -nologo -v q
out="artifacts/publish/ProductKeys.KmsHost.Native/release_$rid"
echo "publish-kms-host.sh: $out/pk-kms-host ($(du -h "$out/pk-kms-host" | cut -f1)), with $out/libe_sqlite3.so"
