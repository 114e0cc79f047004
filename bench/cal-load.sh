#!/usr/bin/env bash
# CAL requests per second against the real CAL server (pk cal-server serve), per user and per device, at
# 2, 8 and 32 keep-alive clients next to a plain Kestrel JSON echo in the same run, and the race of 200
# devices for the last 10 permanent CALs. Builds the load driver (and pk) in Release, then runs it; every
# server is a process of its own on 127.0.0.1 that the driver starts and stops. Results: docs/performance.md
# ("CAL server").
#   bench/cal-load.sh [REQUESTS_PER_LEVEL [PARTS]]   (default 20000; PARTS: any of per-user,per-device,echo,race)
#   PK_CAL_BASELINE=PATH/pk.dll adds another build (e.g. main's) to the same run: baseline-per-user,baseline-per-device,baseline-race
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build bench/ProductKeys.Load -c Release -nologo -v q >/dev/null
exec dotnet artifacts/bin/ProductKeys.Load/release/ProductKeys.Load.dll cal "${1:-20000}" ${2:+"$2"}
