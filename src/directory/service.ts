/**
 * The directory's lifecycle: a provider declares itself (pending), facilitators approve or reject
 * it; associations recommend it (pending), facilitators verify or reject each recommendation. A
 * provider is listed while approved, with at least `minRecommendations` verified
 * recommendations and, when required, the whole training path done. Every change is one
 * transaction and leaves a moderation event behind.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { chunks } from '../store/chunks.js';
import type { Viewer } from '../auth/viewer.js';
import type { StoreDb } from '../store/database.js';
import { isoNow } from '../store/migrations.js';
import {
  declarationSchema, parseInput, providerFilterSchema, providerUpdateSchema, reasonSchema, recommendationSchema,
  type DeclarationInput, type ProviderFilter,
} from './inputs.js';
import {
  DirectoryError, domainOf, foldText, RESERVED_SLUGS, sameAssociation, slugify, SERVICES, websiteKey,
  type ModerationEvent, type Provider, type Recommendation, type RecommendationStatus, type TrainingBadge,
} from './model.js';
import { providersMatching, searchProviders, type ProviderPage } from './search.js';
import {
  directoryDb, historyOf, providerBy, recentEvents, recommendationsOf, recordEvent, takeRateSlot, toProvider, toRecommendation, writeFacets,
  type DirectoryDb, type DirectoryTx,
} from './store.js';
import { matchKeys, overlappingTerritories, territoryLabel } from './territories.js';
import { distinctProviderTitle } from './wiki-title.js';
import { de } from '../text/french.js';
import { yieldToEventLoop } from '../jobs/steps.js';

export interface DirectorySettings {
  /** POLLEN_DIRECTORY_MIN_RECOMMENDATIONS: verified recommendations needed to be listed. Default 1. */
  minRecommendations?: number;
  /** POLLEN_DIRECTORY_REQUIRE_TRAINING: list only providers whose learner finished the path. */
  requireTraining?: boolean;
  /** Anonymous recommendations and declarations per client address per window. Default 5 per 60 min. */
  rateLimit?: { max: number; windowMinutes: number };
  /** The training badge of linked learners (from progress); absent: no badge. */
  training?: (learnerIds: readonly string[]) => Promise<Map<string, TrainingBadge>>;
  now?: () => Date;
}

/** A send of a public form: where the structure's links go, and what to write with the row (link, mail). */
export interface PublicSubmission<T> {
  /** The same key twice (an identical send) stores one row, and `within` runs once. */
  key: string;
  email?: string;
  within(trx: DirectoryTx, created: T): Promise<void>;
}

/** What the public recommendation form asks beyond recommendationSchema. */
export interface RecommendationExtra {
  replacedTools: string[];
  followUp: Recommendation['followUp'];
  contactConsent: boolean;
  /** The accompaniment project the association recommends after (src/matchmaking/projects). */
  projectId?: number | null;
}

const ANONYMOUS_VIEWER: Viewer = { role: 'anonymous', learnerId: null, displayName: null };
const MANAGER_ACTOR = 'structure (lien de gestion)';
const MANAGER_VIEWER: Viewer = { role: 'anonymous', learnerId: null, displayName: MANAGER_ACTOR };

/** Public e-mail providers: sharing one says nothing about who the sender is. */
const SHARED_MAIL_DOMAINS = new Set([
  'gmail.com', 'laposte.net', 'orange.fr', 'free.fr', 'sfr.fr', 'wanadoo.fr', 'outlook.fr', 'outlook.com', 'hotmail.fr', 'hotmail.com',
  'yahoo.fr', 'yahoo.com', 'protonmail.com', 'proton.me', 'riseup.net', 'disroot.org', 'zaclys.net', 'tutanota.com', 'gmx.fr', 'mailo.com',
]);

function actorLabel(viewer: Viewer): string {
  return viewer.role === 'learner' ? `apprenant·e ${viewer.learnerId ?? '?'}` : viewer.role === 'anonymous' ? (viewer.displayName ?? 'visiteur·se') : (viewer.displayName ?? viewer.role);
}

/** What changed of the structure's identity, in French: « nom », « site web », « territoires ». */
function identityChanges(before: Provider, after: DeclarationInput): string[] {
  const out: string[] = [];
  if (after.name.trim() !== before.name.trim()) out.push('nom');
  if (websiteKey(after.website) !== websiteKey(before.website)) out.push('site web');
  if ([...after.territories].sort().join() !== [...before.territories].sort().join()) out.push('territoires');
  return out;
}

export class DirectoryService {
  readonly db: DirectoryDb;
  readonly minRecommendations: number;
  readonly requireTraining: boolean;
  readonly #rate: { max: number; windowMinutes: number };
  readonly #training: DirectorySettings['training'];
  readonly #now: () => Date;

