#!/usr/bin/env bash
# Copies the pinned htmx and Chart.js builds from node_modules into static/js/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi

mkdir -p ../static/js
cp node_modules/htmx.org/dist/htmx.min.js ../static/js/htmx.min.js
cp node_modules/chart.js/dist/chart.umd.min.js ../static/js/chart.umd.min.js
