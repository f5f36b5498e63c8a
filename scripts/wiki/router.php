<?php
// Router for `php -S`: serves MediaWiki's entry points and static files as they are, and sends
// /wiki/Title (including titles whose last segment has a dot, e.g. /wiki/Version_1.2) to index.php.
$path = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) ?: '/';
$docroot = $_SERVER['DOCUMENT_ROOT'];
if ( strncmp( $path, '/wiki/', 6 ) === 0 ) {
	$_GET['title'] = rawurldecode( substr( $path, 6 ) );
	$_REQUEST['title'] = $_GET['title'];
	$_SERVER['SCRIPT_NAME'] = '/index.php';
	$_SERVER['SCRIPT_FILENAME'] = $docroot . '/index.php';
	$_SERVER['PHP_SELF'] = '/index.php';
	chdir( $docroot );
	require $docroot . '/index.php';
	return true;
}
// Pollen's logo lives beside this router, not in MediaWiki's install folder.
if ( $path === '/pollen-logo.svg' ) {
	header( 'Content-Type: image/svg+xml' );
	header( 'Cache-Control: max-age=86400' );
	readfile( __DIR__ . '/pollen-logo.svg' );
	return true;
}
if ( $path !== '/' && is_file( $docroot . $path ) ) {
	return false;
}
if ( $path === '/' ) {
	header( 'Location: /index.php' );
	return true;
}
return false;
