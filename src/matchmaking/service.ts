/**
 * Needs diagnostics: an association answers a short questionnaire without an account; the answer
 * is kept under a private link (a random token whose hash alone is stored) mailed to it, and can
 * be deleted. From a diagnostic, `propose` builds what the answer page shows: free alternatives
 * for each tool to replace, listed providers serving its territory ranked, the parcours modules
 * that prepare its people, and the upcoming sessions near it or online.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AgendaSession } from '../agenda/model.js';
import type { AgendaService } from '../agenda/service.js';
import { hashToken } from '../auth/tokens.js';
import { de, frenchOrder } from '../text/french.js';
import type { CurriculumModule } from '../curriculum/schema.js';
import type { Provider, ServiceId } from '../directory/model.js';
import type { DirectoryService } from '../directory/service.js';
import { territory as territoryOf } from '../directory/territories.js';
import { queueMails } from '../mail/outbox.js';
import { tables, type StoreDb } from '../store/database.js';
import type { Migration } from '../store/migrations.js';
import { withIdColumn } from '../store/migrations.js';
import { writeTransaction } from '../store/transaction.js';
import type { Need } from './alternatives.js';

/** The needs a diagnostic names: the tools it wants to replace (a proprietary service today). */
export function namedNeeds(d: Pick<Diagnostic, 'tools'>): string[] {
  return Object.entries(d.tools).filter(([, v]) => v === 'proprietaire').map(([k]) => k).sort();
}