  constructor(readonly store: StoreDb, settings: DirectorySettings = {}) {
    this.db = directoryDb(store);
    this.minRecommendations = settings.minRecommendations ?? 1;
    this.requireTraining = settings.requireTraining ?? false;
    this.#rate = settings.rateLimit ?? { max: 5, windowMinutes: 60 };
    this.#training = settings.training;
    this.#now = settings.now ?? (() => new Date());
  }

  // ---- reading ------------------------------------------------------------------------------

  async providers(filter: unknown, first: number, after?: string | null): Promise<ProviderPage> {
    return searchProviders(this.db, parseInput(providerFilterSchema, filter ?? {}), first, after);
  }

  /** Up to `limit` listed providers matching `filter`, by name, without counting them all (src/matchmaking). */
  candidates(filter: unknown, limit: number): Promise<Provider[]> {
    return providersMatching(this.db, parseInput(providerFilterSchema, filter ?? {}), limit);
  }

  provider(slug: string): Promise<Provider | undefined> {
    return providerBy(this.db, { slug });
  }

  providerById(id: number, db: DirectoryDb | DirectoryTx = this.db): Promise<Provider | undefined> {
    return providerBy(db, { id });
  }

  /**
   * Where Pollen writes to a structure for an association (src/matchmaking/projects): the address
   * its sign-in links go to, else its public contact when that is an e-mail. Never shown.
   */
  async contactAddress(providerId: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('directory_providers').select(['manager_email', 'public_contact']).where('id', '=', providerId).executeTakeFirst();
    if (!row) return undefined;
    const pub = row.public_contact && /^[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}$/i.test(row.public_contact) ? row.public_contact : undefined;
    return row.manager_email ?? pub;
  }

  /** Every listed provider, by name (wiki, GeoJSON). */
  async listed(): Promise<Provider[]> {
    const rows = await this.db.selectFrom('directory_providers').selectAll().where('listed', '=', 1).orderBy('name_key').orderBy('id').execute();
    return rows.map(toProvider);
  }

  /** Every provider, whatever its status, for the wiki publisher (unlisting marks their page). */
  async publishable(): Promise<Provider[]> {
    const rows = await this.db.selectFrom('directory_providers').selectAll().orderBy('name_key').orderBy('id').execute();
    return rows.map(toProvider);
  }

  recommendations(providerIds: readonly number[], statuses: readonly RecommendationStatus[] = ['verified']): Promise<Recommendation[]> {
    return recommendationsOf(this.db, providerIds, statuses);
  }

  /** What facilitators have to decide: pending declarations and recommendations, oldest first. */
  async moderationQueue(): Promise<{ providers: Provider[]; recommendations: Array<Recommendation & { provider: Provider }> }> {
    const providers = (await this.db.selectFrom('directory_providers').selectAll().where('status', '=', 'pending').orderBy('id').execute()).map(toProvider);
    const recs = (await this.db.selectFrom('directory_recommendations').selectAll().where('status', '=', 'pending').orderBy('id').execute()).map(toRecommendation);
    const owners = new Map<number, Provider>();
    for (const ids of chunks([...new Set(recs.map((r) => r.providerId))])) {
      for (const row of await this.db.selectFrom('directory_providers').selectAll().where('id', 'in', ids).execute()) owners.set(Number(row.id), toProvider(row));
    }
    return { providers, recommendations: recs.flatMap((r) => (owners.has(r.providerId) ? [{ ...r, provider: owners.get(r.providerId)! }] : [])) };
  }

  history(subject: ModerationEvent['subject'], ids: readonly number[]): Promise<ModerationEvent[]> {
    return historyOf(this.db, subject, ids);
  }

  /** The latest moderation events, newest first, each with what it is about in French. */
  recentHistory(limit = 20): Promise<Array<ModerationEvent & { label: string }>> {
    return recentEvents(this.db, limit);
  }

  /** A viewer may see a provider's private side: facilitators, admins, and its own learner. */
  canSeePrivate(viewer: Viewer, provider: Provider): boolean {
    return viewer.role === 'facilitator' || viewer.role === 'admin' || (viewer.role === 'learner' && viewer.learnerId !== null && viewer.learnerId === provider.learnerId);
  }

  // ---- providers ----------------------------------------------------------------------------

