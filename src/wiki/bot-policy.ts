/**
 * Bot etiquette read from wikitext: the {{bots}}/{{nobots}} exclusion templates and the
 * emergency stop page.
 */

/** The text that keeps a stop page "running"; anything else on an existing stop page halts publishing. */
export const STOP_PAGE_RUNNING_TEXT = 'actif';

/** Default emergency stop page of a bot account: `Utilisateur:<bot user>/Arrêt`. */
export function defaultStopPage(botUserName: string): string {
  return `Utilisateur:${botUserName}/Arrêt`;
}

/**
 * The stop rule. Publishing is halted when the stop page EXISTS and its text, ignoring HTML
 * comments, spaces and case, is anything other than `actif`. So: no page, or a page saying
 * `actif`, lets the bot run; writing anything else (e.g. « arrêt : le robot casse les tableaux »)
 * stops it; deleting the page or writing `actif` back resumes it.
 */
export function isStopRequested(stopPage: { exists: boolean; content?: string }): boolean {
  if (!stopPage.exists) return false;
  const text = (stopPage.content ?? '').replace(/<!--[\s\S]*?-->/g, '').trim().toLowerCase();
  return text !== STOP_PAGE_RUNNING_TEXT;
}

function splitNames(value: string): string[] {
  return value.split(',').map((name) => name.trim().toLowerCase().replace(/_/g, ' ')).filter(Boolean);
}

/**
 * Whether the exclusion templates in `wikitext` let these bots edit (names compared without case;
 * pass the account name, e.g. `Robot`, and the framework name `Pollen`):
 * `{{nobots}}` denies every bot; `{{bots|deny=A,B}}` denies those listed (`all`: every bot);
 * `{{bots|allow=A,B}}` allows only those listed (`all`: every bot, `none`: no bot); `{{bots}}` allows.
 * When several templates are present, any denial wins.
 */
export function botsAllowed(wikitext: string, botNames: readonly string[]): boolean {
  const names = new Set(botNames.map((n) => n.toLowerCase().replace(/_/g, ' ')));
  const templates = wikitext.replace(/<!--[\s\S]*?-->/g, '').matchAll(/\{\{\s*(nobots|bots)\s*(\|[^{}]*)?\}\}/gi);
  for (const match of templates) {
    const kind = (match[1] ?? '').toLowerCase();
    const params = (match[2] ?? '').split('|').slice(1);
    if (kind === 'nobots') return false;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const key = param.slice(0, eq).trim().toLowerCase();
      const listed = splitNames(param.slice(eq + 1));
      const mentionsUs = listed.some((n) => names.has(n));
      if (key === 'deny' && (listed.includes('all') || mentionsUs)) return false;
      if (key === 'allow' && !(listed.includes('all') || mentionsUs)) return false;
    }
  }
  return true;
}
