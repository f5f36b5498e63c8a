import { graphql, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/viewer.js';
import { createContext, type GatewayDeps } from '../../src/graphql/context.js';
import { makeExecutableSchema } from '../../src/graphql/executable-schema.js';
import { NotesService } from '../../src/notes/service.js';
import type { StoreDb } from '../../src/store/database.js';
import { sqliteBackend } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { revisionsOf } from './support.js';

let wiki: LocalWiki;
let client: WikiClient;
let store: StoreDb;
let schema: GraphQLSchema;
let deps: GatewayDeps;

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  store = await openTestStore();
  schema = makeExecutableSchema();
  deps = { wiki: client, moodle: undefined, curriculum: [], moodleActivityMap: new Map(), probes: [], wikiMode: 'test', notes: new NotesService(store, client) };
});
afterAll(async () => {
  await store?.close();
  await wiki?.stop();
});

async function run(role: Role, query: string, variables: Record<string, unknown> = {}) {
  const contextValue = { ...(await createContext(deps)), viewer: { role, learnerId: role === 'learner' ? 'local-alice' : null, displayName: role } };
  return graphql({ schema, source: query, variableValues: variables, contextValue });
}

const SUBMIT = `mutation($source: String!, $fileName: String, $dryRun: Boolean) {
  submitNote(source: $source, fileName: $fileName, dryRun: $dryRun) { state id pageTitle url wikitextPreview diff reason linkTitle }
}`;
const NOTE = '---\ntitle: Atelier par l’API\ndate: 2025-07-01\nfacilitators: [Camille]\n---\nLa note arrive par GraphQL.\n';

