#!/usr/bin/env bash
# Rebuild plotly-samarbeidskartet.min.js from the npm registry's plotly.js (see README.md).
# Needs node + npm; run from anywhere. The result is committed, so the app never needs npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/entry.js" "$here/no_country_names.js" "$here/no_extra_projections.js" "$work/"
[ -f "$here/package-lock.json" ] && cp "$here/package-lock.json" "$work/"
cd "$work"
npm ci --no-audit --no-fund --ignore-scripts 2>/dev/null || npm install --no-audit --no-fund --ignore-scripts
version="$(node -p "require('plotly.js/package.json').version")"
# maplibre's CSS is required only when a "map" trace registers, which this bundle never does.
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --target=es2016 --loader:.css=empty --alias:country-iso-search=./no_country_names.js --alias:d3-geo-projection=./no_extra_projections.js \
  --legal-comments=external \
  --banner:js="/*! plotly.js v$version (MIT, see LICENSE) - custom bundle: lean core, choropleth, scattergeo, bar. Built by vendor/plotly/build.sh */" \
  --outfile="$here/plotly-samarbeidskartet.min.js"
cp node_modules/plotly.js/LICENSE "$here/LICENSE"
cp package-lock.json "$here/package-lock.json"
echo "built plotly.js $version: $(wc -c < "$here/plotly-samarbeidskartet.min.js") bytes"
