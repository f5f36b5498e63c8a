import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { startRuntimeGateway } from './http.js';

let wiki: LocalWiki;
let running: Awaited<ReturnType<typeof startRuntimeGateway>>;

beforeAll(async () => {
  wiki = await startWiki();
  running = await startRuntimeGateway(wiki.apiUrl, wiki);
});
afterAll(async () => {
  await running?.close();
  await wiki?.stop();
});

describe('GraphQL errors people read are French; codes stay English', () => {
  it('reports an invalid variable in French with BAD_USER_INPUT', async () => {
    const answer = await running.gateway.query('query($n: Int) { recentChanges(limit: $n) { title } }', { n: 'dix' });
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toBe('La variable $n a une valeur invalide ("dix") : Int n’accepte que des entiers (reçu "dix").');
  });

  it('reports an unknown field in French with GRAPHQL_VALIDATION_FAILED, keeping the suggestion', async () => {
    const answer = await running.gateway.query('{ curriculum { modulCount } }');
    expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.errors?.[0]?.message).toBe('Le champ « modulCount » n’existe pas sur le type « Curriculum ». Vouliez-vous dire « moduleCount » ou « modules » ?');
  });

  it('reports a syntax error and a missing sign-in in French', async () => {
    const syntax = await running.gateway.query('{ curriculum { ');
    expect(syntax.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(syntax.errors?.[0]?.message).toMatch(/^Erreur de syntaxe dans la requête : /);
    const cohort = await running.gateway.query('{ cohort { learners { displayName } } }');
    expect(cohort.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(cohort.errors?.[0]?.message).toBe('Connectez-vous d’abord : ce champ demande une session ou un jeton d’accès.');
  });

  it('says the wiki is unreachable in French with WIKI_UNAVAILABLE', async () => {
    await wiki.stop();
    const answer = await running.gateway.query('{ wikiPage(title: "Accueil") { exists } curriculum { moduleCount } }');
    expect(answer.errors?.[0]?.extensions?.code).toBe('WIKI_UNAVAILABLE');
    expect(answer.errors?.[0]?.message).toBe('Le wiki est injoignable pour le moment ; les autres champs sont servis. Réessayez plus tard.');
    expect(answer.data?.curriculum).toEqual({ moduleCount: expect.any(Number) });
  });
});
