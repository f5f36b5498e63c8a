/**
 * French numbers without Intl, and no Intl formatter built by starting the gateway or answering
 * an API client: the first one makes the process map ICU's locale data (about 6 MB resident, more
 * per locale and zone; README "Memory"), which a gateway serving only GraphQL never needs. Pages
 * build theirs on first use (src/text/lazily.ts).
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { frenchNumber } from '../../src/text/french.js';

describe('frenchNumber', () => {
  it('writes what toLocaleString("fr-FR") writes: narrow no-break spaces, a decimal comma', () => {
    for (const n of [0, 7, 12.5, 999, 1000, 1234.5, 20_000, 1_000_000, 99_999.125, -1234.5]) {
      expect(frenchNumber(n)).toBe(n.toLocaleString('fr-FR'));
    }
    expect(frenchNumber(1234.5)).toBe('1\u202f234,5');
  });
});

describe('Intl at start', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('builds no Intl collator or formatter while the gateway starts and answers a GraphQL read', async () => {
    const built: string[] = [];
    for (const name of ['Collator', 'DateTimeFormat', 'NumberFormat', 'PluralRules'] as const) {
      const Real = Intl[name] as unknown as new (...args: unknown[]) => unknown;
      vi.spyOn(Intl, name).mockImplementation(function (this: unknown, ...args: unknown[]) {
        built.push(`${name}(${JSON.stringify(args)}) ${new Error().stack?.split('\n')[2]?.trim()}`);
        return new Real(...args);
      } as never);
    }
    // Imported after the spies: module-level formatters would be built now.
    const { buildRuntime } = await import('../../src/app.js');
    const { loadConfig } = await import('../../src/config/index.js');
    const { createGateway } = await import('../../src/server.js');
    const runtime = await buildRuntime(
      loadConfig({ WIKI_API_URL: 'http://127.0.0.1:9/api.php', WIKI_BOT_USER: 'Pollen@bot', WIKI_BOT_PASSWORD: 'unused', POLLEN_STORE_PATH: ':memory:' }),
      pino({ level: 'silent' }),
    );
    try {
      const gateway = await createGateway(runtime.deps, {});
      const server = gateway.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const { port } = server.address() as { port: number };
        const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ curriculum { modules { slug title } } }' }),
        });
        expect(((await res.json()) as { data: { curriculum: { modules: unknown[] } } }).data.curriculum.modules.length).toBeGreaterThan(10);
      } finally {
        server.close();
      }
    } finally {
      await runtime.close();
    }
    expect(built).toEqual([]);
  });
});
