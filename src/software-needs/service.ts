/**
 * Needed software (`/besoins-logiciels`): associations propose a free software or a feature they
 * miss; other associations add their need with an intended contribution (hours, euros: pledges,
 * never paid through Pollen); providers and developers say they could do it. Every form's author
 * confirms through a mailed link before anything counts or shows (a random token, kept hashed,
 * single-use); a proposal shows publicly once facilitators approve it. The same association
 * adding its need twice counts once (same address or same name once normalised); twenty
 * identical sends make one row (a unique submission key).
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Generated, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Viewer } from '../auth/viewer.js';
import { queueMails } from '../mail/outbox.js';
import { tables, type StoreDb } from '../store/database.js';
import { writeTransaction } from '../store/transaction.js';
import { entryConfirmMail, proposalConfirmMail, rejectionMail } from './mails.js';
import { distinctNeedTitle } from './wiki-title.js';

export const KINDS = { logiciel: 'Logiciel', fonctionnalite: 'Fonctionnalité' } as const;
export type NeedKind = keyof typeof KINDS;
export type ProposalStatus = 'unconfirmed' | 'pending' | 'approved' | 'rejected';
export type EntryRole = 'need' | 'offer';
export type EntryStatus = 'unconfirmed' | 'confirmed' | 'hidden';

/** A confirmation link lasts a week. */
export const LINK_LIFETIME_MS = 7 * 86_400_000;

interface NeedTable {
  id: Generated<number>;
  title: string;
  description: string;
  kind: string;
  software: string | null;
  status: string;
  reject_reason: string | null;
  association_count: number;
  wiki_title: string | null;
  submission_key: string;
  created_at: string;
  confirmed_at: string | null;
  decided_at: string | null;
}

interface EntryTable {
  id: Generated<number>;
  need_id: number;
  role: string;
  name: string;
  name_key: string;
  email: string;
  link: string | null;
  hours: number | null;
  euros: number | null;
  note: string | null;
  status: string;
  association_id: number | null;
  submission_key: string;
  created_at: string;
  confirmed_at: string | null;
}

export interface SoftwareNeedsTables {
  software_needs: NeedTable;
  software_need_entries: EntryTable;
  software_need_links: { token_hash: string; purpose: string; subject_id: number; expires_at: string; used_at: string | null; created_at: string };
  software_need_wiki_pages: { title: string; text_hash: string; revid: number | null; published_at: string };
}

type Db = Kysely<SoftwareNeedsTables>;
type Tx = Transaction<SoftwareNeedsTables>;

export interface Proposal {
  id: number;
  slug: string;
  title: string;
  description: string;
  kind: NeedKind;
  software: string | null;
  status: ProposalStatus;
  rejectReason: string | null;
  associationCount: number;
  wikiTitle: string | null;
  createdAt: string;
  confirmedAt: string | null;
  decidedAt: string | null;
}

/** What one proposal gathered: confirmed needs' pledges (never an address). */
export interface Totals {
  hours: number;
  euros: number;
  /** Associations that pledged something. */
  pledges: number;
}

export interface Entry {
  id: number;
  needId: number;
  role: EntryRole;
  name: string;
  link: string | null;
  hours: number | null;
  euros: number | null;
  note: string | null;
  status: EntryStatus;
  /** The first entry of the same association (or person): entries sharing it count once. */
  associationId: number | null;
  createdAt: string;
}

/** An entry as facilitators see it: with its address. */
export interface StaffEntry extends Entry {
  email: string;
}

export interface ProposalInput {
  title: string;
  description: string;
  kind: NeedKind;
  software: string | null;
  associationName: string;
  email: string;
}

export interface EntryInput {
  name: string;
  email: string;
  link: string | null;
  hours: number | null;
  euros: number | null;
  note: string | null;
}

export class SoftwareNeedsError extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'NOT_PENDING' | 'REASON_REQUIRED' | 'NOT_HIDEABLE', message: string) {
    super(message);
    this.name = 'SoftwareNeedsError';
  }
}

