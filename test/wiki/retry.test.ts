import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WikiClient } from '../../src/wiki/client.js';
import { WikiUnavailableError } from '../../src/wiki/errors.js';
import type { WikiLogger } from '../../src/wiki/options.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

let wiki: LocalWiki;

beforeAll(async () => {
  wiki = await startWiki();
});
afterAll(async () => {
  await wiki?.stop();
});

/** A sleep that records what the client asked for and waits at most `realMs`. */
function recordingSleep(realMs: number): { sleep: (ms: number) => Promise<void>; asked: number[] } {
  const asked: number[] = [];
  return { asked, sleep: (ms) => { asked.push(ms); return new Promise((r) => setTimeout(r, Math.min(ms, realMs))); } };
}

function recordingLogger(): WikiLogger & { lines: string[] } {
  const lines: string[] = [];
  const write = (obj: object, msg?: string) => lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
  return { lines, warn: write, debug: write };
}

describe('retries', () => {
  it('waits out replication lag, honouring Retry-After, then succeeds', async () => {
    const { sleep, asked } = recordingSleep(250);
    const logger = recordingLogger();
    const bot = await wiki.botClient({ sleep, logger, retryBaseMs: 10, maxRetries: 40 });
    await wiki.setLag(10);
    const clearing = new Promise<void>((resolve) => setTimeout(() => void wiki.setLag(0).then(resolve), 1000));
    try {
      const result = await bot.edit({ title: 'Pendant le retard', text: 'Écrit après le retard', summary: 'Test' });
      expect(result.result).toBe('created');
    } finally {
      await clearing;
    }
    expect(asked.length).toBeGreaterThan(0);
    // MediaWiki sends Retry-After: 5 with maxlag; it wins over the 10 ms backoff.
    expect(asked.every((ms) => ms >= 5000)).toBe(true);
    expect(logger.lines.some((line) => line.includes('"code":"maxlag"'))).toBe(true);
    for (const line of logger.lines) expect(line).not.toContain(wiki.botPassword);
  });

  it('gives up with WikiUnavailableError(maxlag) when the lag never clears', async () => {
    const { sleep, asked } = recordingSleep(0);
    const bot = await wiki.botClient({ sleep, retryBaseMs: 4000, maxRetryDelayMs: 60_000, maxRetries: 3 });
    await wiki.setLag(30);
    try {
      const error = await bot.getPages(['Accueil']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WikiUnavailableError);
      expect(error).toMatchObject({ code: 'maxlag', attempts: 4 });
    } finally {
      await wiki.setLag(0);
    }
    // Exponential backoff (4 s, 8 s, 16 s), never shorter than Retry-After (5 s).
    expect(asked).toEqual([5000, 8000, 16000]);
  });

  it('does not fail on lag below maxlag', async () => {
    const { sleep, asked } = recordingSleep(0);
    const bot = await wiki.botClient({ sleep });
    await wiki.setLag(3);
    try {
      const pages = await bot.getPages(['Accueil']);
      expect(pages.get('Accueil')?.exists).toBe(true);
    } finally {
      await wiki.setLag(0);
    }
    expect(asked).toEqual([]);
  });

  it('retries HTTP 503 pages, waiting as long as Retry-After says', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits += 1;
      if (hits <= 2) {
        res.writeHead(503, { 'Content-Type': 'text/html', 'Retry-After': '2' }).end('<h1>Service indisponible</h1>');
        return;
      }
      const general = { generator: 'MediaWiki 1.39.17', sitename: 'Wiki des communs', mainpage: 'Accueil', server: 'http://x', articlepath: '/wiki/$1', lang: 'fr' };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ query: { general } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { sleep, asked } = recordingSleep(0);
      const client = await WikiClient.connect({ apiUrl: `http://127.0.0.1:${port}/api.php`, retryBaseMs: 10, sleep });
      expect((await client.siteInfo()).sitename).toBe('Wiki des communs');
      expect(asked).toEqual([2000, 2000]);
      expect(client.stats.apiCalls).toBe(3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('retries network failures with exponential backoff, then reports the wiki unavailable', async () => {
    const { sleep, asked } = recordingSleep(0);
    const unreachable = 'http://127.0.0.1:9/api.php';
    const error = await WikiClient.connect({ apiUrl: unreachable, retryBaseMs: 100, maxRetries: 3, sleep })
      .then((client) => client.siteInfo())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiUnavailableError);
    expect(error).toMatchObject({ code: 'network', attempts: 4 });
    expect(asked).toEqual([100, 200, 400]);
  });

  it('keeps the password out of errors when login cannot reach the wiki', async () => {
    const { sleep } = recordingSleep(0);
    const error = await WikiClient.connect({
      apiUrl: 'http://127.0.0.1:9/api.php', username: 'Robot@sync', password: 'Secret-Qui-Ne-Doit-Pas-Fuir', maxRetries: 1, sleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiUnavailableError);
    const e = error as WikiUnavailableError;
    for (const text of [e.message, JSON.stringify(e), String(e.stack)]) expect(text).not.toContain('Secret-Qui-Ne-Doit-Pas-Fuir');
  });
});
