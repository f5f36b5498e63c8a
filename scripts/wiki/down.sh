#!/usr/bin/env bash
# Stops the local development wiki started by up.sh (kills its whole process group).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIR="${POLLEN_WIKI_DIR:-$ROOT/var/wiki}"
PIDFILE="$DIR/php.pid"

if [ ! -f "$PIDFILE" ]; then
  echo "The local wiki is not running (no $PIDFILE)." >&2
  exit 0
fi
PID="$(cat "$PIDFILE")"
if kill -0 "$PID" 2>/dev/null; then
  kill -TERM -- -"$PID" 2>/dev/null || kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- -"$PID" 2>/dev/null || true
  echo "The local wiki is stopped." >&2
else
  echo "The local wiki was not running." >&2
fi
rm -f "$PIDFILE"
