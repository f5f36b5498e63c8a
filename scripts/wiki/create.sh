#!/usr/bin/env bash
# Builds a fresh, relocatable MediaWiki in DIR (SQLite under DIR/data), ready for Pollen's bot.
#
#   scripts/wiki/create.sh DIR
#
# Result in DIR:
#   LocalSettings.php  reads $wgServer from POLLEN_WIKI_SERVER, data from DIR/data, lag from DIR/lag
#   credentials.env    WIKI_BOT_USER / WIKI_BOT_PASSWORD (bot, BotPassword Robot@sync) and
#                      WIKI_ADMIN_USER / WIKI_ADMIN_PASSWORD (non-bot sysop, BotPassword Admin@human)
# Serve it with: MW_CONFIG_FILE=DIR/LocalSettings.php php -S 127.0.0.1:PORT -t /usr/share/mediawiki router.php
# Copy it with `cp -a`: nothing in it depends on its path or port.
set -euo pipefail

DIR="${1:?usage: create.sh DIR}"
MW="${POLLEN_MEDIAWIKI_DIR:-/usr/share/mediawiki}"
SITENAME="Wiki des communs"

if [ -e "$DIR/LocalSettings.php" ]; then
  echo "create.sh: $DIR already holds a wiki" >&2
  exit 1
fi
mkdir -p "$DIR/data" "$DIR/images"
DIR="$(cd "$DIR" && pwd)"

rand_hex() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
ADMIN_PASS="Admin-$(rand_hex)"
BOT_SECRET="$(rand_hex)"       # BotPassword secrets are exactly 32 characters
HUMAN_SECRET="$(rand_hex)"

if ! php "$MW/maintenance/install.php" --dbtype sqlite --dbpath "$DIR/data" --dbname wikidb \
  --server "http://127.0.0.1:8080" --scriptpath "" --confpath "$DIR" --lang fr \
  --pass "$ADMIN_PASS" --skins Vector "$SITENAME" Admin > "$DIR/install.log" 2>&1; then
  echo "create.sh: install.php failed, see $DIR/install.log" >&2
  exit 1
fi

# Make the wiki relocatable: no absolute path, no fixed port.
# (in place: the cache settings that follow the data dir in LocalSettings.php read it.)
sed -i \
  -e 's|^\$wgSQLiteDataDir\s*=.*|$wgSQLiteDataDir = __DIR__ . "/data";|' \
  -e 's|^\$wgServer\s*=.*|$wgServer = getenv( "POLLEN_WIKI_SERVER" ) ?: "http://127.0.0.1:8080";|' \
  "$DIR/LocalSettings.php"
grep -q '^\$wgSQLiteDataDir = __DIR__' "$DIR/LocalSettings.php" \
  || { echo "create.sh: unexpected LocalSettings.php layout (wgSQLiteDataDir)" >&2; exit 1; }
cat >> "$DIR/LocalSettings.php" <<'PHP'

## --- Pollen: local wiki settings (scripts/wiki/create.sh) ---
$wgUploadDirectory = __DIR__ . "/images";
$wgArticlePath = "/wiki/$1";
# Pollen's logo (served by router.php) as the skin's icon beside the site name: no placeholder,
# nothing overlapping the title on a phone.
$wgLogos = [ '1x' => "/pollen-logo.svg", 'icon' => "/pollen-logo.svg" ];
# Bots edit fast: without noratelimit, 'ratelimited' after ~90 edits a minute.
$wgGroupPermissions['bot']['noratelimit'] = true;
wfLoadExtension( 'ParserFunctions', "$IP/extensions-core/ParserFunctions/extension.json" );
# maxlag never fires on a single database. Tests simulate replication lag by writing a number of
# seconds into the file "lag" next to this file; the API then answers error code "maxlag".
$wgHooks['ApiMaxLagInfo'][] = static function ( &$lagInfo ) {
	$file = __DIR__ . '/lag';
	if ( is_file( $file ) ) {
		$lag = (float)trim( (string)file_get_contents( $file ) );
		if ( $lag > $lagInfo['lag'] ) {
			$lagInfo = [ 'host' => 'pollen-simulated', 'lag' => $lag, 'type' => 'db' ];
		}
	}
};
PHP

export MW_CONFIG_FILE="$DIR/LocalSettings.php"
if ! {
  php "$MW/maintenance/createAndPromote.php" --bot Robot "Robot-$(rand_hex)"
  php "$MW/maintenance/createBotPassword.php" --appid sync \
    --grants basic,highvolume,editpage,createeditmovepage,delete,protect Robot "$BOT_SECRET"
  php "$MW/maintenance/createBotPassword.php" --appid human \
    --grants basic,editpage,createeditmovepage Admin "$HUMAN_SECRET"
  php "$MW/maintenance/addChangeTag.php" --tag pollen --reason "Modification faite par un robot Pollen"
} 2>&1 | sed -E 's/password:.*/password: [redacted]/' >> "$DIR/install.log"; then
  echo "create.sh: setup failed, see $DIR/install.log" >&2
  exit 1
fi

umask 077
cat > "$DIR/credentials.env" <<ENV
WIKI_BOT_USER=Robot@sync
WIKI_BOT_PASSWORD=$BOT_SECRET
WIKI_ADMIN_USER=Admin@human
WIKI_ADMIN_PASSWORD=$HUMAN_SECRET
ENV
echo "$ADMIN_PASS" > "$DIR/admin-password"
echo "create.sh: wiki ready in $DIR" >&2
