/**
 * Contacts and accompaniment projects. From its diagnostic's answer page an association writes to
 * a listed structure: the structure gets the diagnostic's summary by mail with a private link,
 * the association's address only when it chose to share it. The pair then opens a project
 * (states: contact → ouvert → en cours → terminé, or abandonné) whose milestones either side
 * records with a date and a note; every change is kept as an event. Each side reaches the
 * project through its own private link (random tokens whose hashes alone are stored; the
 * association's is derived from its diagnostic's token, so the answer page links to it again).
 * When the association marks the project done, it is invited (page and mail) to recommend the
 * structure with the directory's questionnaire; the recommendation then names the project.
 */
import { le } from '../../text/french.js';
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { hashToken } from '../../auth/tokens.js';
import type { Provider } from '../../directory/model.js';
import { territoryLabel } from '../../directory/territories.js';
import { queueMails } from '../../mail/outbox.js';
import { tables, type StoreDb } from '../../store/database.js';
import { withIdColumn, type Migration } from '../../store/migrations.js';
import { writeTransaction } from '../../store/transaction.js';
import type { Need } from '../alternatives.js';
import { BOTHERS, namedNeeds, SIZES, TOOL_STATES, type Diagnostic } from '../service.js';
import {
  eventLabel, frenchDay, MILESTONES, PROJECT_STATES, ProjectError,
  type MilestoneId, type Project, type ProjectEvent, type ProjectEventKind, type ProjectState, type Side,
} from './model.js';

