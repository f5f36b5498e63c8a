#!/usr/bin/env bash
# Installs what a local MediaWiki needs (Debian/Ubuntu): MediaWiki 1.39, PHP CLI with SQLite, curl.
# Skips everything when php and /usr/share/mediawiki are already there.
set -euo pipefail

# Whether `php -m` lists pdo_sqlite. grep reads all of php's output (no -q): with pipefail, a grep
# that quits at the first match can kill php with SIGPIPE, fail the test and run apt-get for nothing.
has_pdo_sqlite() { php -m 2>/dev/null | grep -i '^pdo_sqlite$' >/dev/null; }

if command -v php >/dev/null 2>&1 && [ -d /usr/share/mediawiki ] \
   && has_pdo_sqlite && command -v curl >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install.sh: run as root (or install sudo) to install mediawiki php-cli php-sqlite3 curl" >&2
    exit 1
  fi
fi

echo "Installing MediaWiki, PHP and curl (apt-get)..." >&2
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  mediawiki php-cli php-sqlite3 curl

# apache2 comes along as a hard dependency of the package; nothing here needs it.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now apache2 >/dev/null 2>&1 || true
fi
