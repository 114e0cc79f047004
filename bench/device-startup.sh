#!/usr/bin/env bash
# What a device pays for 'dli': pk (JIT, framework-dependent) next to the Native AOT pk-device, in the
# same run on the same license store. Prints on-disk size, median wall time of RUNS runs (hyperfine) and
# median peak RSS (/usr/bin/time), and the ratios. Results: docs/performance.md ("Device executable").
#   bench/device-startup.sh [RUNS]      (default 50; needs hyperfine and GNU time: apt-get install hyperfine time)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
runs=${1:-50}
for tool in hyperfine /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "device-startup.sh: $tool is missing (apt-get install hyperfine time python3)" >&2; exit 1; }
done

dotnet build src/ProductKeys.Cli/ProductKeys.Cli.csproj -c Release -nologo -v q >/dev/null
scripts/publish-device.sh >/dev/null
bin=artifacts/bin/ProductKeys.Cli/release
device=artifacts/publish/ProductKeys.Device/release_linux-x64/pk-device

work=$(mktemp -d /tmp/pk-device-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
store="$work/store"
dotnet "$bin/pk.dll" ipk G6397-BF377-H68MT-8Q93J-3XTY9 --product desktop --store "$store" --device-id bench-device >/dev/null

# pk's footprint on a device: its bin folder plus the shared frameworks its runtimeconfig names (the
# newest installed patch of each, as the host rolls forward to it) plus the dotnet host itself.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
frameworks=$(python3 - "$bin/pk.runtimeconfig.json" "$dotnet_root" <<'PY'
import json, os, sys
config, root = json.load(open(sys.argv[1])), sys.argv[2]
for fx in config["runtimeOptions"]["frameworks"]:
    major = fx["version"].split(".")[0]
    folder = os.path.join(root, "shared", fx["name"])
    versions = sorted((v for v in os.listdir(folder) if v.split(".")[0] == major), key=lambda v: [int(p) for p in v.split("-")[0].split(".")])
    print(os.path.join(folder, versions[-1]))
PY
)
size() { du -sb "$@" | awk '{ s += $1 } END { print s }'; }
pk_bin=$(size "$bin")
# shellcheck disable=SC2086
pk_fx=$(size $frameworks)
pk_host=$(size "$dotnet_root/dotnet" "$dotnet_root/host")
device_size=$(size "$(dirname "$device")")

hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/times.json" \
  -n "pk dli" "dotnet $bin/pk.dll dli --store $store" \
  -n "pk-device dli" "$device dli --store $store" >/dev/null

rss() { for _ in $(seq 10); do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 5p; }
pk_rss=$(rss dotnet "$bin/pk.dll" dli --store "$store")
device_rss=$(rss "$device" dli --store "$store")

python3 - "$work/times.json" "$pk_bin" "$pk_fx" "$pk_host" "$device_size" "$pk_rss" "$device_rss" "$runs" <<'PY'
import json, sys
times = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
pk_bin, pk_fx, pk_host, device_size, pk_rss, device_rss, runs = (int(a) for a in sys.argv[2:9])
mb = lambda b: b / 1_000_000
pk_size = pk_bin + pk_fx + pk_host
pk_t, dev_t = (times[n]["median"] * 1000 for n in ("pk dli", "pk-device dli"))
print(f"{'':24}{'pk (JIT)':>14}{'pk-device (AOT)':>18}{'ratio':>9}")
print(f"{'on disk, MB':24}{mb(pk_size):14.1f}{mb(device_size):18.1f}{pk_size / device_size:8.1f}x")
print(f"{'  of which app, MB':24}{mb(pk_bin):14.1f}")
print(f"{'  frameworks + host, MB':24}{mb(pk_fx + pk_host):14.1f}")
print(f"{'dli median, ms':24}{pk_t:14.1f}{dev_t:18.1f}{pk_t / dev_t:8.1f}x")
print(f"{'dli min / max, ms':24}{times['pk dli']['min']*1000:7.1f} /{times['pk dli']['max']*1000:5.0f}{times['pk-device dli']['min']*1000:11.1f} /{times['pk-device dli']['max']*1000:5.0f}")
cpu = {n: (times[n]["user"] + times[n]["system"]) * 1000 for n in times}
print(f"{'dli CPU (user+sys), ms':24}{cpu['pk dli']:14.1f}{cpu['pk-device dli']:18.1f}{cpu['pk dli'] / cpu['pk-device dli']:8.1f}x")
print(f"{'dli peak RSS, MB':24}{pk_rss / 1024:14.1f}{device_rss / 1024:18.1f}{pk_rss / device_rss:8.1f}x")
print(f"({runs} timed runs each after 5 warm-ups; CPU: mean; RSS: median of 10 runs; MB = 10^6 bytes)")
PY
