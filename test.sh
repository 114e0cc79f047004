#!/usr/bin/env bash
# Runs every test. Provisions what the tests need by itself: a throwaway PostgreSQL
# (see scripts/test-postgres.sh) and dnsmasq for KMS discovery (scripts/test-dnsmasq.sh). Extra arguments go to 'dotnet test', e.g. --filter.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

source scripts/test-postgres.sh
trap stop_test_postgres EXIT
start_test_postgres
source scripts/test-dnsmasq.sh
ensure_dnsmasq

results=$(mktemp -d /tmp/pk-test-results.XXXXXX)
dotnet build ProductKeys.slnx -c Release -nologo -v q
set +e
dotnet test ProductKeys.slnx -c Release --no-build -nologo -v q --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$results/output.log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over every test assembly's TRX file.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
rm -rf "$results"
exit "$status"
