#!/usr/bin/env bash
# Retakes the portal's screenshots in docs/portal (shown in README.md): runs the screenshot test of
# tests/ProductKeys.Portal.Tests against a real 'pk server --demo' in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYWRIGHT_CHROMIUM_EXECUTABLE=$(scripts/ensure-chromium.sh)
export PLAYWRIGHT_CHROMIUM_EXECUTABLE PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PK_PORTAL_SCREENSHOTS="$PWD/docs/portal"
dotnet build tests/ProductKeys.Portal.Tests -c Release -nologo -v q
dotnet test tests/ProductKeys.Portal.Tests -c Release --no-build -nologo --filter "FullyQualifiedName~ScreenshotTests"
