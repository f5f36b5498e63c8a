#!/usr/bin/env bash
# Stops the throwaway Moodle started by up.sh (web server and PostgreSQL cluster) and deletes its folder.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIR="${POLLEN_MOODLE_DIR:-$ROOT/var/moodle}"
cd "$ROOT"
exec npx tsx "$HERE/cli.ts" down "$DIR"
