#!/usr/bin/env bash
# Fuzzes the product's parsers with afl-fuzz and SharpFuzz (docs/adr/0026-fuzzing.md).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 3600 key-parser
#
# SECONDS per target (default 15); targets: key-parser artifact offline-file license-store kms-request
# (default: all). First replays the committed corpus (fuzz/corpus/TARGET) through each harness, then
# runs afl-fuzz on it for SECONDS. Exits non-zero when a replayed input or anything AFL found crashes,
# and prints where the crashing inputs are. Installs Debian's afl++ when afl-fuzz is missing (as root).
# Findings go to $PK_FUZZ_OUT (default artifacts/fuzz/findings/TARGET), kept until the next run of that target.
# PK_FUZZ_REPLAY_ONLY=1 only replays the corpus, for a machine where AFL cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

all_targets=(key-parser artifact offline-file license-store kms-request)
seconds=${1:-15}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
case "$seconds" in '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;; esac
for target in "${targets[@]}"; do
  [ -d "fuzz/corpus/$target" ] || { echo "fuzz.sh: unknown target '$target' (targets: ${all_targets[*]})" >&2; exit 2; }
done

out=${PK_FUZZ_OUT:-artifacts/fuzz}
build=artifacts/bin/ProductKeys.Fuzz/release
bin="$out/bin"
# Replays run the build output: instrumented assemblies need AFL's shared memory and abort without it.
replay() { dotnet "$build/ProductKeys.Fuzz.dll" "$@"; }

# The harness, and copies of the product assemblies instrumented for AFL's coverage map. Only the
# copies are instrumented: the build output stays as it was for the tests.
# PK_FUZZ_NO_BUILD=1: test.sh has just built the solution, this project included.
[ "${PK_FUZZ_NO_BUILD:-}" = 1 ] || dotnet build fuzz/ProductKeys.Fuzz -c Release -nologo -v q

status=0
echo "fuzz.sh: replaying the committed corpus"
for target in "${targets[@]}"; do
  replay "$target" --replay "fuzz/corpus/$target" || status=1
done
if [ "${PK_FUZZ_REPLAY_ONLY:-}" = 1 ]; then
  echo "fuzz.sh: PK_FUZZ_REPLAY_ONLY=1: afl-fuzz not run"
  exit "$status"
fi

if ! command -v afl-fuzz >/dev/null; then
  echo "fuzz.sh: afl-fuzz not found; installing Debian's afl++ package..." >&2
  if [ "$(id -u)" != "0" ]; then echo "fuzz.sh: run as root or install afl++ first (or PK_FUZZ_REPLAY_ONLY=1)" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi

rm -rf "$bin"
mkdir -p "$bin"
cp -r "$build/." "$bin/"
dotnet tool restore >/dev/null
for assembly in ProductKeys.Core ProductKeys.Client ProductKeys.KmsHost ProductKeys.CalServer; do
  dotnet tool run sharpfuzz "$bin/$assembly.dll" >/dev/null
done

# No TTY (CI), no CPU governor to tune, no core binding on a shared machine, and a core_pattern that
# may pipe crashes elsewhere: AFL still sees a crash as the harness's exit status. dotnet itself is
# not instrumented (SharpFuzz reports the coverage of the instrumented assemblies), hence SKIP_BIN_CHECK.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  AFL_SKIP_BIN_CHECK=1 AFL_FORKSRV_INIT_TMOUT=60000
for target in "${targets[@]}"; do
  findings="$out/findings/$target"
  rm -rf "$findings"
  mkdir -p "$findings"
  echo "fuzz.sh: $target for ${seconds}s (afl-fuzz log: $findings/afl.log)"
  # -t: one input may take 5 s (the first run of each process starts .NET); -m none: .NET reserves more than AFL's default.
  if ! afl-fuzz -i "fuzz/corpus/$target" -o "$findings" -V "$seconds" -t 5000 -m none \
    -- dotnet "$bin/ProductKeys.Fuzz.dll" "$target" >"$findings/afl.log" 2>&1; then
    echo "fuzz.sh: afl-fuzz failed for $target; the end of its log:" >&2
    tail -n 30 "$findings/afl.log" >&2
    status=1
    continue
  fi

  stats="$findings/default/fuzzer_stats"
  stat() { sed -n "s/^$1 *: //p" "$stats"; }
  mapfile -t crashes < <(find "$findings/default/crashes" -type f -name 'id:*' | sort)
  hangs=$(find "$findings/default/hangs" -type f -name 'id:*' | wc -l)
  echo "fuzz.sh: $target: $(stat execs_done) execs, $(stat execs_per_sec) execs/s, $(stat corpus_count) paths, ${#crashes[@]} crashes, $hangs hangs"
  if [ ${#crashes[@]} -gt 0 ]; then
    echo "fuzz.sh: $target: crashing inputs in $findings/default/crashes; what they throw:" >&2
    replay "$target" --replay "${crashes[@]}" >&2 || true
    status=1
  fi
done
exit "$status"
