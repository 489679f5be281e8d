#!/usr/bin/env bash
# Builds static/css/app.css from web/styles/app.css with the Tailwind CSS v4 CLI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi

mkdir -p ../static/css
npx @tailwindcss/cli -i styles/app.css -o ../static/css/app.css --minify
