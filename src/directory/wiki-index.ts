/**
 * The directory's index on the wiki, split so no page grows with the network: the root page
 * `Annuaire` lists the régions (and « À distance ») with their counts; each has its page
 * `Annuaire par région/<Région>`, a sortable table of its listed providers. A région whose table
 * would pass INDEX_PAGE_MAX_BYTES is split by the name's first letter
 * (`Annuaire par région/<Région>/A`), and a letter still too big is cut in numbered parts
 * (`…/S (2)`). MediaWiki refuses pages over 2 MB by default; these stay under 100 kB.
 */
import { escapeWikitext } from '../wikitext/index.js';
import { PROVIDER_KINDS, SERVICES, type Provider } from './model.js';
import { regionsOf, territoryLabel } from './territories.js';

export const INDEX_PAGE = 'Annuaire';
export const REGION_INDEX_PREFIX = 'Annuaire par région/';
/** A list page's bound (UTF-8 bytes of its table rows): beyond it, split by letter, then in parts. */
export const INDEX_PAGE_MAX_BYTES = 100_000;
export const REMOTE_GROUP = 'À distance';
/** Providers whose territories name no région (should not happen; never dropped from the index). */
export const OTHER_GROUP = 'Autres territoires';
export const ROOT_CATEGORY = 'Annuaire des prestataires';

/** What the index shows of a provider: one table row, and where it is listed. */
export interface IndexEntry {
  /** Folded name, for the letter (see foldText). */
  nameKey: string;
  /** Groups it is listed under: its régions, « À distance ». */
  groups: string[];
  row: string;
}

export interface IndexPage {
  title: string;
  text: string;
  summary: string;
}