  /**
   * A signed-in learner declares the structure they work for; pending until approved. From the
   * public form (`form`): `unconfirmed` until the mailed link is opened, with the address the
   * structure's sign-in links go to; `form.within` writes the link and its mail in the same
   * transaction. The page counted the send against its own limits.
   */
  async declare(viewer: Viewer, input: unknown, clientAddress: string | undefined, form?: PublicSubmission<Provider>): Promise<Provider> {
    const data = parseInput(declarationSchema, input);
    if (!form) await this.#limit('declare', clientAddress);
    const now = isoNow(this.#now());
    const training = form ? null : ((await this.#badgeFor(viewer.learnerId)) ?? null);
    return this.db.transaction().execute(async (trx) => {
      // PostgreSQL: identical sends at once race for the same slug; the losers find the winner's row below.
      const sent = form && (await trx.selectFrom('directory_providers').select('id').where('submission_key', '=', form.key).executeTakeFirst());
      if (sent) return (await providerBy(trx, { id: Number(sent.id) }))!;
      await this.#refuseDuplicate(trx, data, null);
      const slug = await this.#freeSlug(trx, slugify(data.name));
      const wiki_title = await this.#freeTitle(trx, data, null);
      const status = form ? 'unconfirmed' : 'pending';
      const row = { ...this.#columns(data), slug, wiki_title, learner_id: viewer.learnerId, status, listed: 0, verified_count: 0, training, created_at: now, updated_at: now,
        ...(form ? { manager_email: form.email ?? null, submission_key: form.key } : {}) };
      const { id } = await trx.insertInto('directory_providers').values(row).returning('id').executeTakeFirstOrThrow();
      await writeFacets(trx, Number(id), data.services, matchKeys(data.territories));
      // A form's declaration is recorded when its address is confirmed (confirmDeclaration).
      if (!form) await recordEvent(trx, { subject: 'provider', subjectId: Number(id), action: 'declared', reason: null, actor: actorLabel(viewer), at: now });
      await this.#relist(trx, Number(id));
      const provider = (await providerBy(trx, { id: Number(id) }))!;
      await form?.within(trx, provider);
      return provider;
    }).catch(async (err: unknown) => {
      // An identical send committed first (unique slug or key): its row is the answer, with no second mail.
      const sent = form && !(err instanceof DirectoryError) && (await this.db.selectFrom('directory_providers').select('id').where('submission_key', '=', form.key).executeTakeFirst());
      if (sent) return (await providerBy(this.db, { id: Number(sent.id) }))!;
      throw err;
    });
  }

  /** The mailed link of a public declaration was opened: facilitators see it from now on. */
  async confirmDeclaration(trx: DirectoryTx, providerId: number): Promise<Provider | undefined> {
    const now = isoNow(this.#now());
    const done = await trx.updateTable('directory_providers').set({ status: 'pending', submission_key: null, updated_at: now }).where('id', '=', providerId).where('status', '=', 'unconfirmed').executeTakeFirst();
    if (Number(done.numUpdatedRows) === 1) {
      await recordEvent(trx, { subject: 'provider', subjectId: providerId, action: 'declared', reason: 'Adresse e-mail confirmée par le lien envoyé', actor: 'structure (formulaire public)', at: now });
    }
    return providerBy(trx, { id: providerId });
  }

  /** The provider's own learner (or a facilitator) changes the entry; listing is recomputed. */
  async update(viewer: Viewer, slug: string, input: unknown): Promise<Provider> {
    const current = await this.#owned(viewer, slug);
    const staff = viewer.role === 'facilitator' || viewer.role === 'admin';
    return this.#applyUpdate(current, input, actorLabel(viewer), staff);
  }

  /** The structure itself, signed in through its mailed link (src/directory/pages), changes its fiche. */
  async updateAsManager(providerId: number, input: unknown): Promise<Provider> {
    const current = await providerBy(this.db, { id: providerId });
    if (!current) throw new DirectoryError('NOT_FOUND', 'Cette fiche n’existe plus.');
    return this.#applyUpdate(current, input, MANAGER_ACTOR, false);
  }

  /** The structure itself withdraws its fiche (unlisted at once). */
  async withdrawAsManager(providerId: number): Promise<Provider> {
    const current = await providerBy(this.db, { id: providerId });
    if (!current) throw new DirectoryError('NOT_FOUND', 'Cette fiche n’existe plus.');
    return this.#setStatus(MANAGER_VIEWER, current, 'withdrawn', 'withdrawn', 'Retirée par la structure');
  }

  async #applyUpdate(current: Provider, input: unknown, actor: string, staff: boolean): Promise<Provider> {
    const changes = parseInput(providerUpdateSchema, input);
    if (current.status === 'withdrawn' || current.status === 'rejected') {
      throw new DirectoryError('INVALID_STATE', 'Cette fiche a été retirée ou refusée : déclarez la structure à nouveau.');
    }
    const merged: DeclarationInput = {
      name: changes.name ?? current.name,
      kind: changes.kind ?? current.kind,
      description: changes.description ?? current.description,
      services: changes.services ?? current.services,
      territories: changes.territories ?? current.territories,
      address: changes.address === undefined ? current.address : changes.address,
      website: changes.website === undefined ? current.website : changes.website,
      publicContact: changes.publicContact === undefined ? current.publicContact : changes.publicContact,
      publicContactConsent: true,
    };
    const now = isoNow(this.#now());
    const changed = identityChanges(current, merged);
    // A change of who the structure is (name, website, territories) is checked again before it is
    // shown: the fiche goes back to `pending` and is unlisted (hidden, not kept in its old form)
    // until a facilitator approves it. The directory shows only what a facilitator has checked,
    // and the old fiche would show a name or a site the structure itself says is no longer
    // right; a hijacked account cannot point a listed fiche to another site either. A
    // facilitator's own edit is that check.
    const review = changed.length > 0 && current.status === 'approved' && !staff;
    return this.db.transaction().execute(async (trx) => {
      await this.#refuseDuplicate(trx, merged, current.id);
      const renamed = merged.name !== current.name;
      const title = renamed ? await this.#freeTitle(trx, merged, current.id) : current.wikiTitle;
      const titles = title === current.wikiTitle ? {} : { wiki_title: title, former_wiki_titles: JSON.stringify([...new Set([...current.formerWikiTitles, current.wikiTitle])].filter((t) => t !== title)) };
      await trx.updateTable('directory_providers').set({ ...this.#columns(merged), ...titles, ...(review ? { status: 'pending' } : {}), updated_at: now }).where('id', '=', current.id).execute();
      await writeFacets(trx, current.id, merged.services, matchKeys(merged.territories));
      const what = changed.length > 1 ? `${changed.slice(0, -1).join(', ')} et ${changed.at(-1)!}` : changed[0]!;
      const plural = changed.length > 1 || changed[0] === 'territoires';
      const reason = review ? `${what[0]!.toUpperCase()}${what.slice(1)} modifié${plural ? 's' : ''} : la fiche est retirée de l’annuaire jusqu’à une nouvelle validation` : null;
      await recordEvent(trx, { subject: 'provider', subjectId: current.id, action: 'updated', reason, actor, at: now });
      await this.#relist(trx, current.id);
      return (await providerBy(trx, { id: current.id }))!;
    });
  }

  /** Withdrawal unlists at once. */
  async withdraw(viewer: Viewer, slug: string, reason?: string | null): Promise<Provider> {
    const current = await this.#owned(viewer, slug);
    return this.#setStatus(viewer, current, 'withdrawn', 'withdrawn', reason ?? null);
  }

  async approveProvider(viewer: Viewer, slug: string, reason?: string | null): Promise<Provider> {
    const current = await this.#mustFind(slug);
    if (current.status === 'withdrawn') throw new DirectoryError('INVALID_STATE', 'Cette structure a retiré sa fiche : elle ne peut pas être validée.');
    return this.#setStatus(viewer, current, 'approved', 'approved', reason ? parseInput(reasonSchema, reason) : null);
  }

  async rejectProvider(viewer: Viewer, slug: string, reason: string): Promise<Provider> {
    const current = await this.#mustFind(slug);
    return this.#setStatus(viewer, current, 'rejected', 'rejected', parseInput(reasonSchema, reason));
  }

  // ---- recommendations ----------------------------------------------------------------------

  /**
   * An association (anonymous is fine) recommends a provider; pending until verified. From the
   * public form (`form`): `unconfirmed` until the mailed link is opened; an identical send
   * (same `form.key`) inserts nothing and gives back the first one with `created: false`.
   */
  async recommend(viewer: Viewer, input: unknown, clientAddress: string | undefined): Promise<Recommendation> {
    return (await this.#recommend(viewer, input, clientAddress)).recommendation;
  }

  async recommendByForm(input: unknown, form: PublicSubmission<Recommendation> & { extra: RecommendationExtra }): Promise<{ recommendation: Recommendation; created: boolean }> {
    return this.#recommend(ANONYMOUS_VIEWER, input, undefined, form);
  }

  /** The mailed link of a public recommendation was opened: facilitators see it from now on. */
  async confirmRecommendation(trx: DirectoryTx, id: number): Promise<Recommendation | undefined> {
    const now = isoNow(this.#now());
    const done = await trx.updateTable('directory_recommendations').set({ status: 'pending', confirmed_at: now, updated_at: now }).where('id', '=', id).where('status', '=', 'unconfirmed').executeTakeFirst();
    if (Number(done.numUpdatedRows) === 1) {
      await recordEvent(trx, { subject: 'recommendation', subjectId: id, action: 'recommended', reason: 'Adresse e-mail confirmée par le lien envoyé', actor: 'association (formulaire public)', at: now });
    }
    const row = await trx.selectFrom('directory_recommendations').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecommendation(row);
  }

  async #recommend(viewer: Viewer, input: unknown, clientAddress: string | undefined, form?: PublicSubmission<Recommendation> & { extra: RecommendationExtra }): Promise<{ recommendation: Recommendation; created: boolean }> {
    const data = parseInput(recommendationSchema, input);
    const provider = await this.#mustFind(data.providerSlug);
    if (provider.status === 'withdrawn' || provider.status === 'rejected' || provider.status === 'unconfirmed') {
      throw new DirectoryError('INVALID_STATE', `« ${provider.name} » n’est pas dans l’annuaire : elle ne peut pas être recommandée.`);
    }
    if (viewer.learnerId !== null && viewer.learnerId === provider.learnerId) {
      throw new DirectoryError('SELF_RECOMMENDATION', 'Une structure ne peut pas se recommander elle-même : c’est l’association accompagnée qui recommande.');
    }
    const domain = domainOf(data.verificationContact);
    const own = [domainOf(provider.website), domainOf(provider.publicContact)];
    if (domain && !SHARED_MAIL_DOMAINS.has(domain) && own.some((d) => d === domain || (d !== null && domain.endsWith(`.${d}`)))) {
      throw new DirectoryError('SELF_RECOMMENDATION', `Le contact de vérification (${domain}) est celui de la structure recommandée : la recommandation doit venir de l’association accompagnée.`);
    }
    if (!form) await this.#limit('recommend', clientAddress);
    const now = isoNow(this.#now());
    return this.db.transaction().execute(async (trx) => {
      const row = {
        provider_id: provider.id, association_name: data.associationName, rna: data.rna, verification_contact: data.verificationContact,
        period_start: data.periodStart, period_end: data.periodEnd, work: data.work, tools: JSON.stringify(data.tools),
        questionnaire: JSON.stringify(data.questionnaire), quote: data.quote, quote_consent: data.quoteConsent ? 1 : 0,
        status: form ? 'unconfirmed' : 'pending', created_at: now, updated_at: now,
        ...(form ? {
          submission_key: form.key, replaced_tools: JSON.stringify(form.extra.replacedTools), follow_up: JSON.stringify(form.extra.followUp),
          contact_consent: form.extra.contactConsent ? 1 : 0, project_id: form.extra.projectId ?? null,
        } : {}),
      };
      // An identical send already stored (a double click, a replayed POST): nothing new, no mail.
      const insert = trx.insertInto('directory_recommendations').values(row);
      const inserted = await (form ? insert.onConflict((oc) => oc.column('submission_key').doNothing()) : insert).returning('id').executeTakeFirst();
      if (!inserted) {
        const first = await trx.selectFrom('directory_recommendations').selectAll().where('submission_key', '=', form!.key).executeTakeFirstOrThrow();
        return { recommendation: toRecommendation(first), created: false };
      }
      const id = Number(inserted.id);
      if (!form) await recordEvent(trx, { subject: 'recommendation', subjectId: id, action: 'recommended', reason: null, actor: actorLabel(viewer), at: now });
      const recommendation = toRecommendation((await trx.selectFrom('directory_recommendations').selectAll().where('id', '=', id).executeTakeFirstOrThrow()));
      await form?.within(trx, recommendation);
      return { recommendation, created: true };
    });
  }

  async verifyRecommendation(viewer: Viewer, id: number, reason?: string | null): Promise<Recommendation> {
    return this.#decide(viewer, id, 'verified', reason ? parseInput(reasonSchema, reason) : null);
  }

  async rejectRecommendation(viewer: Viewer, id: number, reason: string): Promise<Recommendation> {
    return this.#decide(viewer, id, 'rejected', parseInput(reasonSchema, reason));
  }

  /**
   * Recomputes every provider's listing (at start: the listing settings may have changed), in
   * one UPDATE: no provider is read into memory, whatever the directory's size.
   */
  async relistAll(): Promise<void> {
    await this.#relistSet(this.db);
  }

  /**
   * Re-reads every linked learner's training badge and re-lists accordingly, `sliceSize`
   * providers at a time: one progress read per slice, a write only where the badge changed, and
   * the event loop handed back between slices (`pause`), so a national directory never holds
   * the gateway for more than one slice's work. Returns what it did.
   */
  async refreshTraining(options: { sliceSize?: number; pause?: () => Promise<void> } = {}): Promise<{ checked: number; changed: number; slices: number }> {
    const done = { checked: 0, changed: 0, slices: 0 };
    if (!this.#training) return done;
    const size = options.sliceSize ?? 50;
    const pause = options.pause ?? yieldToEventLoop;
    let after = 0;
    for (;;) {
      const rows = await this.db.selectFrom('directory_providers').select(['id', 'learner_id', 'training'])
        .where('learner_id', 'is not', null).where('id', '>', after).orderBy('id').limit(size).execute();
      if (rows.length === 0) break;
      after = Number(rows.at(-1)!.id);
      const badges = await this.#training([...new Set(rows.map((r) => r.learner_id!))]);
      const changed = rows.flatMap((row) => {
        const badge = badges.get(row.learner_id!);
        const json = badge ? JSON.stringify(badge) : null;
        return json === row.training ? [] : [{ id: Number(row.id), json }];
      });
      if (changed.length > 0) {
        await this.db.transaction().execute(async (trx) => {
          // One statement for the slice's new badges, one for their listing.
          const badge = sql<string | null>`CASE id ${sql.join(changed.map((c) => sql`WHEN ${c.id} THEN ${c.json}`), sql` `)} END`;
          await trx.updateTable('directory_providers').set({ training: badge }).where('id', 'in', changed.map((c) => c.id)).execute();
          await this.#relistSet(trx, changed.map((c) => c.id));
        });
      }
      done.checked += rows.length;
      done.changed += changed.length;
      done.slices++;
      await pause();
    }
    return done;
  }

  // ---- internals ----------------------------------------------------------------------------

  #columns(d: DeclarationInput) {
    const labels = [d.name, d.description, ...d.services.map((s) => SERVICES[s]), ...d.territories.map(territoryLabel), d.address?.city ?? ''];
    return {
      name: d.name, name_key: foldText(d.name), website_key: websiteKey(d.website), kind: d.kind, description: d.description,
      services: JSON.stringify(d.services), territories: JSON.stringify(d.territories),
      street: d.address?.street ?? null, postal_code: d.address?.postalCode ?? null, city: d.address?.city ?? null,
      lat: d.address?.lat ?? null, lon: d.address?.lon ?? null, website: d.website, public_contact: d.publicContact,
      search_text: foldText(labels.join(' ')),
    };
  }

  async #refuseDuplicate(trx: DirectoryTx, d: DeclarationInput, selfId: number | null): Promise<void> {
    const site = websiteKey(d.website);
    const candidates = await trx
      .selectFrom('directory_providers')
      .select(['id', 'name', 'slug', 'website_key', 'territories'])
      .where('status', 'in', ['pending', 'approved'])
      .where((eb) => (site ? eb.or([eb('website_key', '=', site), eb('name_key', '=', foldText(d.name))]) : eb('name_key', '=', foldText(d.name))))
      .execute();
    for (const c of candidates) {
      if (Number(c.id) === selfId) continue;
      if (site && c.website_key === site) {
        throw new DirectoryError('DUPLICATE_PROVIDER', `Le site ${d.website} est déjà celui de « ${c.name} » dans l’annuaire : mettez cette fiche à jour plutôt que d’en créer une autre.`, { existing: c.slug });
      }
      // A région overlaps its départements: « Hauts-de-France » and « Somme (80) » are one place.
      const shared = overlappingTerritories(d.territories, JSON.parse(c.territories) as string[]);
      if (shared.length) {
        throw new DirectoryError('DUPLICATE_PROVIDER', `« ${c.name} » figure déjà dans l’annuaire sur le même territoire (${shared.map(territoryLabel).join(', ')}) : mettez cette fiche à jour plutôt que d’en créer une autre.`, { existing: c.slug });
      }
    }
  }

  async #freeSlug(trx: DirectoryTx, base: string): Promise<string> {
    const taken = new Set([...RESERVED_SLUGS, ...(await trx.selectFrom('directory_providers').select('slug').where('slug', 'like', `${base}%`).execute()).map((r) => r.slug)]);
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    return slug;
  }

  /** A wiki title no other provider has or had (any status: a withdrawn one's page stays on the wiki). */
  async #freeTitle(trx: DirectoryTx, d: DeclarationInput, selfId: number | null): Promise<string> {
    const others = await trx.selectFrom('directory_providers').select(['id', 'wiki_title', 'former_wiki_titles']).execute();
    // A renamed provider's former titles stay taken: their pages point to it.
    const taken = new Set(others.filter((o) => Number(o.id) !== selfId).flatMap((o) => [o.wiki_title ?? '', ...(JSON.parse(o.former_wiki_titles) as string[])]).filter(Boolean).map(foldText));
    return distinctProviderTitle(d.name, d.address?.city ?? (d.territories[0] ? territoryLabel(d.territories[0]) : null), taken);
  }

  async #mustFind(slug: string): Promise<Provider> {
    const provider = await providerBy(this.db, { slug });
    if (!provider) throw new DirectoryError('NOT_FOUND', `Aucune structure « ${slug} » dans l’annuaire.`);
    return provider;
  }

  async #owned(viewer: Viewer, slug: string): Promise<Provider> {
    const provider = await this.#mustFind(slug);
    if (!this.canSeePrivate(viewer, provider)) throw new DirectoryError('FORBIDDEN', 'Seul·e la personne qui a déclaré la structure, ou l’équipe d’animation, peut modifier cette fiche.');
    return provider;
  }

  async #setStatus(viewer: Viewer, current: Provider, status: Provider['status'], action: ModerationEvent['action'], reason: string | null): Promise<Provider> {
    const now = isoNow(this.#now());
    const training = current.learnerId ? await this.#badgeFor(current.learnerId) : undefined;
    return this.db.transaction().execute(async (trx) => {
      await trx.updateTable('directory_providers').set({ status, updated_at: now, ...(training !== undefined ? { training } : {}) }).where('id', '=', current.id).execute();
      await recordEvent(trx, { subject: 'provider', subjectId: current.id, action, reason, actor: actorLabel(viewer), at: now });
      await this.#relist(trx, current.id);
      return (await providerBy(trx, { id: current.id }))!;
    });
  }

  async #decide(viewer: Viewer, id: number, status: 'verified' | 'rejected', reason: string | null): Promise<Recommendation> {
    const now = isoNow(this.#now());
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('directory_recommendations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new DirectoryError('NOT_FOUND', `Aucune recommandation n° ${id}.`);
      await trx.updateTable('directory_recommendations').set({ status, updated_at: now }).where('id', '=', id).execute();
      await recordEvent(trx, { subject: 'recommendation', subjectId: id, action: status, reason, actor: actorLabel(viewer), at: now });
      if (status === 'verified') await this.#replaceEarlier(trx, toRecommendation(row), viewer, now);
      await this.#relist(trx, Number(row.provider_id));
      return toRecommendation({ ...row, status, updated_at: now });
    });
  }

  /**
   * One recommendation per association per provider: once one is verified, the same
   * association's other recommendations of that provider (verified or still pending) are
   * `replaced`, with an event naming the one that replaced them. Until then the earlier stays:
   * a stranger sending a recommendation in an association's name cannot take its place.
   */
  async #replaceEarlier(trx: DirectoryTx, kept: Recommendation, viewer: Viewer, now: string): Promise<void> {
    const others = await trx.selectFrom('directory_recommendations').selectAll()
      .where('provider_id', '=', kept.providerId).where('id', '!=', kept.id).where('status', 'in', ['pending', 'verified']).execute();
    for (const other of others.map(toRecommendation)) {
      if (!sameAssociation(kept, other)) continue;
      await trx.updateTable('directory_recommendations').set({ status: 'replaced', updated_at: now }).where('id', '=', other.id).execute();
      await recordEvent(trx, { subject: 'recommendation', subjectId: other.id, action: 'replaced', reason: `Remplacée par la recommandation n° ${kept.id} de la même association`, actor: actorLabel(viewer), at: now });
    }
  }

  /**
   * #relist for many providers (`ids`, or every one) in one UPDATE: the same rule, nothing read
   * into memory. The badge is stored as JSON.stringify writes it: `"complete":true` only in a
   * complete one.
   */
  async #relistSet(db: DirectoryDb | DirectoryTx, ids?: readonly number[]): Promise<void> {
    const verified = sql<number>`(SELECT COUNT(*) FROM directory_recommendations r WHERE r.provider_id = directory_providers.id AND r.status = 'verified')`;
    const trained = this.requireTraining ? sql`AND training LIKE ${'%"complete":true%'}` : sql``;
    const update = db.updateTable('directory_providers').set({
      verified_count: verified,
      listed: sql<number>`CASE WHEN status = 'approved' AND ${verified} >= ${this.minRecommendations} ${trained} THEN 1 ELSE 0 END`,
    });
    if (!ids) await update.execute();
    else for (const chunk of chunks(ids)) await update.where('id', 'in', chunk).execute();
  }