export const matchmakingMigrations: Migration[] = [
  {
    id: 'matchmaking/001-diagnostics',
    async up(db, dialect) {
      await withIdColumn(db.schema.createTable('matchmaking_diagnostics'), dialect)
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('territory', 'text', (c) => c.notNull())
        .addColumn('answers', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
];

interface Tables {
  matchmaking_diagnostics: { id: number; token_hash: string; territory: string; answers: string; created_at: string };
  matchmaking_diagnostic_needs: { diagnostic_id: number; need: string };
  matchmaking_projects: { diagnostic_id: number | null };
}

export const TOOL_STATES = { proprietaire: 'Un service propriétaire', libre: 'Déjà un logiciel libre', aucun: 'Rien pour l’instant' } as const;
export const SIZES = { petite: 'Moins de 50 adhérent·es', moyenne: 'De 50 à 300 adhérent·es', grande: 'Plus de 300 adhérent·es' } as const;
export const BOTHERS = {
  couts: 'Les abonnements coûtent cher',
  donnees: 'Nos données et celles de nos membres partent chez des géants du numérique',
  dependance: 'Nous dépendons d’un fournisseur qui peut changer ses conditions',
  complexite: 'Les outils sont compliqués pour nos bénévoles',
  dispersion: 'Nos informations sont éparpillées entre trop d’outils',
} as const;

/** What an association answered (no e-mail: the address is used once, for the mail, and not kept). */
export const diagnosticSchema = z.object({
  associationName: z.string().trim().max(200),
  size: z.enum(Object.keys(SIZES) as [keyof typeof SIZES]),
  volunteers: z.number().int().min(0).max(100_000).nullable(),
  staff: z.number().int().min(0).max(100_000).nullable(),
  territory: z.string(),
  tools: z.record(z.string(), z.enum(Object.keys(TOOL_STATES) as [keyof typeof TOOL_STATES])),
  bothers: z.array(z.enum(Object.keys(BOTHERS) as [keyof typeof BOTHERS])),
  bothersText: z.string().max(2000),
});
export type Diagnostic = z.infer<typeof diagnosticSchema>;

export interface RankedProvider {
  provider: Provider;
  /** « Rhône (69) » served directly, its région, or at a distance. */
  territoryMatch: 'departement' | 'region' | 'distance';
  servicesCovered: ServiceId[];
}

export interface Proposal {
  toReplace: Need[];
  providers: RankedProvider[];
  modules: CurriculumModule[];
  sessions: AgendaSession[];
}

export interface MatchmakingDeps {
  needs: readonly Need[];
  curriculum: readonly CurriculumModule[];
  directory?: DirectoryService | undefined;
  agenda?: AgendaService | undefined;
  now?: () => Date;
}

/** Providers read for ranking (those serving the territory, its région or at a distance). */
const CANDIDATES = 100;
const SHOWN_PROVIDERS = 8;
const SHOWN_SESSIONS = 6;
/** Upcoming sessions read to find the near ones, a page at a time. */
const SESSIONS_PAGE = 60;
const SESSIONS_SCANNED = 300;

/** The département of a French postal code in an address (`69001` → `69`, `97411` → `974`, `20000` → Corse). */
export function departementOfAddress(address: string | null): string | undefined {
  const code = address ? /\b(\d{5})\b/.exec(address)?.[1] : undefined;
  if (!code) return undefined;
  if (code.startsWith('97')) return code.slice(0, 3);
  if (code.startsWith('20')) return Number(code) < 20200 ? '2A' : '2B';
  return code.slice(0, 2);
}

export class MatchmakingService {
  readonly #db: Kysely<Tables>;
  readonly #now: () => Date;

  constructor(readonly store: StoreDb, readonly deps: MatchmakingDeps) {
    this.#db = tables<Tables>(store);
    this.#now = deps.now ?? (() => new Date());
  }

  get needs(): readonly Need[] {
    return this.deps.needs;
  }

  /** Saves a diagnostic and queues the mail with its private link; returns the token. */
  async create(diagnostic: Diagnostic, email: string, link: (token: string) => string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    const now = this.#now().toISOString();
    const name = diagnostic.associationName || 'votre association';
    await writeTransaction(this.store, async (trx) => {
      const db = trx as unknown as Kysely<Tables>;
      const { id } = await db.insertInto('matchmaking_diagnostics')
        .values({ token_hash: hashToken(token), territory: diagnostic.territory, answers: JSON.stringify(diagnostic), created_at: now } as never)
        .returning('id').executeTakeFirstOrThrow();
      const needs = namedNeeds(diagnostic);
      if (needs.length) await db.insertInto('matchmaking_diagnostic_needs').values(needs.map((need) => ({ diagnostic_id: Number(id), need }))).execute();
      await queueMails(trx, [{
        kind: 'diagnostic',
        to: email,
        subject: `Pollen — le diagnostic ${de(name)}`,
        text: [
          'Bonjour,',
          '',
          `Le diagnostic des besoins numériques ${de(name)} est enregistré. Retrouvez à tout moment les outils libres, les structures et les ateliers qui lui correspondent à cette adresse privée :`,
          '',
          link(token),
          '',
          'Ce lien est personnel : ne le partagez qu’avec les personnes de votre association. Vous pouvez supprimer le diagnostic depuis cette page.',
          '',
          'Si vous n’avez pas rempli ce questionnaire, ignorez ce message : rien d’autre ne vous sera envoyé.',
        ].join('\n'),
      }], now);
    });
    return token;
  }

  async find(token: string): Promise<Diagnostic | undefined> {
    return (await this.findWithId(token))?.diagnostic;
  }

  /** The diagnostic of a private link and its row id (its projects point to it). */
  async findWithId(token: string): Promise<{ id: number; diagnostic: Diagnostic; createdAt: string } | undefined> {
    if (!/^[\w-]{20,64}$/.test(token)) return undefined;
    const row = await this.#db.selectFrom('matchmaking_diagnostics').select(['id', 'answers', 'created_at']).where('token_hash', '=', hashToken(token)).executeTakeFirst();
    return row ? this.#parsed(row) : undefined;
  }

  /** A diagnostic by id, for facilitators (GraphQL). */
  async byId(id: number): Promise<{ id: number; diagnostic: Diagnostic; createdAt: string } | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const row = await this.#db.selectFrom('matchmaking_diagnostics').select(['id', 'answers', 'created_at']).where('id', '=', id).executeTakeFirst();
    return row ? this.#parsed(row) : undefined;
  }

  /** The latest diagnostics, newest first, for facilitators (GraphQL); `first` at most 100. */
  async latest(first: number): Promise<Array<{ id: number; diagnostic: Diagnostic; createdAt: string }>> {
    const rows = await this.#db.selectFrom('matchmaking_diagnostics').select(['id', 'answers', 'created_at']).orderBy('id', 'desc').limit(Math.min(Math.max(first, 0), 100)).execute();
    return rows.flatMap((r) => this.#parsed(r) ?? []);
  }

  #parsed(row: { id: number; answers: string; created_at: string }): { id: number; diagnostic: Diagnostic; createdAt: string } | undefined {
    const parsed = diagnosticSchema.safeParse(JSON.parse(row.answers));
    return parsed.success ? { id: Number(row.id), diagnostic: parsed.data, createdAt: row.created_at } : undefined;
  }

  /** Deletes a diagnostic (its needs' rows; its projects keep their own summary); false when there was none. */
  async delete(token: string): Promise<boolean> {
    if (!/^[\w-]{20,64}$/.test(token)) return false;
    return writeTransaction(this.store, async (trx) => {
      const db = trx as unknown as Kysely<Tables>;
      const row = await db.selectFrom('matchmaking_diagnostics').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirst();
      if (!row) return false;
      await db.deleteFrom('matchmaking_diagnostic_needs').where('diagnostic_id', '=', Number(row.id)).execute();
      await db.updateTable('matchmaking_projects').set({ diagnostic_id: null }).where('diagnostic_id', '=', Number(row.id)).execute();
      await db.deleteFrom('matchmaking_diagnostics').where('id', '=', Number(row.id)).execute();
      return true;
    });
  }

  /** What the answer page proposes for a diagnostic (a bounded number of queries whatever the directory's size). */
  async propose(diagnostic: Diagnostic): Promise<Proposal> {
    const toReplace = this.deps.needs.filter((n) => diagnostic.tools[n.id] === 'proprietaire');
    // Nothing to replace yet: propose what helps anyone start (the needs where nothing is used).
    const focus = toReplace.length > 0 ? toReplace : this.deps.needs.filter((n) => diagnostic.tools[n.id] === 'aucun');
    const wanted = new Set<ServiceId>(focus.flatMap((n) => n.services as ServiceId[]));
    const slugs = new Set(['logiciel-libre', ...focus.flatMap((n) => n.modules)]);
    const modules = this.deps.curriculum.filter((m) => slugs.has(m.slug));
    const [providers, sessions] = await Promise.all([this.#providers(diagnostic.territory, wanted), this.#sessions(diagnostic.territory, slugs)]);
    return { toReplace, providers, modules, sessions };
  }

  async #providers(territoryId: string, wanted: ReadonlySet<ServiceId>): Promise<RankedProvider[]> {
    const directory = this.deps.directory;
    if (!directory) return [];
    const here = territoryOf(territoryId);
    const [nearList, remoteList] = await Promise.all([
      here && here.kind !== 'remote' ? directory.candidates({ territory: territoryId }, CANDIDATES) : Promise.resolve([] as Provider[]),
      directory.candidates({ territory: 'a-distance' }, CANDIDATES),
    ]);
    const near = { providers: nearList };
    const remote = { providers: remoteList };
    const seen = new Set<number>();
    const ranked: Array<RankedProvider & { score: number }> = [];
    for (const provider of [...near.providers, ...remote.providers]) {
      if (seen.has(provider.id)) continue;
      seen.add(provider.id);
      const territoryMatch = here && provider.territories.includes(here.id) ? 'departement'
        : here?.region && provider.territories.includes(here.region) ? 'region'
        : near.providers.includes(provider) ? 'region' : 'distance';
      const servicesCovered = provider.services.filter((s) => wanted.has(s));
      const score = { departement: 300, region: 200, distance: 100 }[territoryMatch] + servicesCovered.length * 10
        + (provider.training ? 5 : 0) + Math.min(provider.verifiedCount, 10) * 0.4;
      ranked.push({ provider, territoryMatch, servicesCovered, score });
    }
    return ranked
      .filter((r) => r.servicesCovered.length > 0)
      .sort((a, b) => b.score - a.score || frenchOrder(a.provider.name, b.provider.name))
      .slice(0, SHOWN_PROVIDERS)
      .map(({ score: _score, ...r }) => r);
  }

  async #sessions(territoryId: string, slugs: ReadonlySet<string>): Promise<AgendaSession[]> {
    const agenda = this.deps.agenda;
    if (!agenda) return [];
    const here = territoryOf(territoryId);
    const near = (s: AgendaSession) => {
      if (s.place.onlineUrl && !s.place.address) return true;
      const dep = departementOfAddress(s.place.address);
      const t = dep ? territoryOf(dep) : undefined;
      return here !== undefined && t !== undefined && (t.id === here.id || (t.region !== undefined && t.region === (here.kind === 'region' ? here.id : here.region)));
    };
    // The next sessions a page at a time, until enough are near or SESSIONS_SCANNED were read.
    const sessions: AgendaSession[] = [];
    const from = this.#now().toISOString();
    let after: { startsAt: string; id: number } | undefined;
    for (let read = 0; read < SESSIONS_SCANNED;) {
      const page = (await agenda.list({ from, includePrivate: false, includeCancelled: false, limit: SESSIONS_PAGE, after })).sessions;
      sessions.push(...page.filter(near));
      read += page.length;
      const last = page.at(-1);
      if (page.length < SESSIONS_PAGE || !last || sessions.filter((s) => slugs.has(s.moduleSlug ?? '')).length >= SHOWN_SESSIONS) break;
      after = { startsAt: last.startsAt, id: last.id };
    }
    return sessions
      .sort((a, b) => Number(slugs.has(b.moduleSlug ?? '')) - Number(slugs.has(a.moduleSlug ?? '')) || a.startsAt.localeCompare(b.startsAt))
      .slice(0, SHOWN_SESSIONS)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }
}