export const projectMigrations: Migration[] = [
  {
    id: 'matchmaking/002-projects',
    async up(db, dialect) {
      // The needs each diagnostic named, one row each: the facilitators' counts are one GROUP BY.
      await db.schema.createTable('matchmaking_diagnostic_needs')
        .addColumn('diagnostic_id', 'integer', (c) => c.notNull().references('matchmaking_diagnostics.id').onDelete('cascade'))
        .addColumn('need', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('matchmaking_diagnostic_needs_pk', ['diagnostic_id', 'need'])
        .execute();
      await db.schema.createIndex('matchmaking_diagnostic_needs_need').on('matchmaking_diagnostic_needs').column('need').execute();
      await db.schema.createIndex('matchmaking_diagnostics_territory').on('matchmaking_diagnostics').column('territory').execute();
      const rows = await db.selectFrom('matchmaking_diagnostics').select(['id', 'answers']).execute() as Array<{ id: number; answers: string }>;
      for (const row of rows) {
        for (const need of namedNeeds(JSON.parse(row.answers) as Diagnostic)) {
          await db.insertInto('matchmaking_diagnostic_needs').values({ diagnostic_id: Number(row.id), need }).execute();
        }
      }
      await withIdColumn(db.schema.createTable('matchmaking_projects'), dialect)
        .addColumn('association_token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('provider_token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('diagnostic_id', 'integer')
        .addColumn('provider_id', 'integer', (c) => c.notNull())
        .addColumn('association_name', 'text', (c) => c.notNull())
        .addColumn('association_email', 'text', (c) => c.notNull())
        .addColumn('share_email', 'integer', (c) => c.notNull())
        .addColumn('territory', 'text', (c) => c.notNull())
        .addColumn('needs', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text')
        .addColumn('done_at', 'text')
        .execute();
      await db.schema.createIndex('matchmaking_projects_state').on('matchmaking_projects').column('state').execute();
      await db.schema.createIndex('matchmaking_projects_diagnostic').on('matchmaking_projects').column('diagnostic_id').execute();
      await withIdColumn(db.schema.createTable('matchmaking_project_events'), dialect)
        .addColumn('project_id', 'integer', (c) => c.notNull().references('matchmaking_projects.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('milestone', 'text')
        .addColumn('on_date', 'text')
        .addColumn('note', 'text')
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('matchmaking_project_events_project').on('matchmaking_project_events').columns(['project_id', 'id']).execute();
      // Further private links of the structure's side, opened from the directory's sign-in (« Gérer ma fiche »).
      await db.schema.createTable('matchmaking_project_links')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('project_id', 'integer', (c) => c.notNull().references('matchmaking_projects.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
];

interface ProjectRow {
  id: number; association_token_hash: string; provider_token_hash: string; diagnostic_id: number | null; provider_id: number;
  association_name: string; association_email: string; share_email: number; territory: string; needs: string; summary: string;
  message: string; state: string; created_at: string; updated_at: string; opened_at: string | null; done_at: string | null;
}
interface EventRow { id: number; project_id: number; kind: string; milestone: string | null; on_date: string | null; note: string | null; side: string; at: string }
interface Tables {
  matchmaking_projects: ProjectRow;
  matchmaking_project_events: EventRow;
  matchmaking_diagnostic_needs: { diagnostic_id: number; need: string };
  matchmaking_project_links: { token_hash: string; project_id: number; created_at: string };
  matchmaking_diagnostics: { id: number; token_hash: string; territory: string; answers: string; created_at: string };
}

/** The association's private link to its project with a structure, from its diagnostic's token. */
export function associationProjectToken(diagnosticToken: string, providerId: number): string {
  return createHash('sha256').update(`pollen-projet:${diagnosticToken}:${providerId}`).digest('base64url');
}

const TOKEN = /^[\w-]{20,64}$/;
const OPEN_STATES: readonly ProjectState[] = ['ouvert', 'en_cours'];

export interface ProjectsDeps {
  needs: readonly Need[];
  /** The structure's name and slug for a project's pages (the directory). */
  providers: { byId(id: number): Promise<Provider | undefined>; contactAddress(id: number): Promise<string | undefined> };
  now?: () => Date;
}

export interface ProjectOverview {
  diagnostics: number;
  byTerritory: Array<{ territory: string; label: string; count: number; first: string; last: string }>;
  needs: Array<{ need: string; label: string; count: number }>;
  byState: Array<{ state: ProjectState; label: string; count: number }>;
}

export class ProjectService {
  readonly #db: Kysely<Tables>;
  readonly #now: () => Date;

  constructor(readonly store: StoreDb, readonly deps: ProjectsDeps) {
    this.#db = tables<Tables>(store);
    this.#now = deps.now ?? (() => new Date());
  }

  /** The French summary of a diagnostic, for the structure's mail and the project's page. */
  summaryOf(d: Diagnostic): string {
    const lines = [
      `Association : ${d.associationName || 'sans nom'} — ${territoryLabel(d.territory)}, ${SIZES[d.size].toLowerCase()}.`,
      `Bénévoles actifs : ${d.volunteers ?? 'non précisé'} ; salarié·es : ${d.staff ?? 'non précisé'}.`,
      ...this.deps.needs.map((n) => `${n.label} : ${TOOL_STATES[d.tools[n.id] ?? 'aucun'].toLowerCase()}.`),
    ];
    const toReplace = this.deps.needs.filter((n) => d.tools[n.id] === 'proprietaire').map((n) => n.label);
    if (toReplace.length) lines.push(`À remplacer en priorité : ${toReplace.join(', ')}.`);
    if (d.bothers.length) lines.push(`Ce qui la gêne : ${d.bothers.map((b) => BOTHERS[b].toLowerCase()).join(' ; ')}.`);
    if (d.bothersText) lines.push(`En ses mots : ${d.bothersText}`);
    return lines.join('\n');
  }

  /**
   * The association writes to a structure from its diagnostic. The same diagnostic writing to
   * the same structure again (a double click, twenty sends at once) keeps the first contact and
   * sends no second mail: `created` tells which. Returns the association's project token.
   */
  async contact(input: {
    diagnosticToken: string; diagnosticId: number; diagnostic: Diagnostic; provider: Provider;
    message: string; email: string; shareEmail: boolean; link: (token: string) => string;
  }): Promise<{ token: string; created: boolean }> {
    const { provider, diagnostic } = input;
    const to = await this.deps.providers.contactAddress(provider.id);
    if (!to) throw new ProjectError('NOT_CONTACTABLE', `« ${provider.name} » n’a pas d’adresse e-mail connue de Pollen : passez par le contact de sa fiche.`);
    const token = associationProjectToken(input.diagnosticToken, provider.id);
    const providerToken = randomBytes(24).toString('base64url');
    const now = this.#now().toISOString();
    const summary = this.summaryOf(diagnostic);
    const name = diagnostic.associationName || 'Une association';
    return writeTransaction(this.store, async (trx) => {
      const db = trx as unknown as Kysely<Tables>;
      const inserted = await db.insertInto('matchmaking_projects').values({
        association_token_hash: hashToken(token), provider_token_hash: hashToken(providerToken), diagnostic_id: input.diagnosticId, provider_id: provider.id,
        association_name: diagnostic.associationName, association_email: input.email, share_email: input.shareEmail ? 1 : 0, territory: diagnostic.territory,
        needs: JSON.stringify(namedNeeds(diagnostic)), summary, message: input.message, state: 'contact', created_at: now, updated_at: now,
      } as never).onConflict((oc) => oc.column('association_token_hash').doNothing()).returning('id').executeTakeFirst();
      if (!inserted) return { token, created: false };
      await db.insertInto('matchmaking_project_events').values({ project_id: Number(inserted.id), kind: 'contact', milestone: null, on_date: null, note: null, side: 'association', at: now } as never).execute();
      await queueMails(trx, [{
        kind: 'project-contact',
        to,
        subject: `Pollen — ${name} souhaite être accompagnée par ${provider.name}`,
        text: [
          'Bonjour,',
          '',
          `${name} a rempli le diagnostic des besoins numériques de Pollen et vous écrit au sujet de votre fiche « ${provider.name} » dans l’annuaire :`,
          '',
          input.message,
          '',
          'Le résumé de son diagnostic :',
          '',
          summary,
          '',
          input.shareEmail
            ? `Pour lui répondre directement : ${input.email}`
            : 'L’association n’a pas partagé son adresse e-mail : répondez-lui depuis la page privée ci-dessous.',
          '',
          'Pour lui répondre, ouvrir ensemble un projet d’accompagnement et suivre ses étapes, votre page privée :',
          '',
          input.link(providerToken),
          '',
          'Ce lien est personnel : ne le transmettez qu’aux personnes de votre structure qui suivront ce projet.',
        ].join('\n'),
      }, {
        kind: 'project-contact-copy',
        to: input.email,
        subject: `Pollen — votre message à ${provider.name}`,
        text: [
          'Bonjour,',
          '',
          `Votre message a été transmis à ${provider.name} avec le résumé de votre diagnostic${input.shareEmail ? ' et votre adresse e-mail' : ' (votre adresse e-mail ne lui a pas été communiquée)'}.`,
          '',
          'Suivez la réponse et le projet d’accompagnement sur votre page privée :',
          '',
          input.link(token),
        ].join('\n'),
      }], now);
      return { token, created: true };
    });
  }

  /** The project a private link opens, and which side holds it; undefined for an unknown link. */
  async byToken(token: string): Promise<{ project: Project; side: Side } | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const hash = hashToken(token);
    const row = await this.#db.selectFrom('matchmaking_projects').selectAll()
      .where((eb) => eb.or([eb('association_token_hash', '=', hash), eb('provider_token_hash', '=', hash)])).executeTakeFirst();
    if (row) return { project: await this.#project(row), side: row.association_token_hash === hash ? 'association' : 'structure' };
    const link = await this.#db.selectFrom('matchmaking_project_links').select('project_id').where('token_hash', '=', hash).executeTakeFirst();
    const project = link && (await this.byId(Number(link.project_id)));
    return project && { project, side: 'structure' };
  }

  /** The structure's projects (its sign-in to « Gérer ma fiche » lists them), newest first, 50 at most. */
  async ofProvider(providerId: number): Promise<Array<{ id: number; associationName: string; state: ProjectState; createdAt: string }>> {
    const rows = await this.#db.selectFrom('matchmaking_projects').select(['id', 'association_name', 'state', 'created_at']).where('provider_id', '=', providerId).orderBy('id', 'desc').limit(50).execute();
    return rows.map((r) => ({ id: Number(r.id), associationName: r.association_name, state: r.state as ProjectState, createdAt: r.created_at }));
  }

  /**
   * A new private link of the structure's side for a signed-in structure (its directory sign-in
   * session names `providerId`); undefined when the project is not that structure's. The mailed
   * link keeps working.
   */
  async structureLink(projectId: number, providerId: number): Promise<string | undefined> {
    const project = await this.#db.selectFrom('matchmaking_projects').select('provider_id').where('id', '=', projectId).executeTakeFirst();
    if (!project || Number(project.provider_id) !== providerId) return undefined;
    const token = randomBytes(24).toString('base64url');
    await this.#db.insertInto('matchmaking_project_links').values({ token_hash: hashToken(token), project_id: projectId, created_at: this.#now().toISOString() }).execute();
    return token;
  }

  async byId(id: number): Promise<Project | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const row = await this.#db.selectFrom('matchmaking_projects').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.#project(row);
  }

  /** The association's projects opened from a diagnostic (its answer page lists them). */
  async ofDiagnostic(diagnosticId: number): Promise<Array<{ providerId: number; state: ProjectState }>> {
    const rows = await this.#db.selectFrom('matchmaking_projects').select(['provider_id', 'state']).where('diagnostic_id', '=', diagnosticId).orderBy('id').limit(50).execute();
    return rows.map((r) => ({ providerId: Number(r.provider_id), state: r.state as ProjectState }));
  }

  /** Projects for facilitators, newest first (GraphQL), `first` at most 100. */
  async list(first: number, state?: ProjectState): Promise<Project[]> {
    let q = this.#db.selectFrom('matchmaking_projects').selectAll().orderBy('id', 'desc').limit(Math.min(Math.max(first, 0), 100));
    if (state) q = q.where('state', '=', state);
    return this.#projects(await q.execute());
  }

  /** Either side opens the project after the first contact. */
  async open(token: string): Promise<Project> {
    return this.#change(token, ['contact'], 'opened', 'Ce projet est déjà ouvert.', () => ({ state: 'ouvert' }));
  }

  /** Either side records a milestone (a day not in the future, a short note). */
  async milestone(token: string, milestone: MilestoneId, onDate: string, note: string | null): Promise<Project> {
    if (!(milestone in MILESTONES)) throw new ProjectError('BAD_USER_INPUT', 'Choisissez une étape.');
    return this.#change(token, OPEN_STATES, 'milestone', 'Le projet n’est pas en cours : ouvrez-le d’abord, ou il est déjà terminé ou abandonné.', () => ({ state: 'en_cours' }), { milestone, on_date: onDate, note });
  }

  /** The association marks the project done; it is then invited (page and mail) to recommend the structure. */
  async done(token: string, recommendLink: (providerSlug: string) => string): Promise<Project> {
    return this.#change(token, OPEN_STATES, 'done', 'Seul un projet ouvert ou en cours peut être marqué terminé.', (now) => ({ state: 'termine', done_at: now }), {}, 'association',
      async (trx, project, now) => {
        await queueMails(trx, [{
          kind: 'project-recommend',
          to: project.associationEmail,
          subject: `Pollen — recommander ${project.providerName} ?`,
          text: [
            'Bonjour,',
            '',
            `Votre projet d’accompagnement avec ${project.providerName} est marqué terminé. S’il s’est bien passé, recommandez la structure : votre recommandation, vérifiée par l’équipe d’animation, paraîtra sur sa fiche comme « après un projet accompagné » et aidera d’autres associations à choisir.`,
            '',
            recommendLink(project.providerSlug),
            '',
            'Le questionnaire est prérempli avec ce que vous avez noté pendant le projet ; vous le relisez et le complétez avant de l’envoyer.',
          ].join('\n'),
        }], now);
      });
  }

  /** Either side gives the project up, with a short note. */
  async abandon(token: string, note: string | null): Promise<Project> {
    return this.#change(token, ['contact', ...OPEN_STATES], 'abandoned', 'Ce projet est déjà terminé ou abandonné.', () => ({ state: 'abandonne' }), { note });
  }

  /** A done project, by the association's link, for the recommendation form. */
  async forRecommendation(token: string): Promise<Project | undefined> {
    const found = await this.byToken(token);
    return found && found.side === 'association' && found.project.state === 'termine' ? found.project : undefined;
  }

  /** Projects by id (the moderation page's linked recommendations): two queries. */
  async histories(ids: readonly number[]): Promise<Map<number, Project>> {
    const unique = [...new Set(ids)].filter(Number.isSafeInteger).slice(0, 200);
    if (unique.length === 0) return new Map();
    const rows = await this.#db.selectFrom('matchmaking_projects').selectAll().where('id', 'in', unique).execute();
    return new Map((await this.#projects(rows)).map((p) => [p.id, p]));
  }

  /** The facilitators' counts, each an aggregate in SQL (bounded whatever the number of diagnostics). */
  async overview(): Promise<ProjectOverview> {
    const [total, territories, needs, states] = await Promise.all([
      this.#db.selectFrom('matchmaking_diagnostics').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
      this.#db.selectFrom('matchmaking_diagnostics')
        .select(['territory', (eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.min('created_at').as('first'), (eb) => eb.fn.max('created_at').as('last')])
        .groupBy('territory').orderBy(sql`count(*)`, 'desc').orderBy('territory').limit(200).execute(),
      this.#db.selectFrom('matchmaking_diagnostic_needs').select(['need', (eb) => eb.fn.countAll().as('n')]).groupBy('need').orderBy(sql`count(*)`, 'desc').orderBy('need').limit(50).execute(),
      this.#db.selectFrom('matchmaking_projects').select(['state', (eb) => eb.fn.countAll().as('n')]).groupBy('state').execute(),
    ]);
    const count = new Map(states.map((s) => [s.state, Number(s.n)]));
    return {
      diagnostics: Number(total.n),
      byTerritory: territories.map((t) => ({ territory: t.territory, label: territoryLabel(t.territory), count: Number(t.n), first: String(t.first), last: String(t.last) })),
      needs: needs.map((n) => ({ need: n.need, label: this.deps.needs.find((x) => x.id === n.need)?.label ?? n.need, count: Number(n.n) })),
      byState: (Object.keys(PROJECT_STATES) as ProjectState[]).map((state) => ({ state, label: PROJECT_STATES[state], count: count.get(state) ?? 0 })),
    };
  }

  async #change(
    token: string, from: readonly ProjectState[], kind: ProjectEventKind, refusal: string,
    set: (now: string) => Partial<ProjectRow>, event: { milestone?: string; on_date?: string; note?: string | null } = {},
    onlySide?: Side, within?: (trx: Kysely<any>, project: Project, now: string) => Promise<void>,
  ): Promise<Project> {
    const found = await this.byToken(token);
    if (!found) throw new ProjectError('NOT_FOUND', 'Aucun projet ne correspond à ce lien.');
    if (onlySide && found.side !== onlySide) throw new ProjectError('FORBIDDEN', 'Seule l’association peut marquer le projet terminé.');
    const now = this.#now().toISOString();
    const id = found.project.id;
    await writeTransaction(this.store, async (trx) => {
      const db = trx as unknown as Kysely<Tables>;
      // The state is checked in the UPDATE itself: two sides (or two tabs) at once change it once.
      const changes = { ...set(now), updated_at: now, ...(kind === 'opened' ? { opened_at: now } : {}) };
      const done = await db.updateTable('matchmaking_projects').set(changes).where('id', '=', id).where('state', 'in', [...from]).executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new ProjectError('INVALID_STATE', refusal);
      await db.insertInto('matchmaking_project_events').values({
        project_id: id, kind, milestone: event.milestone ?? null, on_date: event.on_date ?? null, note: event.note ?? null, side: found.side, at: now,
      } as never).execute();
      await within?.(trx, found.project, now);
    });
    return (await this.byId(id))!;
  }

  async #project(row: ProjectRow): Promise<Project> {
    return (await this.#projects([row]))[0]!;
  }

  async #projects(rows: readonly ProjectRow[]): Promise<Project[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.id));
    const events = await this.#db.selectFrom('matchmaking_project_events').selectAll().where('project_id', 'in', ids).orderBy('id').execute();
    const providers = new Map<number, Provider | undefined>();
    for (const pid of new Set(rows.map((r) => Number(r.provider_id)))) providers.set(pid, await this.deps.providers.byId(pid));
    return rows.map((r) => {
      const provider = providers.get(Number(r.provider_id));
      return {
        id: Number(r.id), providerId: Number(r.provider_id), providerSlug: provider?.slug ?? '', providerName: provider?.name ?? 'Structure retirée de l’annuaire',
        associationName: r.association_name, associationEmail: r.association_email, shareEmail: Number(r.share_email) === 1, territory: r.territory,
        needs: JSON.parse(r.needs) as string[], summary: r.summary, message: r.message, state: r.state as ProjectState,
        createdAt: r.created_at, openedAt: r.opened_at, doneAt: r.done_at,
        events: events.filter((e) => Number(e.project_id) === Number(r.id)).map((e): ProjectEvent => ({
          id: Number(e.id), kind: e.kind as ProjectEventKind, milestone: e.milestone as MilestoneId | null, onDate: e.on_date, note: e.note, side: e.side as Side, at: e.at,
        })),
      };
    });
  }
}

/** A project's history as the directory's moderation page shows it (src/directory/dashboard.tsx). */
export function linkedHistory(p: Project): { title: string; state: string; events: Array<{ at: string; what: string; note: string | null; by: string }> } {
  return {
    title: `${p.associationName || 'Association sans nom'} avec ${p.providerName}`,
    state: PROJECT_STATES[p.state],
    events: p.events.map((e) => ({ at: e.at, what: eventLabel(e), note: e.note, by: e.side === 'association' ? 'Association' : 'Structure' })),
  };
}

/**
 * The directory's recommendation form, prefilled from a done project: the association, its
 * address (where the confirmation link goes), what was done (the milestones and their notes),
 * the month it ended. The association reads, completes and sends it.
 */
export function recommendationValues(p: Project): Record<string, string> {
  const milestones = p.events.filter((e) => e.kind === 'milestone' && e.milestone)
    .map((e) => `${MILESTONES[e.milestone!]}${e.onDate ? ` ${le(frenchDay(e.onDate))}` : ''}${e.note ? ` : ${e.note}` : ''}`);
  const end = (p.doneAt ?? p.createdAt).slice(0, 7);
  return {
    association: p.associationName,
    email: p.associationEmail,
    travail: [`Projet d’accompagnement suivi sur Pollen avec ${p.providerName}.`, ...milestones.map((m) => `${m}.`)].join('\n').slice(0, 2000),
    mois: end.slice(5, 7),
    annee: end.slice(0, 4),
  };
}