export function indexEntry(p: Provider, nameKey: string): IndexEntry {
  const groups = regionsOf(p.territories).map((r) => r.name);
  if (p.territories.includes('a-distance')) groups.push(REMOTE_GROUP);
  if (groups.length === 0) groups.push(OTHER_GROUP);
  const row = [
    '|-',
    `| [[${p.wikiTitle}|${escapeWikitext(p.name, { atLineStart: false })}]]`,
    `| ${PROVIDER_KINDS[p.kind]}`,
    `| ${p.services.map((s) => SERVICES[s]).join(', ')}`,
    `| ${p.territories.map((t) => escapeWikitext(territoryLabel(t), { atLineStart: false })).join(', ')}`,
    `| ${p.verifiedCount}`,
  ].join('\n');
  return { nameKey, groups, row };
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;

/** The letter a name is filed under: A-Z, or « 0-9 » for anything else. */
export function letterOf(nameKey: string): string {
  const first = nameKey.charAt(0).toUpperCase();
  return /^[A-Z]$/.test(first) ? first : '0-9';
}

export function groupPageTitle(group: string): string {
  return `${REGION_INDEX_PREFIX}${group}`;
}

function tableText(intro: string, rows: readonly string[], parent: { title: string; label: string }): string {
  return [
    intro,
    '',
    `${plural(rows.length, 'structure')} sur cette page. Retour à l’[[${parent.title}|${parent.label}]].`,
    '',
    '{| class="wikitable sortable"',
    '! Structure !! Type !! Services !! Territoires !! Recommandations vérifiées',
    ...rows,
    '|}',
    '',
    `[[Catégorie:${ROOT_CATEGORY}]]`,
  ].join('\n');
}

/** Consecutive parts of `rows`, each under the bound (a single oversized row stays alone). */
function parts(rows: readonly string[]): string[][] {
  const out: string[][] = [[]];
  let size = 0;
  for (const row of rows) {
    const n = bytes(row) + 1;
    if (size + n > INDEX_PAGE_MAX_BYTES && out.at(-1)!.length > 0) {
      out.push([]);
      size = 0;
    }
    out.at(-1)!.push(row);
    size += n;
  }
  return out;
}

/** A group's pages (one, or one per letter and part) and the root's lines for it. */
export function groupPages(group: string, entries: readonly IndexEntry[]): { pages: IndexPage[]; rootLines: string[] } {
  const title = groupPageTitle(group);
  const label = escapeWikitext(group, { atLineStart: false });
  const intro = group === REMOTE_GROUP
    ? 'Structures recommandées qui accompagnent les associations à distance.'
    : `Structures recommandées qui interviennent en ${label} (tout ou partie de la région).`;
  const summary = (n: number) => `Annuaire : ${group}, ${plural(n, 'structure')} (robot Pollen)`;
  const rows = entries.map((e) => e.row);
  const rootLine = `* [[${title}|${label}]] : ${plural(entries.length, 'structure')}`;
  const root = { title: INDEX_PAGE, label: 'annuaire' };
  if (rows.reduce((n, r) => n + bytes(r) + 1, 0) <= INDEX_PAGE_MAX_BYTES) {
    return { pages: [{ title, text: tableText(intro, rows, root), summary: summary(rows.length) }], rootLines: [rootLine] };
  }
  const byLetter = new Map<string, string[]>();
  for (const e of entries) {
    const letter = letterOf(e.nameKey);
    const list = byLetter.get(letter);
    if (list) list.push(e.row);
    else byLetter.set(letter, [e.row]);
  }
  const letterLinks: string[] = [];
  const pages: IndexPage[] = [];
  for (const [letter, letterRows] of [...byLetter].sort(([a], [b]) => a.localeCompare(b))) {
    const cut = parts(letterRows);
    cut.forEach((partRows, i) => {
      const name = cut.length > 1 ? `${letter} (${i + 1})` : letter;
      const partTitle = `${title}/${name}`;
      letterLinks.push(`[[${partTitle}|${name}]] (${partRows.length})`);
      pages.push({ title: partTitle, text: tableText(`${intro} Noms commençant par ${letter}${cut.length > 1 ? `, partie ${i + 1} sur ${cut.length}` : ''}.`, partRows, { title, label: group }), summary: summary(partRows.length) });
    });
  }
  const groupText = [intro, '', `${plural(entries.length, 'structure')}, par initiale :`, '', ...letterLinks.map((l) => `* ${l}`), '', `Retour à l’[[${INDEX_PAGE}|annuaire]].`, '', `[[Catégorie:${ROOT_CATEGORY}]]`].join('\n');
  return { pages: [{ title, text: groupText, summary: summary(entries.length) }, ...pages], rootLines: [rootLine, `** ${letterLinks.join(' · ')}`] };
}

/** The groups of the index, in the root's order (régions by name, then « À distance »), with their entries. */
export function indexGroups(entries: readonly IndexEntry[]): Array<[string, IndexEntry[]]> {
  const groups = new Map<string, IndexEntry[]>();
  for (const e of entries) {
    for (const g of e.groups) {
      const list = groups.get(g);
      if (list) list.push(e);
      else groups.set(g, [e]);
    }
  }
  const collator = new Intl.Collator('fr');
  const order = [...groups.keys()].filter((g) => g !== REMOTE_GROUP && g !== OTHER_GROUP).sort(collator.compare);
  for (const g of [REMOTE_GROUP, OTHER_GROUP]) if (groups.has(g)) order.push(g);
  return order.map((g) => [g, groups.get(g)!]);
}

/** The root page `Annuaire`: the count and each group's lines (see groupPages). */
export function rootPage(total: number, rootLines: readonly string[]): IndexPage {
  const text = [
    'Structures (hébergeurs CHATONS, entreprises du libre, associations) recommandées par des associations après un ou plusieurs projets réussis, vérifiés par l’équipe d’animation à l’aide d’un questionnaire de critères vérifiables. Cette page est tenue à jour par le robot Pollen.',
    '',
    `${plural(total, 'structure')} ${total > 1 ? 'référencées' : 'référencée'}. Une structure qui intervient dans plusieurs régions figure dans chacune.`,
    '',
    '== Par région ==',
    ...rootLines,
    '',
    `[[Catégorie:${ROOT_CATEGORY}]]`,
  ].join('\n');
  return { title: INDEX_PAGE, text, summary: `Annuaire : liste des ${total} structures recommandées (robot Pollen)` };
}

/** Every index page at once: each group's pages, then the root. `entries` in name order. */
export function indexPages(entries: readonly IndexEntry[]): IndexPage[] {
  const pages: IndexPage[] = [];
  const rootLines: string[] = [];
  for (const [group, list] of indexGroups(entries)) {
    const built = groupPages(group, list);
    pages.push(...built.pages);
    rootLines.push(...built.rootLines);
  }
  return [...pages, rootPage(entries.length, rootLines)];
}

/** An index page the bot published before that has no structure now. */
export function emptyIndexPageText(): string {
  return `Aucune structure référencée ici pour l’instant. Voir l’[[${INDEX_PAGE}|annuaire]].\n\n[[Catégorie:${ROOT_CATEGORY}]]`;
}
