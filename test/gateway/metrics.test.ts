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

/** The value of one series in the Prometheus text, 0 when absent. */
function series(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    const parts = inside.split(',');
    if (wanted.every((w) => parts.includes(w))) return Number(line.slice(line.indexOf('}') + 1).trim());
  }
  return 0;
}

describe('/metrics counts every upstream call, whoever makes it', () => {
  it('counts N note publishes as N wiki edit requests, and the reads of a GraphQL query', async () => {
    const notes = running.runtime.deps.notes!;
    // The first note also creates the notes' summary template (one more edit): out of the count.
    expect((await notes.submit({ source: '---\ntitle: Atelier zéro\ndate: 2026-03-09\n---\nNote 0.\n', origin: 'cli' })).state).toBe('published');
    const before = await (await fetch(`${running.gateway.url}/metrics`)).text();
    const editsBefore = series(before, 'pollen_upstream_requests_total', { upstream: 'wiki', action: 'edit', outcome: 'ok' });
    expect(editsBefore).toBe(2);
    const N = 4;
    for (let i = 1; i <= N; i++) {
      const saved = await notes.submit({ source: `---\ntitle: Atelier métriques ${i}\ndate: 2026-03-0${i}\n---\nNote ${i}.\n`, origin: 'cli' });
      expect(saved.state).toBe('published');
    }
    const answer = await running.gateway.query('{ wikiPage(title: "Accueil") { exists } }');
    expect(answer.errors).toBeUndefined();
    const after = await (await fetch(`${running.gateway.url}/metrics`)).text();
    expect(series(after, 'pollen_upstream_requests_total', { upstream: 'wiki', action: 'edit', outcome: 'ok' })).toBe(editsBefore + N);
    expect(series(after, 'pollen_upstream_requests_total', { upstream: 'wiki', action: 'query', outcome: 'ok' })).toBeGreaterThan(N);
    expect(series(after, 'pollen_upstream_requests_total', { upstream: 'wiki', action: 'login', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/pollen_upstream_request_duration_seconds_count\{upstream="wiki"\} \d+/);
  });
});
