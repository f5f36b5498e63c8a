/**
 * What the notes bot writes besides the note itself: French edit summaries, the draft subpage
 * holding its version of a page a person changed, page URLs, the plan for one page and the
 * dry-run diff.
 */
import { OMIT_HEADERS, createTwoFilesPatch } from 'diff';
import type { WikiPage } from '../wiki/pages.js';
import { planPublication } from '../wiki/publish.js';
import { de } from '../text/french.js';

/** Subpage where the bot writes its version of a note page a person has changed. */
export const DRAFT_SUFFIX = 'Brouillon du robot';
const SIGNATURE = '(robot Pollen)';
/** Names the {{bots}} templates may use for this bot, besides the account name. */
export const BOT_ALIASES = ['Pollen'];

/** `<page>/Brouillon du robot`. */
export function draftTitle(pageTitle: string): string {
  return `${pageTitle}/${DRAFT_SUFFIX}`;
}

/** MediaWiki drops trailing whitespace on save; compare the way it stores. */
export function storedForm(text: string): string {
  return text.replace(/\s+$/u, '');
}

/** « Camille », « Camille et Yanis », « Camille, Yanis et Aïcha »; link and template markup removed. */
function names(list: readonly string[]): string {
  const clean = list.map((n) => n.replace(/\[\[|\]\]|\{\{|\}\}|[\n|]/g, ' ').replace(/\s+/g, ' ').trim()).filter(Boolean);
  if (clean.length === 0) return '';
  if (clean.length === 1) return clean[0] ?? '';
  return `${clean.slice(0, -1).join(', ')} et ${clean[clean.length - 1]}`;
}

function clip(summary: string): string {
  // MediaWiki truncates summaries at 500 bytes; keep the signature visible.
  if (Buffer.byteLength(summary) <= 480) return summary;
  let head = summary.slice(0, 400);
  while (Buffer.byteLength(`${head}… ${SIGNATURE}`) > 480) head = head.slice(0, -10);
  return `${head}… ${SIGNATURE}`;
}

/** « Compte-rendu publié depuis les notes de Camille et Yanis (robot Pollen) ». */
export function noteEditSummary(facilitators: readonly string[], update: boolean): string {
  const who = names(facilitators);
  const verb = update ? 'mis à jour' : 'publié';
  return clip(`Compte-rendu ${verb} depuis ${who ? `les notes ${de(who)}` : 'les notes de l’atelier'} ${SIGNATURE}`);
}

/** Summary of a draft subpage edit. */
export function draftEditSummary(pageTitle: string): string {
  return clip(`Nouvelle version du compte-rendu « ${pageTitle} », la page ayant été modifiée à la main ${SIGNATURE}`);
}

export const TEMPLATE_EDIT_SUMMARY = `Modèle des comptes-rendus publié ${SIGNATURE}`;

/** Reason of the move of a note's page to its new title (history and move log). */
export function moveSummary(from: string, to: string): string {
  return clip(`Compte-rendu renommé de « ${from} » en « ${to} » : la note a changé de titre ou de date ${SIGNATURE}`);
}

/** Summary of the notice left on a note's old page, which a person had changed. */
export function renameNoticeSummary(to: string): string {
  return clip(`Renvoi vers « ${to} », la nouvelle page de ce compte-rendu ${SIGNATURE}`);
}

/** First line of that notice: a page holding it already points to `to`. */
export function renameNoticeLine(to: string): string {
  return `'''Ce compte-rendu a une nouvelle page : [[${to}]].'''`;
}

/**
 * The old page, as it was left, under a notice pointing to the note's new page. `why`: the page
 * was changed by someone else since the bot's last save (`edited`), or the new title was already
 * a page (`taken`).
 */
export function renameNoticeText(to: string, currentText: string, why: 'edited' | 'taken'): string {
  const because = why === 'edited'
    ? 'Cette page ayant été modifiée depuis par quelqu’un d’autre que le robot Pollen, elle n’a pas été renommée'
    : 'La nouvelle page existant déjà, celle-ci n’a pas été renommée';
  const notice =
    `${renameNoticeLine(to)} La note a changé de titre ou de date depuis sa publication. ${because} : elle est ` +
    'laissée telle quelle, et la version à jour de la note est sur la nouvelle page.';
  return `${notice}\n----\n${currentText}`;
}

/**
 * The bot's new version of a page someone changed, for them to compare: a notice, then the
 * note's wikitext with its categories made plain links, so the draft joins no category.
 */
export function draftText(pageTitle: string, wikitext: string): string {
  const notice =
    `'''Brouillon du robot Pollen.''' La dernière modification de la page [[${pageTitle}]] n’est pas celle du ` +
    'robot, qui ne l’a donc pas écrasée. Voici la nouvelle version de la note : comparez-la avec la ' +
    'page et reportez-y ce qui doit l’être. Ce brouillon est mis à jour à chaque nouvelle version de la note.';
  return `${notice}\n----\n${wikitext.replace(/\[\[\s*(Catégorie|Category)\s*:/giu, '[[:$1:')}`;
}

/** Reader URL of a page from the wiki's `server` and `articlePath` (`/index.php/$1`). */
export function pageUrl(site: { server: string; articlePath: string }, title: string): string {
  const encoded = encodeURIComponent(title.replace(/ /g, '_')).replace(/%2F/g, '/').replace(/%3A/g, ':');
  const server = site.server.startsWith('//') ? `https:${site.server}` : site.server;
  return `${server}${site.articlePath.replace('$1', encoded)}`;
}

export type NotePageAction = 'create' | 'update' | 'unchanged' | 'conflict' | 'skipped-nobots';

export interface NotePagePlan {
  action: NotePageAction;
  lastEditor?: string;
  reason?: string;
}

/**
 * What publishing would do to the page, from a read of it: `planPublication`, the rules
 * `publishPage` re-checks right before the edit, so that notes with nothing to do cost no call.
 * `botRevision`: the revision the bot last saved there for this note (the queue keeps it).
 */
export function planNotePage(current: WikiPage | undefined, text: string, botUser: string, botRevision?: number): NotePagePlan {
  const plan = planPublication(current, text, botUser, BOT_ALIASES, [], botRevision);
  if (plan.action === 'skipped-nobots') return { ...plan, reason: `${plan.reason ?? ''} Elle est laissée telle quelle.`.trim() };
  return { action: plan.action, ...(plan.reason ? { reason: plan.reason } : {}), ...(plan.lastEditor ? { lastEditor: plan.lastEditor } : {}) };
}

/** Unified diff, current page against the note's version, or undefined when they are the same. */
export function noteDiff(title: string, currentText: string, newText: string): string | undefined {
  const before = `${storedForm(currentText)}\n`;
  const after = `${storedForm(newText)}\n`;
  if (before === after) return undefined;
  // The diff package quotes non-ASCII names git-style ("s\303\251curit\303\251"): the header is
  // written here so French titles stay readable.
  const hunks = createTwoFilesPatch(title, title, before, after, undefined, undefined, { context: 3, headerOptions: OMIT_HEADERS });
  return `--- ${title}\tpage actuelle\n+++ ${title}\tnouvelle version\n${hunks}`;
}
