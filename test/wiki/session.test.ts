import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { publishCurriculum } from '../../src/curriculum/publish/index.js';
import { WikiClient } from '../../src/wiki/client.js';
import { publishPage } from '../../src/wiki/publish.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

let wiki: LocalWiki;

beforeAll(async () => {
  wiki = await startWiki();
});
afterAll(async () => {
  await wiki?.stop();
});

/** The wiki forgets the bot's session (expiry, restart): its cookie is gone. */
function loseSession(client: WikiClient): void {
  (client as unknown as { transport: { cookieJar: { removeAllCookiesSync(): void } } }).transport.cookieJar.removeAllCookiesSync();
}

describe('WikiClient session loss under concurrent requests', () => {
  it('logs in again once for concurrent requests that all find the session gone', async () => {
    const titles = await wiki.createPages([{ title: 'Session 1', text: 'Un.' }, { title: 'Session 2', text: 'Deux.' }]);
    const bot = await wiki.botClient();
    loseSession(bot);
    const before = bot.stats.apiCalls;
    const reads = await Promise.allSettled(Array.from({ length: 6 }, () => bot.getPages(titles, { content: true })));
    expect(reads.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(bot.userName).toBe('Robot');
    // 6 refused reads, one login (token, login, userinfo), 6 reads again.
    expect(bot.stats.apiCalls - before).toBe(15);
  });

  it('saves an edit made while another request logs in again as the bot, never anonymously', async () => {
    const bot = await wiki.botClient();
    loseSession(bot);
    const [, saved] = await Promise.all([
      bot.getPages(['Session 1'], { content: true }),
      bot.edit({ title: 'Session 3', text: 'Trois.', summary: 'Test' }),
    ]);
    expect(saved.result).toBe('created');
    const page = (await bot.getPages(['Session 3'])).get('Session 3');
    expect(page?.lastRevision?.user).toBe('Robot');
  });
});

describe('a lazy client (built without signing in)', () => {
  const lazy = (): WikiClient => WikiClient.lazy({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword });

  it('signs in by itself before its first write: publishPage', async () => {
    const outcome = await publishPage(lazy(), { title: 'Paresseux 1', text: 'Publié sans connexion préalable.', summary: 'Test' });
    expect(outcome.status).toBe('created');
    expect((await (await wiki.botClient()).getPages(['Paresseux 1'])).get('Paresseux 1')?.lastRevision?.user).toBe('Robot');
  });

  it('signs in by itself before publishing the curriculum', async () => {
    const modules = await loadCurriculum(new URL('../fixtures/curriculum/valid', import.meta.url).pathname);
    const report = await publishCurriculum(lazy(), modules);
    expect(report.counts.created).toBe(modules.length + 2);
  });

  it('refuses to write anonymously, with the code callers branch on', async () => {
    const anonymous = WikiClient.lazy({ apiUrl: wiki.apiUrl });
    await expect(anonymous.requireUser()).rejects.toMatchObject({ code: 'notloggedin' });
  });
});
