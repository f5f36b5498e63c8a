import { graphql, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/viewer.js';
import { createContext, type GatewayDeps } from '../../src/graphql/context.js';
import { makeExecutableSchema } from '../../src/graphql/executable-schema.js';
import { NotesService } from '../../src/notes/service.js';
import { openStore, type Store } from '../../src/store/db.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { revisionsOf } from './support.js';

let wiki: LocalWiki;
let client: WikiClient;
let store: Store;
let schema: GraphQLSchema;
let deps: GatewayDeps;

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  store = openStore(':memory:');
  schema = makeExecutableSchema();
  deps = { wiki: client, moodle: undefined, curriculum: [], moodleActivityMap: new Map(), probes: [], wikiMode: 'test', notes: new NotesService(store, client) };
});
afterAll(async () => {
  store?.close();
  await wiki?.stop();
});

async function run(role: Role, query: string, variables: Record<string, unknown> = {}) {
  const contextValue = { ...createContext(deps), viewer: { role, learnerId: role === 'learner' ? 'local-alice' : null, displayName: role } };
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

  it('records an empty note as failed with the French reason', async () => {
    const result = await run('facilitator', SUBMIT, { source: '   \n' });
    expect(result.data?.submitNote).toMatchObject({ state: 'FAILED', reason: expect.stringMatching(/La note est vide/) });
  });

  it('lists the queue with counts per state', async () => {
    const result = await run('facilitator', '{ notesQueue(limit: 10) { total counts { published failed queued } entries { state pageTitle retryable url } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data?.notesQueue).toMatchObject({ total: 2, counts: { published: 1, failed: 1, queued: 0 } });
  });
});