describe('submitNote and notesQueue', () => {
  it('refuses anonymous callers and learners', async () => {
    expect((await run('anonymous', SUBMIT, { source: NOTE })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await run('learner', SUBMIT, { source: NOTE })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await run('learner', '{ notesQueue { total } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('previews a note in a dry run without writing to the wiki or the queue', async () => {
    const result = await run('facilitator', SUBMIT, { source: NOTE, fileName: 'atelier-api.md', dryRun: true });
    expect(result.errors).toBeUndefined();
    expect(result.data?.submitNote).toMatchObject({
      state: 'DRY_RUN', id: null, pageTitle: 'Comptes-rendus/2025-07-01 Atelier par l’API', diff: null,
      wikitextPreview: expect.stringContaining('La note arrive par GraphQL.'),
      url: expect.stringMatching(/Comptes-rendus\/2025-07-01_Atelier_par_l%E2%80%99API$/),
    });
    expect((await client.getPages(['Comptes-rendus/2025-07-01 Atelier par l’API'])).get('Comptes-rendus/2025-07-01 Atelier par l’API')?.exists).toBe(false);
    expect((await run('facilitator', '{ notesQueue { total } }')).data?.notesQueue).toEqual({ total: 0 });
  });

  it('queues and publishes a note for a facilitator, once', async () => {
    const first = await run('facilitator', SUBMIT, { source: NOTE, fileName: 'atelier-api.md' });
    expect(first.errors).toBeUndefined();
    expect(first.data?.submitNote).toMatchObject({ state: 'PUBLISHED', pageTitle: 'Comptes-rendus/2025-07-01 Atelier par l’API', reason: null });
    const again = await run('admin', SUBMIT, { source: NOTE, fileName: 'atelier-api.md' });
    expect(again.data?.submitNote).toMatchObject({ state: 'PUBLISHED' });
    expect((await revisionsOf(client, 'Comptes-rendus/2025-07-01 Atelier par l’API')).map((r) => r.user)).toEqual(['Robot']);
  });

  it('answers INVALID for an empty note, with its code and French reason, and does not queue it', async () => {
    const result = await run('facilitator', SUBMIT_CODE, { source: '   \n' });
    expect(result.data?.submitNote).toMatchObject({ state: 'INVALID', id: null, code: 'NOTE_EMPTY', reason: expect.stringMatching(/La note est vide/) });
    expect((await run('facilitator', '{ notesQueue { total } }')).data?.notesQueue).toEqual({ total: 1 });
  });

  it('lists the queue with counts per state', async () => {
    const result = await run('facilitator', '{ notesQueue(limit: 10) { total counts { published failed queued } entries { state pageTitle retryable url } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data?.notesQueue).toMatchObject({ total: 1, counts: { published: 1, failed: 0, queued: 0 } });
  });
});

interface Submission { state: string; id: number | null; pageTitle: string | null; reason: string | null; code: string | null; warnings: string[] }
const SUBMIT_CODE = `mutation($source: String!, $fileName: String, $replaces: Int) {
  submitNote(source: $source, fileName: $fileName, replaces: $replaces) { state id pageTitle reason code warnings }
}`;

describe('a different note never replaces another', () => {
  it('refuses a second note with the same title and date but another author and text (NOTE_PAGE_TAKEN); the first stays, on the page and in the queue', async () => {
    const title = 'Comptes-rendus/2025-09-10 Atelier sauvegardes';
    const camille = '---\ntitle: Atelier sauvegardes\ndate: 2025-09-10\nanimateurs: [Camille]\n---\nCamille a montré la sauvegarde automatique.\n';
    const yanis = '---\ntitle: Atelier sauvegardes\ndate: 2025-09-10\nanimateurs: [Yanis]\n---\nYanis a parlé du chiffrement des disques.\n';
    const first = (await run('facilitator', SUBMIT_CODE, { source: camille })).data?.submitNote as Submission | undefined;
    expect(first).toMatchObject({ state: 'PUBLISHED', pageTitle: title });
    const preview = (await run('facilitator', `mutation($source: String!) { submitNote(source: $source, dryRun: true) { state code } }`, { source: yanis })).data?.submitNote;
    expect(preview).toEqual({ state: 'INVALID', code: 'NOTE_PAGE_TAKEN' });
    const second = (await run('facilitator', SUBMIT_CODE, { source: yanis })).data?.submitNote as Submission | undefined;
    expect(second).toMatchObject({ state: 'INVALID', id: null, code: 'NOTE_PAGE_TAKEN', pageTitle: title });
    expect(second?.reason).toMatch(/reçoit déjà une autre note/);
    expect((await revisionsOf(client, title)).map((r) => r.user)).toEqual(['Robot']);
    const page = (await client.getPages([title], { content: true })).get(title);
    expect(page?.content).toContain('Camille a montré la sauvegarde automatique.');
    expect(page?.content).not.toContain('chiffrement');
    expect((await deps.notes?.queue.get(first?.id ?? -1))?.source).toContain('Camille a montré');

    // The same note sent again is the same note; its corrected version names the note it replaces.
    expect((await run('facilitator', SUBMIT_CODE, { source: camille })).data?.submitNote).toMatchObject({ state: 'PUBLISHED', id: first?.id });
    const corrected = camille.replace('automatique.', 'automatique et hors site.');
    expect((await run('facilitator', SUBMIT_CODE, { source: corrected, replaces: first?.id })).data?.submitNote).toMatchObject({ state: 'PUBLISHED', id: first?.id });
    expect((await client.getPages([title], { content: true })).get(title)?.content).toContain('hors site');
  });

  it('titles untitled, undated notes of the day from their text; one aimed at a taken page is refused and told how to give a title', async () => {
    const a = (await run('facilitator', SUBMIT_CODE, { source: 'On a rangé le local et trié les câbles.\n' })).data?.submitNote as Submission | undefined;
    const b = (await run('facilitator', SUBMIT_CODE, { source: 'Point budget : il reste 300 euros pour le semestre.\n' })).data?.submitNote as Submission | undefined;
    expect(a).toMatchObject({ state: 'PUBLISHED', pageTitle: expect.stringMatching(/^Comptes-rendus\/\d{4}-\d{2}-\d{2} On a rangé le local et trié les câbles$/) });
    expect(b).toMatchObject({ state: 'PUBLISHED', pageTitle: expect.stringMatching(/^Comptes-rendus\/\d{4}-\d{2}-\d{2} Point budget : il reste 300 euros pour le semestre$/) });
    const c = (await run('facilitator', SUBMIT_CODE, { source: 'On a rangé le local et trié les câbles.\nPuis on a fermé.\n' })).data?.submitNote as Submission | undefined;
    expect(c).toMatchObject({ state: 'INVALID', code: 'NOTE_PAGE_TAKEN', pageTitle: a?.pageTitle });
    expect(JSON.stringify(c)).toContain('« title: Mon titre »');
    expect((await client.getPages([a?.pageTitle ?? ''], { content: true })).get(a?.pageTitle ?? '')?.content).toContain('trié les câbles');
  });
});
