#!/usr/bin/env bash
# A throwaway Moodle 5.1 for trying Pollen against a real Moodle (and for the live specs' recipe):
#   - unpacks ../shared/moodle/moodle-*.tar.xz (or $POLLEN_MOODLE_ARCHIVE) into its data folder
#     ${POLLEN_MOODLE_DIR:-var/moodle} (source tree, moodledata, PostgreSQL data, logs), installing
#     once into ${POLLEN_MOODLE_TEMPLATE_DIR:-var/moodle-template} (~80 s; nothing goes to /tmp)
#   - starts its own PostgreSQL 15 cluster on 127.0.0.1:${POLLEN_MOODLE_DB_PORT:-<free port>}
#   - serves it with `php -d max_input_vars=5000 -S 127.0.0.1:${POLLEN_MOODLE_PORT:-<free port>}` in its own process group
#   - turns on REST web services and completion, adds a `pollen` service with every function
#     Pollen calls and an admin token, a demo course and learners learner1/learner2 (generator)
#   - prints the settings as KEY=value lines on stdout (MOODLE_URL, MOODLE_TOKEN, MOODLE_COURSE_ID)
# Idempotent while it runs. Stop and delete it with scripts/moodle/down.sh.
# Needs: php-cli php-pgsql php-intl php-xml php-mbstring php-curl php-zip php-gd php-soap php-opcache postgresql-15.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIR="${POLLEN_MOODLE_DIR:-$ROOT/var/moodle}"
mkdir -p "$DIR"
cd "$ROOT"
exec npx tsx "$HERE/cli.ts" up "$DIR"
