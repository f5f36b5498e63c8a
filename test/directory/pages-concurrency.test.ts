/**
 * Issue 28, item 4: twenty identical sends of a public form at the same moment (a double click, a
 * replayed POST, an impatient visitor) store one row and send one mail, on both store backends.
 * The form limits are lifted here: they alone would hide what the store does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { listedProvider } from './fixtures.js';
import { declarationFields, recommendationFields, startPagesGateway, Visitor, type PagesGateway } from './pages-support.js';

const unlimited = { admit: async () => 0 };

describe.each(['sqlite', 'postgres'] as const)('twenty identical sends at once (%s)', (backend) => {
  let gw: PagesGateway;
  beforeAll(async () => {
    const env: Record<string, string> = backend === 'postgres' ? { POLLEN_DATABASE_URL: await createTestDatabase('pollen_directory_pages') } : {};
    gw = await startPagesGateway({ env, limits: unlimited });
  });
  afterAll(async () => {
    await gw?.close();
  });

  /** One browser, one form token, twenty POSTs sent together. */
  async function twenty(page: string, action: string, fields: Record<string, string | string[]>): Promise<number[]> {
    const v = new Visitor(gw.url, '198.51.100.77');
    const { html } = await v.get(page);
    const token = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const answers = await Promise.all(Array.from({ length: 20 }, () => v.postWith(token, action, fields)));
    return answers.map((a) => a.status);
  }

  it('one recommendation, one mail', async () => {
    const directory = gw.runtime.deps.directory!;
    const p = await listedProvider(directory, 'Chatons Concurrents', { territories: ['69'] }, '203.0.113.50');
    const statuses = await twenty(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, recommendationFields({ association: 'Vingt Clics', email: 'vingt@clics.example.net' }));
    expect(statuses).toEqual(Array(20).fill(303));
    const rows = await directory.db.selectFrom('directory_recommendations').select('id').where('association_name', '=', 'Vingt Clics').execute();
    expect(rows.length).toBe(1);
    const mails = await gw.deliver();
    expect(mails.map((m) => m.to)).toEqual(['vingt@clics.example.net']);
  });

  it('one declaration, one mail', async () => {
    const directory = gw.runtime.deps.directory!;
    const statuses = await twenty('/annuaire/declarer', '/annuaire/declarer', declarationFields({ nom: 'Vingt Déclarations', site: 'https://vingt.example.org', email: 'vingt@declarations.example.org' }));
    expect(statuses).toEqual(Array(20).fill(303));
    const rows = await directory.db.selectFrom('directory_providers').select('id').where('name', '=', 'Vingt Déclarations').execute();
    expect(rows.length).toBe(1);
    const mails = await gw.deliver();
    expect(mails.map((m) => m.to)).toEqual(['vingt@declarations.example.org']);
  });
});
