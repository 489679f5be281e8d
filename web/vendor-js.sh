#!/usr/bin/env bash
# Copies the pinned builds from node_modules: htmx, Chart.js and the Trix editor into
# static/, axe-core (the accessibility engine the browser tests run) into e2e/testdata/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi

mkdir -p ../static/js ../static/css ../e2e/testdata
cp node_modules/htmx.org/dist/htmx.min.js ../static/js/htmx.min.js
cp node_modules/chart.js/dist/chart.umd.min.js ../static/js/chart.umd.min.js
cp node_modules/trix/dist/trix.umd.min.js ../static/js/trix.umd.min.js
cp node_modules/trix/dist/trix.css ../static/css/trix.css
cp node_modules/axe-core/axe.min.js ../e2e/testdata/axe.min.js
