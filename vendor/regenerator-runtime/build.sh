#!/usr/bin/env bash
# Rebuild runtime.min.js from the npm registry's regenerator-runtime (see README.md).
# Needs node + npm; run from anywhere. The result is committed, so the app never needs npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent regenerator-runtime@0.14.1 >/dev/null
tar xzf regenerator-runtime-0.14.1.tgz
# Minified only (no bundling, no wrapper): a classic script that sets the global regeneratorRuntime.
npx --yes esbuild@0.28.2 package/runtime.js --minify --legal-comments=none \
  --banner:js="/*! regenerator-runtime v0.14.1 (MIT, see LICENSE). Built by vendor/regenerator-runtime/build.sh */" \
  --outfile="$here/runtime.min.js"
cp package/LICENSE "$here/LICENSE"
echo "built regenerator-runtime 0.14.1: $(wc -c < "$here/runtime.min.js") bytes"
