#!/usr/bin/env bash
# Sets up a fresh Debian machine for Pollen: system packages (a real MediaWiki with PHP and
# SQLite, Chromium for the browser tests, a compiler for better-sqlite3), then npm ci and
# npm run build (dist/, what npm start and the bots run).
# Idempotent: installed packages are not fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(mediawiki php-cli php-sqlite3 curl chromium python3 make g++ ca-certificates)
# --tests: what the test suite needs besides: PostgreSQL 15 (the store specs also run on a throwaway
# PostgreSQL cluster the test set-up starts itself, never a system server) and the PHP extensions
# Moodle 5.1 needs (test/moodle-live installs a throwaway Moodle from ../shared/moodle), and nginx
# (test/replicas/nginx.test.ts runs the README's proxy configuration as its own process on loopback).
if [ "${1:-}" = "--tests" ]; then
  packages+=(postgresql-15 nginx php-pgsql php-intl php-xml php-mbstring php-curl php-zip php-gd php-soap php-opcache)
fi
# Installed, or provided by an installed package (php-opcache is a virtual package: php8.2-opcache).
# grep reads all its input (no -q): with pipefail, a writer cut off by an early grep exit would fail.
installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep 'install ok installed' >/dev/null && return 0
  dpkg-query -W -f='${Status}|${Provides}\n' 2>/dev/null | grep '^install ok installed|' | cut -d'|' -f2 |
    tr ',' '\n' | sed 's/ *(.*//; s/^ *//' | grep -x "$1" >/dev/null
}
missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci (better-sqlite3 builds from source, ~1 min)"
  npm ci --no-audit --no-fund
fi
# npm start and the bots run the compiled JavaScript (tsx stays for tests and `npm run dev`).
echo "setup: npm run build (TypeScript to dist/)"
npm run build --silent
echo "setup: done"
