/** `https://host/w/api.php` + `Ma page` -> `https://host/w/index.php?title=Ma_page` (the page as people read it). */
export function wikiPageUrl(apiUrl: string, title: string): string {
  const base = apiUrl.replace(/api\.php(?:\?.*)?$/, 'index.php');
  return `${base}?title=${encodeURIComponent(title.replace(/ /g, '_'))}`;
}