  /** Recomputes a provider's verified count and listing from its rows. */
  async #relist(trx: DirectoryTx, providerId: number): Promise<void> {
    const { n } = await trx
      .selectFrom('directory_recommendations')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('provider_id', '=', providerId)
      .where('status', '=', 'verified')
      .executeTakeFirstOrThrow();
    const p = await providerBy(trx, { id: providerId });
    if (!p) return;
    const verified = Number(n);
    const trained = !this.requireTraining || p.training?.complete === true;
    const listed = p.status === 'approved' && verified >= this.minRecommendations && trained;
    await trx.updateTable('directory_providers').set({ verified_count: verified, listed: listed ? 1 : 0 }).where('id', '=', providerId).execute();
  }

  /** The learner's badge as stored (JSON), null without one; undefined when progress is not wired. */
  async #badgeFor(learnerId: string | null): Promise<string | null | undefined> {
    if (!this.#training) return undefined;
    if (!learnerId) return null;
    const badge = (await this.#training([learnerId])).get(learnerId);
    return badge ? JSON.stringify(badge) : null;
  }

  async #limit(action: 'declare' | 'recommend', clientAddress: string | undefined): Promise<void> {
    // The address is kept hashed: the table never holds visitors' IPs.
    const key = createHash('sha256').update(`pollen-directory:${clientAddress ?? 'inconnu'}`).digest('hex').slice(0, 32);
    const slot = await takeRateSlot(this.db, action, key, this.#rate.max, this.#rate.windowMinutes * 60_000, this.#now());
    if (!slot.allowed) {
      const minutes = Math.max(1, Math.ceil(slot.retryAfterSeconds / 60));
      throw new DirectoryError('RATE_LIMITED', `Trop d’envois depuis cette adresse : réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`, { retryAfterSeconds: slot.retryAfterSeconds });
    }
  }

  // ---- moderation, page by page (the dashboard's /dashboard/annuaire) -------------------------

  /**
   * One page of each part of the moderation queue, oldest first, each recommendation with its
   * structure, and the latest `historyLimit` decisions labelled (as recentHistory() does): eight
   * queries, whatever the queue's length (moderationQueue() reads it all, with one query per
   * structure). Pages are numbered from 1; past the last, the last is given.
   */
  async moderationPage(pages: { providers: number; recommendations: number }, size: number, historyLimit = 20): Promise<{
    providers: Provider[];
    providerCount: number;
    recommendations: Array<Recommendation & { provider: Provider }>;
    recommendationCount: number;
    history: Array<ModerationEvent & { label: string }>;
  }> {
    const [providerRow, recommendationRow] = await Promise.all([
      this.db.selectFrom('directory_providers').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow(),
      this.db.selectFrom('directory_recommendations').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow(),
    ]);
    const providerCount = Number(providerRow.n);
    const recommendationCount = Number(recommendationRow.n);
    const offset = (page: number, count: number) => (Math.min(Math.max(1, page), Math.max(1, Math.ceil(count / size))) - 1) * size;
    const [providerRows, recommendationRows] = await Promise.all([
      this.db.selectFrom('directory_providers').selectAll().where('status', '=', 'pending').orderBy('id').limit(size).offset(offset(pages.providers, providerCount)).execute(),
      this.db.selectFrom('directory_recommendations').selectAll().where('status', '=', 'pending').orderBy('id').limit(size).offset(offset(pages.recommendations, recommendationCount)).execute(),
    ]);
    const recs = recommendationRows.map(toRecommendation);
    const events = await this.db.selectFrom('directory_moderation').selectAll().orderBy('id', 'desc').limit(historyLimit).execute();
    const ids = (subject: string) => [...new Set(events.filter((e) => e.subject === subject).map((e) => Number(e.subject_id)))];
    const decided = ids('recommendation');
    const decidedRows = decided.length ? await this.db.selectFrom('directory_recommendations').select(['id', 'association_name', 'provider_id']).where('id', 'in', decided).execute() : [];
    const ownerIds = [...new Set([...recs.map((r) => r.providerId), ...ids('provider'), ...decidedRows.map((r) => Number(r.provider_id))])];
    const owners = new Map(
      ownerIds.length ? (await this.db.selectFrom('directory_providers').selectAll().where('id', 'in', ownerIds).execute()).map((row) => [Number(row.id), toProvider(row)] as const) : [],
    );
    const decidedById = new Map(decidedRows.map((r) => [Number(r.id), r]));
    const history = events.map((r) => {
      const event = { subject: r.subject as ModerationEvent['subject'], subjectId: Number(r.subject_id), action: r.action as ModerationEvent['action'], reason: r.reason, actor: r.actor, at: r.at };
      const rec = event.subject === 'recommendation' ? decidedById.get(event.subjectId) : undefined;
      const owner = rec ? owners.get(Number(rec.provider_id)) : undefined;
      const label = event.subject === 'provider'
        ? (owners.get(event.subjectId)?.name ?? `n° ${event.subjectId}`)
        : rec ? `Recommandation ${de(rec.association_name)}${owner ? ` pour ${owner.name}` : ''}` : `n° ${event.subjectId}`;
      return { ...event, label };
    });
    return {
      providers: providerRows.map(toProvider),
      providerCount,
      recommendations: recs.flatMap((r) => (owners.has(r.providerId) ? [{ ...r, provider: owners.get(r.providerId)! }] : [])),
      recommendationCount,
      history,
    };
  }
}
