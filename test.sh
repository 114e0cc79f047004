#!/usr/bin/env bash
# Runs every test. Provisions what the tests need by itself: a throwaway PostgreSQL
# (see scripts/test-postgres.sh), dnsmasq for KMS discovery (scripts/test-dnsmasq.sh), the OpenAPI linter
# (scripts/ensure-redocly.sh), Debian's Chromium for the portal's browser tests (scripts/ensure-chromium.sh),
# Debian's HAProxy for the load-balancer test (scripts/ensure-haproxy.sh),
# and the Native AOT KMS host, CAL server and pk-device the end-to-end tests run
# (scripts/publish-kms-host.sh, scripts/publish-cal-server.sh, scripts/publish-device.sh); then a short fuzzing run (scripts/fuzz.sh) unless
# arguments were given. Extra arguments go to 'dotnet test', e.g. --filter.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

source scripts/test-postgres.sh
trap stop_test_postgres EXIT
start_test_postgres
source scripts/test-dnsmasq.sh
ensure_dnsmasq
# The OpenAPI lint test runs npm's @redocly/cli (installed once into a cache folder).
PK_REDOCLY=$(scripts/ensure-redocly.sh) || echo "test.sh: could not install @redocly/cli; the OpenAPI lint test will fail" >&2
export PK_REDOCLY
# The portal tests drive Debian's Chromium with Playwright; no browser is ever downloaded.
PLAYWRIGHT_CHROMIUM_EXECUTABLE=$(scripts/ensure-chromium.sh) || echo "test.sh: could not install chromium; the portal tests will fail" >&2
export PLAYWRIGHT_CHROMIUM_EXECUTABLE PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The load-balancer test puts Debian's HAProxy in front of three pk server nodes (docs/adr/0029).
PK_HAPROXY=$(scripts/ensure-haproxy.sh) || echo "test.sh: could not install haproxy; the load-balancer test will fail" >&2
export PK_HAPROXY

results=$(mktemp -d /tmp/pk-test-results.XXXXXX)
dotnet build ProductKeys.slnx -c Release -nologo -v q
scripts/publish-kms-host.sh
scripts/publish-cal-server.sh
scripts/publish-device.sh
# Fuzzing (docs/adr/0026-fuzzing.md): the committed corpus replayed, then 15 s of AFL per harness.
# Before the tests, so that their summary stays the last line; skipped when a filter picks tests.
fuzz_status=0
if [ $# -eq 0 ]; then
  PK_FUZZ_NO_BUILD=1 scripts/fuzz.sh 15 || { echo "test.sh: fuzzing found a crash or could not run" >&2; fuzz_status=1; }
fi
set +e
dotnet test ProductKeys.slnx -c Release --no-build -nologo -v q --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$results/output.log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over every test assembly's result line.
set +e
python3 - "$results/output.log" <<'PY'
import re, sys
passed = failed = skipped = 0
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.search(r"(Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)", line)
    if m:
        failed += int(m.group(2)); passed += int(m.group(3)); skipped += int(m.group(4))
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(0 if passed + failed > 0 else 1)
PY
[ $? -eq 0 ] || { echo "test.sh: no test ran" >&2; status=1; }
set -e
rm -rf "$results"
[ "$fuzz_status" -eq 0 ] || status=1
exit "$status"