/** Lowercase, no accents, only letters and digits separated by single dashes. */
export function slugify(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
}

/** `12-gestion-des-adherents`: the id first, so any title makes a unique address. */
export function slugOf(p: { id: number; title: string }): string {
  const words = slugify(p.title);
  return words ? `${p.id}-${words}` : String(p.id);
}

/** The proposal's id in an address `12`, `12-anything`; undefined otherwise. */
export function idOfSlug(slug: string): number | undefined {
  const m = /^(\d{1,9})(?:-[a-z0-9-]*)?$/.exec(slug);
  return m ? Number(m[1]) : undefined;
}

/** The name two sends of one association share: no case, accents, punctuation or extra spaces. */
export function nameKey(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

const digest = (parts: readonly unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');
const tokenHash = (token: string) => createHash('sha256').update(`pollen-software-needs-link:${token}`).digest('hex');

function toProposal(r: Selectable<NeedTable>): Proposal {
  return {
    id: Number(r.id), slug: slugOf({ id: Number(r.id), title: r.title }), title: r.title, description: r.description, kind: r.kind as NeedKind, software: r.software,
    status: r.status as ProposalStatus, rejectReason: r.reject_reason, associationCount: Number(r.association_count), wikiTitle: r.wiki_title,
    createdAt: r.created_at, confirmedAt: r.confirmed_at, decidedAt: r.decided_at,
  };
}

function toEntry(r: Selectable<EntryTable>): Entry {
  return {
    id: Number(r.id), needId: Number(r.need_id), role: r.role as EntryRole, name: r.name, link: r.link,
    hours: r.hours === null ? null : Number(r.hours), euros: r.euros === null ? null : Number(r.euros), note: r.note, status: r.status as EntryStatus,
    associationId: r.association_id === null ? null : Number(r.association_id), createdAt: r.created_at,
  };
}

export interface ListQuery {
  kind?: NeedKind | undefined;
  page: number;
  pageSize: number;
}

export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  pages: number;
}

export class SoftwareNeedsService {
  readonly db: Db;
  readonly #now: () => Date;

  constructor(readonly store: StoreDb, options: { now?: () => Date } = {}) {
    this.db = tables<SoftwareNeedsTables>(store);
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * A proposal from the public form: stored unconfirmed with its author's need, and the link that
   * confirms both mailed. An identical send (same title, same address) adds nothing: `created` false.
   */
  async propose(input: ProposalInput, confirmUrl: (token: string) => string): Promise<{ created: boolean }> {
    const at = this.#now().toISOString();
    const email = input.email.trim().toLowerCase();
    const key = digest(['proposal', nameKey(input.title), email]);
    return writeTransaction(this.db, async (trx) => {
      const row = await trx.insertInto('software_needs').values({
        title: input.title, description: input.description, kind: input.kind, software: input.software, status: 'unconfirmed', reject_reason: null,
        association_count: 0, wiki_title: null, submission_key: key, created_at: at, confirmed_at: null, decided_at: null,
      }).onConflict((oc) => oc.column('submission_key').doNothing()).returning('id').executeTakeFirst();
      if (!row) return { created: false };
      const id = Number(row.id);
      await trx.insertInto('software_need_entries').values({
        need_id: id, role: 'need', name: input.associationName, name_key: nameKey(input.associationName), email, link: null, hours: null, euros: null, note: null,
        status: 'unconfirmed', association_id: null, submission_key: `${key}:author`, created_at: at, confirmed_at: null,
      }).execute();
      const token = await this.#createLink(trx, 'confirm-proposal', id, at);
      await queueMails(trx, [proposalConfirmMail(input.title, email, confirmUrl(token))], at);
      return { created: true };
    });
  }

  /**
   * « Nous en avons besoin aussi » (`need`) or « Nous pourrions le réaliser » (`offer`) on an
   * approved proposal: stored unconfirmed, its link mailed. An identical send adds nothing.
   */
  async addEntry(needId: number, role: EntryRole, input: EntryInput, confirmUrl: (token: string) => string): Promise<{ created: boolean }> {
    const proposal = await this.publicProposal(needId);
    if (!proposal) throw new SoftwareNeedsError('NOT_FOUND', 'Cette proposition n’existe pas ou n’est pas publiée.');
    const at = this.#now().toISOString();
    const email = input.email.trim().toLowerCase();
    const key = digest(['entry', needId, role, email, nameKey(input.name), input.link, input.hours, input.euros, input.note]);
    return writeTransaction(this.db, async (trx) => {
      const row = await trx.insertInto('software_need_entries').values({
        need_id: needId, role, name: input.name, name_key: nameKey(input.name), email, link: input.link, hours: input.hours, euros: input.euros, note: input.note,
        status: 'unconfirmed', association_id: null, submission_key: key, created_at: at, confirmed_at: null,
      }).onConflict((oc) => oc.column('submission_key').doNothing()).returning('id').executeTakeFirst();
      if (!row) return { created: false };
      const token = await this.#createLink(trx, 'confirm-entry', Number(row.id), at);
      await queueMails(trx, [entryConfirmMail(proposal.title, role, email, confirmUrl(token))], at);
      return { created: true };
    });
  }

  /** What a token is for while it can still be used (the GET page shows a button; nothing is used). */
  async peekLink(token: string): Promise<{ purpose: string; subjectId: number } | undefined> {
    if (!token || token.length > 100) return undefined;
    const row = await this.db.selectFrom('software_need_links').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst();
    if (!row || row.used_at !== null || row.expires_at <= this.#now().toISOString()) return undefined;
    return { purpose: row.purpose, subjectId: Number(row.subject_id) };
  }

  /**
   * Uses a confirmation link once (two concurrent uses: one wins). A proposal goes to the
   * facilitators; an entry counts at once, once per association (see #recount).
   */
  async confirm(token: string): Promise<{ purpose: 'confirm-proposal' | 'confirm-entry'; proposal: Proposal } | undefined> {
    if (!token || token.length > 100) return undefined;
    const at = this.#now().toISOString();
    return writeTransaction(this.db, async (trx) => {
      const hash = tokenHash(token);
      const used = await trx.updateTable('software_need_links').set({ used_at: at })
        .where('token_hash', '=', hash).where('used_at', 'is', null).where('expires_at', '>', at).executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) return undefined;
      const link = await trx.selectFrom('software_need_links').select(['purpose', 'subject_id']).where('token_hash', '=', hash).executeTakeFirstOrThrow();
      const subjectId = Number(link.subject_id);
      if (link.purpose === 'confirm-proposal') {
        await trx.updateTable('software_needs').set({ status: 'pending', confirmed_at: at }).where('id', '=', subjectId).where('status', '=', 'unconfirmed').execute();
        await trx.updateTable('software_need_entries').set({ status: 'confirmed', confirmed_at: at }).where('need_id', '=', subjectId).where('status', '=', 'unconfirmed').where('submission_key', 'like', '%:author').execute();
        await this.#recount(trx, subjectId);
        const row = await trx.selectFrom('software_needs').selectAll().where('id', '=', subjectId).executeTakeFirstOrThrow();
        return { purpose: 'confirm-proposal' as const, proposal: toProposal(row) };
      }
      const entry = await trx.selectFrom('software_need_entries').selectAll().where('id', '=', subjectId).executeTakeFirst();
      if (!entry) return undefined;
      const needId = Number(entry.need_id);
      if (entry.status === 'unconfirmed') {
        await trx.updateTable('software_need_entries').set({ status: 'confirmed', confirmed_at: at }).where('id', '=', entry.id).execute();
        await this.#recount(trx, needId);
      }
      const row = await trx.selectFrom('software_needs').selectAll().where('id', '=', needId).executeTakeFirstOrThrow();
      return { purpose: 'confirm-entry' as const, proposal: toProposal(row) };
    });
  }

  /** An approved proposal (what the public sees), by id. */
  async publicProposal(id: number): Promise<Proposal | undefined> {
    const row = await this.db.selectFrom('software_needs').selectAll().where('id', '=', id).where('status', '=', 'approved').executeTakeFirst();
    return row ? toProposal(row) : undefined;
  }

  /** Any proposal, by id (facilitators). */
  async proposal(id: number): Promise<Proposal | undefined> {
    const row = await this.db.selectFrom('software_needs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toProposal(row) : undefined;
  }

  /** Whether the wiki publisher has saved this title (a proposal's wiki link shows once its page exists). */
  async wikiPublished(title: string): Promise<boolean> {
    return (await this.db.selectFrom('software_need_wiki_pages').select('title').where('title', '=', title).executeTakeFirst()) !== undefined;
  }

  /** Approved proposals, most needed first, a page at a time. */
  async publicList(query: ListQuery): Promise<ListPage<Proposal>> {
    let base = this.db.selectFrom('software_needs').where('status', '=', 'approved');
    if (query.kind) base = base.where('kind', '=', query.kind);
    const { n } = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const total = Number(n);
    const pages = Math.max(1, Math.ceil(total / query.pageSize));
    const page = Math.min(Math.max(1, query.page), pages);
    const rows = await base.selectAll().orderBy('association_count', 'desc').orderBy('id').limit(query.pageSize).offset((page - 1) * query.pageSize).execute();
    return { items: rows.map(toProposal), total, page, pages };
  }

  /**
   * Approved proposals after a cursor (GraphQL connection): most needed first; the cursor is
   * the last one's (count, id).
   */
  async publicAfter(first: number, after: { count: number; id: number } | null, kind?: NeedKind): Promise<{ items: Proposal[]; total: number; hasNextPage: boolean }> {
    let base = this.db.selectFrom('software_needs').where('status', '=', 'approved');
    if (kind) base = base.where('kind', '=', kind);
    const { n } = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    let q = base.selectAll();
    if (after) q = q.where((eb) => eb.or([eb('association_count', '<', after.count), eb.and([eb('association_count', '=', after.count), eb('id', '>', after.id)])]));
    const rows = await q.orderBy('association_count', 'desc').orderBy('id').limit(first + 1).execute();
    return { items: rows.slice(0, first).map(toProposal), total: Number(n), hasNextPage: rows.length > first };
  }

  /** Confirmed needs' pledges of each proposal, one association counted once (0s for one without). */
  async totals(ids: readonly number[]): Promise<Map<number, Totals>> {
    const out = new Map<number, Totals>(ids.map((id) => [id, { hours: 0, euros: 0, pledges: 0 }]));
    for (const e of await this.entries(ids)) {
      if (e.role !== 'need' || (!e.hours && !e.euros)) continue;
      const t = out.get(e.needId)!;
      t.hours += e.hours ?? 0;
      t.euros += e.euros ?? 0;
      t.pledges += 1;
    }
    return out;
  }

  /**
   * What the public sees of proposals' entries: one per association (or person), under the name
   * it first gave, with the latest pledge, note and link it gave; never an address.
   */
  async entries(ids: readonly number[]): Promise<Entry[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('software_need_entries').selectAll().where('need_id', 'in', [...ids]).where('status', '=', 'confirmed').orderBy('id').execute();
    const groups = new Map<string, Entry>();
    for (const e of rows.map(toEntry)) {
      const key = `${e.needId}:${e.role}:${e.associationId ?? e.id}`;
      const first = groups.get(key);
      if (!first) {
        groups.set(key, { ...e });
        continue;
      }
      // Later sends of the same association: what it says now replaces what it said.
      if (e.hours !== null || e.euros !== null) Object.assign(first, { hours: e.hours, euros: e.euros });
      if (e.note !== null) first.note = e.note;
      if (e.link !== null) first.link = e.link;
    }
    return [...groups.values()];
  }

  /** Every entry of proposals, with addresses (facilitators only). */
  async staffEntries(ids: readonly number[]): Promise<StaffEntry[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('software_need_entries').selectAll().where('need_id', 'in', [...ids]).where('status', '!=', 'unconfirmed').orderBy('id').execute();
    return rows.map((r) => ({ ...toEntry(r), email: r.email }));
  }

  /** Proposals waiting for a decision, oldest first. */
  async pending(): Promise<Proposal[]> {
    const rows = await this.db.selectFrom('software_needs').selectAll().where('status', '=', 'pending').orderBy('id').limit(200).execute();
    return rows.map(toProposal);
  }

  /** Every confirmed proposal (any decision), most needed first, a page at a time (facilitators). */
  async staffList(page: number, pageSize: number): Promise<ListPage<Proposal>> {
    const base = this.db.selectFrom('software_needs').where('status', '!=', 'unconfirmed');
    const { n } = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const total = Number(n);
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const current = Math.min(Math.max(1, page), pages);
    const rows = await base.selectAll().orderBy('association_count', 'desc').orderBy('id').limit(pageSize).offset((current - 1) * pageSize).execute();
    return { items: rows.map(toProposal), total, page: current, pages };
  }

  /** Every confirmed proposal, `size` at a time (the CSV export). */
  async *staffSlices(size = 200): AsyncGenerator<Proposal[]> {
    let after = 0;
    for (;;) {
      const rows = await this.db.selectFrom('software_needs').selectAll().where('status', '!=', 'unconfirmed').where('id', '>', after).orderBy('id').limit(size).execute();
      if (rows.length === 0) return;
      after = Number(rows.at(-1)!.id);
      yield rows.map(toProposal);
    }
  }

  /** Facilitators approve a pending proposal: it shows publicly and gets its wiki page. */
  async approve(viewer: Viewer, id: number): Promise<Proposal> {
    void viewer;
    const at = this.#now().toISOString();
    return writeTransaction(this.db, async (trx) => {
      const row = await trx.selectFrom('software_needs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new SoftwareNeedsError('NOT_FOUND', 'Cette proposition n’existe pas.');
      if (row.status !== 'pending') throw new SoftwareNeedsError('NOT_PENDING', 'Cette proposition n’attend plus de décision : la page a peut-être été rechargée après une autre décision.');
      let title = row.wiki_title;
      if (!title) {
        const taken = await trx.selectFrom('software_needs').select('wiki_title').where('wiki_title', 'is not', null).execute();
        title = distinctNeedTitle(row.title, new Set(taken.map((t) => t.wiki_title!.toLowerCase())));
      }
      await trx.updateTable('software_needs').set({ status: 'approved', decided_at: at, wiki_title: title, reject_reason: null }).where('id', '=', id).execute();
      return toProposal({ ...row, status: 'approved', decided_at: at, wiki_title: title, reject_reason: null });
    });
  }

  /** Facilitators reject a pending (or withdraw an approved) proposal; the reason is mailed to its author. */
  async reject(viewer: Viewer, id: number, reason: string): Promise<Proposal> {
    void viewer;
    const why = reason.trim();
    if (!why) throw new SoftwareNeedsError('REASON_REQUIRED', 'Écrivez le motif du refus : il est envoyé à l’association qui a proposé ce besoin.');
    const at = this.#now().toISOString();
    return writeTransaction(this.db, async (trx) => {
      const row = await trx.selectFrom('software_needs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new SoftwareNeedsError('NOT_FOUND', 'Cette proposition n’existe pas.');
      if (row.status !== 'pending' && row.status !== 'approved') throw new SoftwareNeedsError('NOT_PENDING', 'Cette proposition n’attend plus de décision : la page a peut-être été rechargée après une autre décision.');
      await trx.updateTable('software_needs').set({ status: 'rejected', decided_at: at, reject_reason: why }).where('id', '=', id).execute();
      const author = await trx.selectFrom('software_need_entries').select('email').where('need_id', '=', id).where('submission_key', 'like', '%:author').executeTakeFirst();
      if (author) await queueMails(trx, [rejectionMail(row.title, author.email, why)], at);
      return toProposal({ ...row, status: 'rejected', decided_at: at, reject_reason: why });
    });
  }

  /** Facilitators hide a contribution: it no longer shows nor counts. */
  async hideEntry(viewer: Viewer, entryId: number): Promise<Entry> {
    void viewer;
    return writeTransaction(this.db, async (trx) => {
      const row = await trx.selectFrom('software_need_entries').selectAll().where('id', '=', entryId).executeTakeFirst();
      if (!row) throw new SoftwareNeedsError('NOT_FOUND', 'Cette contribution n’existe pas.');
      if (row.status !== 'confirmed') throw new SoftwareNeedsError('NOT_HIDEABLE', 'Cette contribution est déjà masquée ou n’a pas été confirmée.');
      await trx.updateTable('software_need_entries').set({ status: 'hidden' }).where('id', '=', entryId).execute();
      await this.#recount(trx, Number(row.need_id));
      return toEntry({ ...row, status: 'hidden' });
    });
  }

  /**
   * Groups the proposal's confirmed entries by association: two entries with the same address or
   * the same normalised name are one association, step by step (A shares B's address, B shares
   * C's name: one). Each gets the id of its group's earliest entry; the needs' groups are counted.
   * The result depends only on the set of confirmed entries, never on the order they came in.
   */
  async #recount(trx: Tx, needId: number): Promise<void> {
    // One recount per proposal at a time (a row lock on PostgreSQL; SQLite writes one at a time):
    // each sees every confirmation committed before it, so the last one counts them all.
    await trx.updateTable('software_needs').set({ id: sql`id` as never }).where('id', '=', needId).execute();
    const rows = await trx.selectFrom('software_need_entries').select(['id', 'role', 'email', 'name_key', 'association_id'])
      .where('need_id', '=', needId).where('status', '=', 'confirmed').orderBy('id').execute();
    let count = 0;
    for (const role of ['need', 'offer']) {
      const of = rows.filter((r) => r.role === role).map((r) => ({ ...r, id: Number(r.id) }));
      const parent = new Map<number, number>(of.map((r) => [r.id, r.id]));
      const find = (id: number): number => {
        let root = id;
        while (parent.get(root) !== root) root = parent.get(root)!;
        parent.set(id, root);
        return root;
      };
      const union = (a: number, b: number) => {
        const [ra, rb] = [find(a), find(b)];
        if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
      };
      const firstBy = new Map<string, number>();
      for (const r of of) {
        for (const key of [`mail:${r.email}`, `name:${r.name_key}`]) {
          const seen = firstBy.get(key);
          if (seen === undefined) firstBy.set(key, r.id);
          else union(seen, r.id);
        }
      }
      const roots = new Set<number>();
      for (const r of of) {
        const root = find(r.id);
        roots.add(root);
        if (r.association_id === null || Number(r.association_id) !== root) await trx.updateTable('software_need_entries').set({ association_id: root }).where('id', '=', r.id).execute();
      }
      if (role === 'need') count = roots.size;
    }
    await trx.updateTable('software_needs').set({ association_count: count }).where('id', '=', needId).execute();
  }

  async #createLink(trx: Tx, purpose: 'confirm-proposal' | 'confirm-entry', subjectId: number, at: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await trx.insertInto('software_need_links').values({
      token_hash: tokenHash(token), purpose, subject_id: subjectId, expires_at: new Date(Date.parse(at) + LINK_LIFETIME_MS).toISOString(), used_at: null, created_at: at,
    }).execute();
    return token;
  }
}
