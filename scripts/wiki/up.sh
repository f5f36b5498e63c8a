#!/usr/bin/env bash
# Brings up the local development wiki (npm run wiki:up; npm start runs it when WIKI_API_URL is unset).
#   - installs MediaWiki/PHP if missing (install.sh)
#   - creates the wiki once in ${POLLEN_WIKI_DIR:-var/wiki} (create.sh)
#   - serves it with `php -S 127.0.0.1:${POLLEN_WIKI_PORT:-8080}` in its own process group
#   - waits until the API answers, then prints the settings to use, as KEY=value lines on stdout
# Idempotent: when the wiki is already running, it only prints the settings.
# Safe to run several at once (two gateways started together on a fresh machine): they take turns
# on DIR/up.lock (flock), so the wiki is installed, created and started once; the others wait, then
# find it running and print the same settings.
# Stop it with scripts/wiki/down.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIR="${POLLEN_WIKI_DIR:-$ROOT/var/wiki}"
PORT="${POLLEN_WIKI_PORT:-8080}"
MW="${POLLEN_MEDIAWIKI_DIR:-/usr/share/mediawiki}"
SERVER="http://127.0.0.1:$PORT"
API="$SERVER/api.php"

# grep without -q reads the whole answer: with pipefail, curl cut off by an early grep exit would fail.
api_answers() {
  curl -fsS --max-time 2 "$API?action=query&meta=siteinfo&format=json" 2>/dev/null | grep '"generator"' >/dev/null
}

print_settings() {
  # shellcheck disable=SC1091
  . "$DIR/credentials.env"
  echo "WIKI_API_URL=$API"
  echo "WIKI_BOT_USER=$WIKI_BOT_USER"
  echo "WIKI_BOT_PASSWORD=$WIKI_BOT_PASSWORD"
}

# One up.sh at a time per wiki: held until this script exits (fd 9; the server does not inherit it).
LOCK_WAIT_SECONDS=600
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
exec 9> "$DIR/up.lock"
if ! flock -n 9; then
  echo "Another up.sh is bringing up the wiki in $DIR: waiting for it..." >&2
  if ! flock -w "$LOCK_WAIT_SECONDS" 9; then
    echo "up.sh: $DIR/up.lock still held after $LOCK_WAIT_SECONDS s by another up.sh; stop it or run again" >&2
    exit 1
  fi
fi

bash "$HERE/install.sh" >&2

if [ ! -f "$DIR/LocalSettings.php" ]; then
  echo "Creating the local wiki in $DIR..." >&2
  bash "$HERE/create.sh" "$DIR" >&2
fi

if [ -f "$DIR/php.pid" ] && kill -0 "$(cat "$DIR/php.pid")" 2>/dev/null && api_answers; then
  echo "The local wiki is already running at $SERVER" >&2
  print_settings
  exit 0
fi

# A server from an earlier run that does not answer here (other port, hung): stop it first.
if [ -f "$DIR/php.pid" ]; then
  kill -- -"$(cat "$DIR/php.pid")" 2>/dev/null || true
  rm -f "$DIR/php.pid"
fi

if api_answers || curl -s --max-time 2 -o /dev/null "$SERVER/" 2>/dev/null; then
  echo "up.sh: port $PORT is taken by another program; set POLLEN_WIKI_PORT to a free port" >&2
  exit 1
fi

MW_CONFIG_FILE="$DIR/LocalSettings.php" POLLEN_WIKI_SERVER="$SERVER" \
  setsid php -S "127.0.0.1:$PORT" -t "$MW" "$HERE/router.php" > "$DIR/server.log" 2>&1 < /dev/null 9>&- &
echo $! > "$DIR/php.pid"

for _ in $(seq 1 150); do
  if api_answers; then
    echo "The local wiki is running at $SERVER (logs: $DIR/server.log)" >&2
    print_settings
    exit 0
  fi
  if ! kill -0 "$(cat "$DIR/php.pid")" 2>/dev/null; then break; fi
  sleep 0.1
done
echo "up.sh: the wiki did not answer at $API; see $DIR/server.log" >&2
kill -- -"$(cat "$DIR/php.pid")" 2>/dev/null || true
rm -f "$DIR/php.pid"
exit 1
