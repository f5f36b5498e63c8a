/**
 * Where the gateway's memory goes (a diagnostic, not part of `npm run bench`):
 * `NODE_ENV=production npx tsx bench/memory-probe.ts ['label|--node-option ...']...`, after `npm run build`.
 * For each variant, a fresh bench gateway (dist/bench/gateway-server.js, started as `npm start`
 * starts it but with the variant's node options, e.g. `old96|--max-old-space-size=96`; none
 * given: the start command's) gets
 * 100,000 mixed requests in chunks of 10,000; after each chunk it prints the resident size, the
 * V8 heap (used/total, old space) and external memory, and the process's mappings from
 * /proc/<pid>/smaps (anonymous regions, RSS in regions of 60 MB or more as glibc malloc arenas
 * reserve them, the largest mappings). After 50,000 and 100,000 requests a full GC is forced and
 * the live heap printed: live heap flat while the resident size moves means garbage and heap
 * sizing, not a leak.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCurriculum } from '../src/curriculum/loader.js';
import { publishCurriculum } from '../src/curriculum/publish/index.js';
import { WikiClient } from '../src/wiki/index.js';
import { startBenchWiki } from './support.js';
import { fixedLoad, startCommand, startServerProcess } from './throughput.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Mappings of a process: anonymous regions, arena-sized ones' RSS, the eight largest by RSS. */
function mappings(pid: number): string {
  let anonRegions = 0;
  let arenaRss = 0;
  let name = '';
  let size = 0;
  const rssByName = new Map<string, number>();
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1] || '[anon]';
      if (name === '[anon]') anonRegions += 1;
      continue;
    }
    const field = /^(Size|Rss):\s+(\d+) kB/.exec(line);
    if (!field) continue;
    if (field[1] === 'Size') {
      size = Number(field[2]);
      continue;
    }
    const rss = Number(field[2]);
    rssByName.set(name, (rssByName.get(name) ?? 0) + rss);
    if (name === '[anon]' && size >= 60_000) arenaRss += rss;
  }
  const largest = [...rssByName].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, kb]) => `${n.split('/').pop()}=${(kb / 1024).toFixed(0)}MB`);
  return `anon regions ${anonRegions}, arena-sized ${(arenaRss / 1024).toFixed(0)} MB, ${largest.join(' ')}`;
}

const wiki = await startBenchWiki();
try {
  const bot = await WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword });
  const titles = Array.from({ length: 100 }, (_, i) => `Fiche outil ${i + 1}`);
  for (const [i, title] of titles.entries()) await bot.edit({ title, text: `${`Fiche ${i} `.repeat(200)}\n[[Catégorie:Fiche outil]]`, summary: 'Sonde mémoire', createOnly: true });
  const curriculum = await loadCurriculum(`${ROOT}course-modules`);
  await publishCurriculum(bot, curriculum);
  const slugs = curriculum.map((m) => m.slug);
  for (const variant of process.argv.slice(2).length ? process.argv.slice(2) : ['start-script']) {
    const [label, options] = variant.split('|');
    const nodeArgs = options?.split(/\s+/).filter(Boolean);
    // A label starting with `main` runs the `npm start` process (dist/src/main.js, its jobs and a
    // store file) as bench/gateway.ts's memory run does; the others, the bench gateway alone.
    const whole = label!.startsWith('main');
    const budget = { POLLEN_RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000000', POLLEN_RATE_LIMIT_ANONYMOUS_BURST: '1000000000' };
    const work = whole ? await mkdtemp(path.join(tmpdir(), 'pollen-memory-probe-')) : undefined;
    const gateway = whole
      ? await startServerProcess(`${ROOT}dist/src/main.js`, {
        env: {
          HOST: '127.0.0.1', WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
          POLLEN_STORE_PATH: path.join(work!, 'pollen.sqlite'), POLLEN_CURRICULUM_DIR: `${ROOT}course-modules`, ...budget,
        },
        cwd: work, readyText: 'Pollen gateway ready', ...(nodeArgs ? { nodeArgs } : {}),
      })
      : await startServerProcess(`${ROOT}dist/bench/gateway-server.js`, {
        env: {
          BENCH_WIKI_API_URL: wiki.apiUrl, BENCH_WIKI_USER: wiki.botUser, BENCH_WIKI_PASSWORD: wiki.botPassword, BENCH_CURRICULUM_DIR: `${ROOT}course-modules`,
          // One address sends every request: the per-address budget out of reach, as in bench/gateway.ts.
          ...budget,
        },
        ...(nodeArgs ? { nodeArgs } : {}),
      });
    let i = 0;
    // The same mix as bench/gateway.ts's memory run.
    const mix = [
      () => ({ query: '{ curriculum { modules { slug title } } }' }),
      () => ({ query: 'query($s: String!) { module(slug: $s) { title wikiPage { exists lastRevision { user } } } }', variables: { s: slugs[i++ % slugs.length] } }),
      () => ({ query: 'query($t: String!) { wikiPage(title: $t) { exists summary contributors categories } }', variables: { t: titles[i++ % titles.length] } }),
      () => ({ query: 'query($t: String!) { wikiPage(title: $t) { exists } }', variables: { t: `Page absente ${i++ % 500}` } }),
    ];
    const memory = async (query = ''): Promise<string> => {
      const threads = /^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${gateway.child.pid}/status`, 'utf8'))?.[1];
      if (whole) {
        // No bench routes in the real process: its /metrics (no forced GC there).
        const text = await (await fetch(`${gateway.url}/metrics`)).text();
        const mb = (name: string) => {
          const line = text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
          return (Number(line.slice(line.lastIndexOf(' ') + 1)) / 2 ** 20).toFixed(1);
        };
        return `heap ${mb('pollen_nodejs_heap_size_used_bytes')}/${mb('pollen_nodejs_heap_size_total_bytes')} MB, external ${mb('pollen_nodejs_external_memory_bytes')} MB, ${threads} threads`;
      }
      const m = (await (await fetch(`${gateway.adminUrl}/bench/memory${query}`)).json()) as Record<string, any>;
      const spaces = Object.entries(m.spaces as Record<string, { used: number; size: number }>).filter(([, s]) => s.size > 0).map(([name, s]) => `${name.replace(/_space$/, '')} ${s.used}/${s.size}`).join(', ');
      return `heap ${m.heapUsed}/${m.heapTotal} MB (${spaces}), external ${m.external} MB, ${threads} threads`;
    };
    console.log(`\n=== ${label} (node ${(nodeArgs ?? startCommand().nodeArgs).join(' ')})`);
    console.log(`start: rss ${gateway.rssMb().toFixed(1)} MB, ${await memory()}, ${mappings(gateway.child.pid!)}`);
    let answered = 0;
    for (let chunk = 1; chunk <= 10; chunk++) {
      const run = await fixedLoad(gateway.url, mix, 10_000, 200);
      answered += run.total;
      console.log(`${answered}: rss ${gateway.rssMb().toFixed(1)} MB, ${run.requestsPerSecond.toFixed(0)} req/s, ${run.failures} failed, ${await memory()}, ${mappings(gateway.child.pid!)}`);
      if (chunk % 5 === 0 && !whole) console.log(`  after a full GC: ${await memory('?gc')}, rss ${gateway.rssMb().toFixed(1)} MB`);
    }
    await gateway.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }
} finally {
  await wiki.stop();
}
