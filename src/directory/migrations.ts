import type { Migration } from '../store/migrations.js';
import { withIdColumn } from '../store/migrations.js';
import { changeMarkerMigration } from '../store/changes.js';
import { foldText, sameAssociation } from './model.js';
import { distinctProviderTitle } from './wiki-title.js';

/**
 * The directory's tables. Services and served territories are also kept as one row each
 * (`directory_provider_services`, `directory_provider_areas`) so the public filters are index
 * lookups; `listed` and `verified_count` are kept up to date by the service on every change, so
 * listing is a plain indexed read.
 */
export const directoryMigrations: Migration[] = [
  {
    id: 'directory/001-providers',
    up: async (db, dialect) => {
      await withIdColumn(db.schema.createTable('directory_providers'), dialect)
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull())
        .addColumn('website_key', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('services', 'text', (c) => c.notNull())
        .addColumn('territories', 'text', (c) => c.notNull())
        .addColumn('street', 'text')
        .addColumn('postal_code', 'text')
        .addColumn('city', 'text')
        .addColumn('lat', 'double precision')
        .addColumn('lon', 'double precision')
        .addColumn('website', 'text')
        .addColumn('public_contact', 'text')
        .addColumn('learner_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('listed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('verified_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('training', 'text')
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('directory_providers_listed').on('directory_providers').columns(['listed', 'name_key', 'id']).execute();
      await db.schema.createIndex('directory_providers_website').on('directory_providers').column('website_key').execute();
      await db.schema.createIndex('directory_providers_learner').on('directory_providers').column('learner_id').execute();

      await db.schema
        .createTable('directory_provider_services')
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('provider_id', 'integer', (c) => c.notNull().references('directory_providers.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('directory_provider_services_pk', ['service', 'provider_id'])
        .execute();
      await db.schema
        .createTable('directory_provider_areas')
        .addColumn('area_key', 'text', (c) => c.notNull())
        .addColumn('provider_id', 'integer', (c) => c.notNull().references('directory_providers.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('directory_provider_areas_pk', ['area_key', 'provider_id'])
        .execute();

      await withIdColumn(db.schema.createTable('directory_recommendations'), dialect)
        .addColumn('provider_id', 'integer', (c) => c.notNull().references('directory_providers.id').onDelete('cascade'))
        .addColumn('association_name', 'text', (c) => c.notNull())
        .addColumn('rna', 'text')
        .addColumn('verification_contact', 'text', (c) => c.notNull())
        .addColumn('period_start', 'text', (c) => c.notNull())
        .addColumn('period_end', 'text')
        .addColumn('work', 'text', (c) => c.notNull())
        .addColumn('tools', 'text', (c) => c.notNull())
        .addColumn('questionnaire', 'text', (c) => c.notNull())
        .addColumn('quote', 'text')
        .addColumn('quote_consent', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('directory_recommendations_provider').on('directory_recommendations').columns(['provider_id', 'status']).execute();
      await db.schema.createIndex('directory_recommendations_status').on('directory_recommendations').columns(['status', 'id']).execute();

      await withIdColumn(db.schema.createTable('directory_moderation'), dialect)
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'integer', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('directory_moderation_subject').on('directory_moderation').columns(['subject', 'subject_id', 'id']).execute();

      // Anonymous submissions per client address (hashed), shared by every replica.
      await withIdColumn(db.schema.createTable('directory_rate_events'), dialect)
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('client_key', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('directory_rate_events_key').on('directory_rate_events').columns(['action', 'client_key', 'at']).execute();

      // What the wiki publisher last saved, so unchanged pages cost nothing.
      await db.schema
        .createTable('directory_wiki_pages')
        .addColumn('title', 'text', (c) => c.primaryKey())
        .addColumn('text_hash', 'text', (c) => c.notNull())
        .addColumn('revid', 'integer')
        .addColumn('published_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    // Each provider keeps its own wiki title: two providers of one name (in different places)
    // once shared `Annuaire/<Nom>` and overwrote each other's page on every run.
    id: 'directory/002-wiki-titles',
    up: async (db) => {
      await db.schema.alterTable('directory_providers').addColumn('wiki_title', 'text').execute();
      // Titles a renamed provider had: their pages are marked and point to the new one.
      await db.schema.alterTable('directory_providers').addColumn('former_wiki_titles', 'text', (c) => c.notNull().defaultTo('[]')).execute();
      const rows = await db.selectFrom('directory_providers').select(['id', 'name', 'city']).orderBy('id').execute();
      const taken = new Set<string>();
      for (const row of rows as Array<{ id: number; name: string; city: string | null }>) {
        const title = distinctProviderTitle(row.name, row.city, taken);
        taken.add(foldText(title));
        await db.updateTable('directory_providers').set({ wiki_title: title }).where('id', '=', row.id).execute();
      }
    },
  },
  {
    // One recommendation per association per provider: of verified ones from the same
    // association, the latest stays and the earlier are `replaced` (the provider was counted twice).
    id: 'directory/003-one-recommendation-per-association',
    up: async (db) => {
      type Row = { id: number; provider_id: number; rna: string | null; association_name: string };
      const rows = (await db.selectFrom('directory_recommendations').select(['id', 'provider_id', 'rna', 'association_name'])
        .where('status', '=', 'verified').orderBy('id', 'desc').execute()) as Row[];
      const kept: Row[] = [];
      const at = new Date().toISOString();
      const asRec = (r: Row) => ({ rna: r.rna, associationName: r.association_name });
      for (const row of rows) {
        const later = kept.find((k) => Number(k.provider_id) === Number(row.provider_id) && sameAssociation(asRec(k), asRec(row)));
        if (!later) {
          kept.push(row);
          continue;
        }
        await db.updateTable('directory_recommendations').set({ status: 'replaced', updated_at: at }).where('id', '=', row.id).execute();
        await db.insertInto('directory_moderation').values({
          subject: 'recommendation', subject_id: Number(row.id), action: 'replaced', reason: `Remplacée par la recommandation n° ${later.id} de la même association`, actor: 'mise à jour de Pollen', at,
        }).execute();
      }
    },
  },
  {
    // The public forms (src/directory/pages): recommendations and declarations confirmed through a
    // mailed link, the structure's own sign-in links and sessions (no password).
    id: 'directory/004-public-forms',
    up: async (db, dialect) => {
      // One row per identical submission: twenty identical sends insert once (ON CONFLICT DO NOTHING).
      await db.schema.alterTable('directory_recommendations').addColumn('submission_key', 'text').execute();
      await db.schema.createIndex('directory_recommendations_submission').unique().on('directory_recommendations').column('submission_key').execute();
      await db.schema.alterTable('directory_recommendations').addColumn('replaced_tools', 'text', (c) => c.notNull().defaultTo('[]')).execute();
      await db.schema.alterTable('directory_recommendations').addColumn('follow_up', 'text', (c) => c.notNull().defaultTo('{}')).execute();
      await db.schema.alterTable('directory_recommendations').addColumn('contact_consent', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('directory_recommendations').addColumn('confirmed_at', 'text').execute();
      // Where the structure's sign-in links go: never shown, never in GraphQL.
      await db.schema.alterTable('directory_providers').addColumn('manager_email', 'text').execute();
      await db.schema.createIndex('directory_providers_manager').on('directory_providers').column('manager_email').execute();
      // One unconfirmed declaration per identical send (cleared once confirmed).
      await db.schema.alterTable('directory_providers').addColumn('submission_key', 'text').execute();
      await db.schema.createIndex('directory_providers_submission').unique().on('directory_providers').column('submission_key').execute();
      // Confirmation and sign-in links, kept hashed; each opens once.
      await db.schema
        .createTable('directory_links')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('directory_provider_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('provider_id', 'integer', (c) => c.notNull().references('directory_providers.id').onDelete('cascade'))
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      void dialect;
    },
  },
  // What the public sees of the directory: a write raises the store's `directory` change marker
  // (src/store/changes.ts), so every replica drops its cached answers (src/graphql/answer-cache).
  changeMarkerMigration('directory/005-change-marker', 'directory', ['directory_providers', 'directory_provider_services', 'directory_provider_areas', 'directory_recommendations']),
  {
    // A recommendation made after an accompaniment project (src/matchmaking/projects) names it:
    // shown apart on the provider's page, its history beside it when facilitators verify.
    id: 'directory/006-recommendation-project',
    up: async (db) => {
      await db.schema.alterTable('directory_recommendations').addColumn('project_id', 'integer').execute();
      await db.schema.createIndex('directory_recommendations_project').on('directory_recommendations').column('project_id').execute();
    },
  },
];
