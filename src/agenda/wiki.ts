/**
 * The agenda on the wiki: an `Agenda` page (upcoming and past public sessions, each past one
 * with its minutes) and, per module with sessions, a `<module page>/Sessions` subpage that the
 * module's page transcludes. Published with the bots' etiquette (src/wiki/publish.ts): an
 * unchanged agenda costs one batched read and no edit; a human edit is never overwritten.
 */
import { escapeWikitext, sanitizeExternalUrl } from '../wikitext/index.js';
import type { PublishOutcome, WikiClient } from '../wiki/index.js';
import { mapInSteps, yieldToEventLoop } from '../jobs/steps.js';
import { publishPagesEach, type PublishFailure } from '../wiki/publish-each.js';
import type { AgendaSession } from './model.js';
import type { AgendaModule, AgendaService } from './service.js';
import { DEFAULT_TIME_ZONE } from './time.js';

export const AGENDA_PAGE = 'Agenda';
/** Subpage of a module's page listing its sessions. */
export const MODULE_SESSIONS_SUBPAGE = 'Sessions';

const cell = (value: string) => escapeWikitext(value, { context: 'templateValue', atLineStart: false });

/** `[[Title|label]]`, or `[[Title#anchor|label]]`; a title wikitext cannot hold gives the label alone. */
function link(title: string, label: string, anchor?: string): string {
  if (/[[\]{}|#<>]/.test(title) || (anchor !== undefined && !/^[\w-]+$/.test(anchor))) return cell(label);
  if (anchor) return `[[${title}#${anchor}|${cell(label)}]]`;
  return `[[${title.includes(':') ? ':' : ''}${title}|${cell(label)}]]`;
}

function externalLink(url: string, label: string): string {
  const safe = sanitizeExternalUrl(url);
  return safe ? `[${safe} ${cell(label)}]` : cell(label);
}

/** Formatters per zone: making one costs about as much as formatting a thousand dates. */
const formatters = new Map<string, { day: Intl.DateTimeFormat; hour: Intl.DateTimeFormat }>();
function formattersFor(zone: string): { day: Intl.DateTimeFormat; hour: Intl.DateTimeFormat } {
  let f = formatters.get(zone);
  if (!f) {
    f = {
      day: new Intl.DateTimeFormat('fr-FR', { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
      hour: new Intl.DateTimeFormat('fr-FR', { timeZone: zone, hour: '2-digit', minute: '2-digit' }),
    };
    formatters.set(zone, f);
  }
  return f;
}

/** « jeudi 12 mars 2026, 14:00 – 17:00 » in the session's zone (its zone named when not Paris). */
export function frenchWhen(session: Pick<AgendaSession, 'startsAt' | 'endsAt' | 'timeZone'>): string {
  const zone = session.timeZone;
  const { day, hour } = formattersFor(zone);
  const start = new Date(session.startsAt);
  const end = new Date(session.endsAt);
  const sameDay = day.format(start) === day.format(end);
  const text = sameDay
    ? `${day.format(start)}, ${hour.format(start)} – ${hour.format(end)}`
    : `du ${day.format(start)}, ${hour.format(start)} au ${day.format(end)}, ${hour.format(end)}`;
  return zone === DEFAULT_TIME_ZONE ? text : `${text} (heure ${zone})`;
}

function place(s: AgendaSession): string {
  if (s.place.onlineUrl) return `${externalLink(s.place.onlineUrl, 'En ligne')}${s.place.address ? ` et ${cell(s.place.address)}` : ''}`;
  return cell(s.place.address ?? '');
}

function statusText(s: AgendaSession): string {
  if (s.status === 'cancelled') return '<s>annulée</s>';
  return s.status === 'done' ? 'a eu lieu' : 'prévue';
}

/** `<public>/agenda/sessions/<id>`: the session's page with its registration form; null without a safe public address. */
export function sessionPageUrl(publicUrl: string | undefined, session: Pick<AgendaSession, 'id'>): string | null {
  if (!publicUrl) return null;
  return sanitizeExternalUrl(`${publicUrl.replace(/\/+$/, '')}/agenda/sessions/${session.id}`);
}

/** The session's title, linked to its page (where people register) when the public address is known. */
function titleCell(s: AgendaSession, publicUrl: string | undefined): string {
  if (s.status === 'cancelled') return `<s>${cell(s.title)}</s> (annulée)`;
  const url = sessionPageUrl(publicUrl, s);
  return url ? externalLink(url, s.title) : cell(s.title);
}

function row(s: AgendaSession, modules: ReadonlyMap<string, AgendaModule>, past: boolean, publicUrl: string | undefined): string {
  const module = s.moduleSlug ? modules.get(s.moduleSlug) : undefined;
  const title = titleCell(s, publicUrl);
  const cells = [
    cell(frenchWhen(s)),
    title,
    module ? link(module.wikiPage, module.title) : '—',
    place(s),
    s.facilitators.length ? cell(s.facilitators.join(', ')) : '—',
    past
      ? s.status === 'cancelled' ? '—' : s.minutesTitle ? link(s.minutesTitle, 'compte rendu') : "''compte rendu à venir''"
      : s.status === 'cancelled' ? statusText(s) : `${s.capacity} places`,
  ];
  return `|- id="session-${s.id}"\n| ${cells.join(' || ')}`;
}

function table(rows: readonly string[], past: boolean): string {
  if (rows.length === 0) return past ? "''Aucune session passée.''" : "''Aucune session prévue pour l’instant.''";
  return [
    '{| class="wikitable"',
    `! Date !! Session !! Module !! Lieu !! Animation !! ${past ? 'Compte rendu' : 'Capacité'}`,
    ...rows,
    '|}',
  ].join('\n');
}

export interface AgendaPageOptions {
  /** The gateway's public address (POLLEN_PUBLIC_URL), e.g. `https://pollen.example.org`: the feeds are linked. Unset: no link. */
  publicUrl?: string | undefined;
  /**
   * Awaited between steps of 100 sessions while the pages are rendered (default: the event loop
   * is handed back): a national agenda of 1,000 sessions rendered in one go held every request
   * for about 100 ms.
   */
  pause?: () => Promise<void>;
}

/** `<public>/agenda.ics`, or a module's `<public>/agenda/modules/<slug>.ics`; null when there is no safe public address. */
export function feedUrl(publicUrl: string | undefined, moduleSlug?: string): string | null {
  if (!publicUrl) return null;
  const base = publicUrl.replace(/\/+$/, '');
  return sanitizeExternalUrl(moduleSlug ? `${base}/agenda/modules/${encodeURIComponent(moduleSlug)}.ics` : `${base}/agenda.ics`);
}

/** The subscription links: the whole agenda, then each module with public sessions. */
function feedLinks(sessions: readonly AgendaSession[], modules: ReadonlyMap<string, AgendaModule>, publicUrl: string | undefined): string {
  const all = feedUrl(publicUrl);
  if (!all) return '';
  const slugs = [...new Set(sessions.flatMap((s) => (s.moduleSlug && modules.has(s.moduleSlug) ? [s.moduleSlug] : [])))].sort();
  const perModule = slugs.flatMap((slug) => {
    const url = feedUrl(publicUrl, slug);
    return url ? [`* [${url} ${cell(`Sessions du module « ${modules.get(slug)!.title} » (iCal)`)}]`] : [];
  });
  return [
    `== S’abonner ==\n[${all} ${cell('S’abonner à l’agenda (iCal)')}] : à ajouter dans Thunderbird, Nextcloud ou OpenAgenda pour recevoir les sessions et leurs changements.`,
    ...(perModule.length ? [`Par module :\n${perModule.join('\n')}`] : []),
  ].join('\n\n');
}

const split = (sessions: readonly AgendaSession[], now: Date) => ({
  upcoming: sessions.filter((s) => Date.parse(s.endsAt) >= now.getTime()),
  past: sessions.filter((s) => Date.parse(s.endsAt) < now.getTime()).reverse(),
});

/** The `Agenda` page. Deterministic: same sessions and same side of `now` → same text. */
export async function renderAgendaPage(sessions: readonly AgendaSession[], modules: ReadonlyMap<string, AgendaModule>, now: Date, options: AgendaPageOptions = {}): Promise<string> {
  const { upcoming, past } = split(sessions, now);
  const rows = (list: readonly AgendaSession[], isPast: boolean) => mapInSteps(list, (s) => row(s, modules, isPast, options.publicUrl), { pause: options.pause });
  return [
    '<!-- Page publiée par le robot Pollen depuis son agenda. Une modification faite à la main est conservée : le robot ne l’écrase pas et la signale. -->' +
      'Ateliers et sessions de formation du réseau, à venir et passés. Chaque session passée renvoie à son compte rendu.',
    `== Sessions à venir ==\n${table(await rows(upcoming, false), false)}`,
    `== Sessions passées ==\n${table(await rows(past, true), true)}`,
    feedLinks(sessions, modules, options.publicUrl),
    '[[Catégorie:Agenda]]',
  ].filter(Boolean).join('\n\n');
}

/** A module's `…/Sessions` subpage: its public sessions, each linked to its row of the Agenda. */
export async function renderModuleSessions(sessions: readonly AgendaSession[], now: Date, feed?: string | null, options: AgendaPageOptions = {}): Promise<string> {
  const { publicUrl } = options;
  const { upcoming, past } = split(sessions, now);
  const page = (s: AgendaSession) => {
    const url = s.status === 'cancelled' ? null : sessionPageUrl(publicUrl, s);
    return url ? ` (${externalLink(url, Date.parse(s.startsAt) > now.getTime() ? 'détails et inscription' : 'détails')})` : '';
  };
  const item = (s: AgendaSession) =>
    `* ${link(AGENDA_PAGE, `${frenchWhen(s)} : ${s.title}`, `session-${s.id}`)}${page(s)}` +
    (s.status === 'cancelled' ? ' (annulée)' : s.minutesTitle ? ` — ${link(s.minutesTitle, 'compte rendu')}` : '');
  const upcomingItems = await mapInSteps(upcoming, item, { pause: options.pause });
  const pastItems = await mapInSteps(past, item, { pause: options.pause });
  return [
    '<!-- Liste publiée par le robot Pollen depuis son agenda ; elle est affichée sur la page du module. -->' +
      `'''Prochaines sessions''' :\n${upcomingItems.length ? upcomingItems.join('\n') : "''aucune pour l’instant''"}`,
    pastItems.length ? `'''Sessions passées''' :\n${pastItems.join('\n')}` : '',
    feed ? `[${feed} ${cell('S’abonner aux sessions de ce module (iCal)')}]` : '',
  ].filter(Boolean).join('\n\n');
}

export interface AgendaPublication {
  outcomes: PublishOutcome[];
  /** Pages the wiki refused (French reasons); the other pages went out all the same. */
  failures: PublishFailure[];
  /** Pages created or updated (0 when nothing changed). */
  edits: number;
}

/** Publishes the Agenda page and the modules' Sessions subpages in one batched run. */
export async function publishAgenda(client: WikiClient, service: AgendaService, options: AgendaPageOptions & { dryRun?: boolean } = {}): Promise<AgendaPublication> {
  const now = service.now();
  const { sessions } = await service.list({ includePrivate: false, limit: 5000 });
  // The read (synchronous on SQLite) and the rendering do not hold the loop together.
  await (options.pause ?? yieldToEventLoop)();
  const byModule = new Map<string, AgendaSession[]>();
  for (const s of sessions) {
    if (!s.moduleSlug || !service.modules.has(s.moduleSlug)) continue;
    const list = byModule.get(s.moduleSlug);
    if (list) list.push(s);
    else byModule.set(s.moduleSlug, [s]);
  }
  const requests = [{ title: AGENDA_PAGE, text: await renderAgendaPage(sessions, service.modules, now, options), summary: 'Agenda : mise à jour des sessions (robot Pollen)' }];
  for (const [slug, list] of byModule) {
    const module = service.modules.get(slug)!;
    requests.push({ title: `${module.wikiPage}/${MODULE_SESSIONS_SUBPAGE}`, text: await renderModuleSessions(list, now, feedUrl(options.publicUrl, slug), options), summary: `Agenda : sessions du module « ${module.title} » (robot Pollen)` });
  }
  const dryRun = options.dryRun === true;
  const results = await publishPagesEach(client, requests.map((r) => ({ ...r, dryRun })));
  const outcomes = results.filter((o): o is PublishOutcome => o.status !== 'failed');
  const failures = results.filter((o): o is PublishFailure => o.status === 'failed');
  return { outcomes, failures, edits: outcomes.filter((o) => !o.dryRun && (o.status === 'created' || o.status === 'updated')).length };
}
