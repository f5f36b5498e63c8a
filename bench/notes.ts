/**
 * Notes bot benchmark: publishing 100 notes through the durable queue (conversion, one title
 * lookup, one batched read, publishPage with its stop-page and human-edit checks) against 100
 * raw mwbot edits of the same wikitext; then re-publishing the same notes unchanged.
 */
import MWBot from 'mwbot';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { convertNote } from '../src/notes/convert.js';
import { publishPendingNotes } from '../src/notes/publisher.js';
import { NoteQueue, type NoteInput } from '../src/notes/queue.js';
import { openPollenStore } from '../src/store-schema.js';
import { WikiClient } from '../src/wiki/client.js';
import { concurrentCliLine } from './notes-concurrent.js';
import { notesReadersRatioLine } from './notes-readers.js';
import { printTable, startBenchWiki } from './support.js';

const NOTES = 100;
const ROUNDS = 2;

/** A realistic workshop note: front matter, sections, lists, a table, a link. */
export function benchNote(round: number | string, i: number): NoteInput {
  const day = String((i % 28) + 1).padStart(2, '0');
  const month = String((i % 12) + 1).padStart(2, '0');
  const source = `---
title: Atelier ${round}-${i} accompagnement numérique
date: 2024-${month}-${day}
place: Maison des associations
facilitators: [Camille Roux, Yanis Benali]
tags: [Atelier, Dégafamisation]
---
# Atelier ${round}-${i} accompagnement numérique

## Objectifs
- Faire le point sur les outils de l’association n°${i}.
- Choisir un **agenda partagé** et une messagerie libres.
  - critères : coût, hébergement, prise en main.

## Déroulé
1. Tour de table des usages actuels.
2. Démonstration de Nextcloud et d’un pad.
3. Questions sur la migration des courriels.

| Outil | Usage | Décision |
|---|---|---|
| Agenda | réunions du bureau | à migrer |
| Pad | comptes-rendus | adopté |

Prochaine étape : diagnostic détaillé, voir https://exemple.org/diagnostic.
`;
  return { source, fileName: `note-${round}-${i}.md`, key: `bench:${round}:${i}`, origin: 'cli' };
}

export async function rawMwbot(apiUrl: string, user: string, password: string): Promise<(title: string, text: string, summary: string) => Promise<void>> {
  const bot = new MWBot({ apiUrl });
  const { query: { tokens: { logintoken } } } = (await bot.request({ action: 'query', meta: 'tokens', type: 'login' })) as { query: { tokens: { logintoken: string } } };
  await bot.request({ action: 'login', lgname: user, lgpassword: password, lgtoken: logintoken });
  const { query: { tokens: { csrftoken } } } = (await bot.request({ action: 'query', meta: 'tokens' })) as { query: { tokens: { csrftoken: string } } };
  return async (title, text, summary) => {
    await bot.request({ action: 'edit', title, text, summary, bot: true, token: csrftoken, formatversion: 2 });
  };
}

export default async function run(): Promise<void> {
  // Measured before the wiki starts: its PHP processes and job queue would compete for the CPU.
  const readersLine = await notesReadersRatioLine();
  const wiki = await startBenchWiki();
  const work = await mkdtemp(path.join(tmpdir(), 'pollen-bench-notes-'));
  try {
    const client = await WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword });
    const edit = await rawMwbot(wiki.apiUrl, wiki.botUser, wiki.botPassword);
    const store = await openPollenStore({ kind: 'sqlite', path: path.join(work, 'pollen.sqlite') });
    const queue = new NoteQueue(store);
    const rows: Array<[string, string]> = [];
    const ratios: number[] = [];
    let lastRound: { inputs: NoteInput[]; edits: number; calls: number } | undefined;

    for (let round = 1; round <= ROUNDS; round++) {
      const inputs = Array.from({ length: NOTES }, (_, i) => benchNote(round, i));
      // Baseline: the same wikitext, converted beforehand, saved with one raw edit per page.
      const converted = inputs.map((n) => convertNote(n.source, { fileName: n.fileName }));
      let started = performance.now();
      for (const note of converted) await edit(note.title.replace('Comptes-rendus/', 'Brut/'), note.wikitext, 'Compte-rendu (mwbot brut)');
      const rawMs = performance.now() - started;

      started = performance.now();
      const callsBefore = client.stats.apiCalls;
      for (const input of inputs) await queue.enqueue(input);
      const report = await publishPendingNotes(client, queue);
      const pollenMs = performance.now() - started;
      const published = report.results.filter((r) => r.state === 'published').length;
      ratios.push(pollenMs / rawMs);
      rows.push(
        [`round ${round}: 100 raw mwbot edits`, `${rawMs.toFixed(0)} ms (${(rawMs / NOTES).toFixed(1)} ms/edit, 100 calls)`],
        [`round ${round}: 100 notes through the queue`, `${pollenMs.toFixed(0)} ms, ${published} published, ${report.edits} edits, ${client.stats.apiCalls - callsBefore} wiki calls`],
        [`round ${round}: ratio queue / raw`, `${(pollenMs / rawMs).toFixed(2)} (aim <= 1.2)`],
      );
      lastRound = { inputs, edits: report.edits, calls: report.apiCalls };
    }

    // Re-publishing unchanged: the same files again (the queue sees the same content)...
    const inputs = lastRound?.inputs ?? [];
    let started = performance.now();
    for (const input of inputs) await queue.enqueue(input);
    const again = await publishPendingNotes(client, queue);
    const againMs = performance.now() - started;
    // ...and from an empty queue (a new machine): the wiki's pages are read and found identical.
    const freshStore = await openPollenStore({ kind: 'sqlite', path: ':memory:' });
    const fresh = new NoteQueue(freshStore);
    started = performance.now();
    for (const input of inputs) await fresh.enqueue(input);
    const rerun = await publishPendingNotes(client, fresh);
    const rerunMs = performance.now() - started;
    await freshStore.close();
    await store.close();

    rows.push(
      ['re-publish 100 unchanged (same queue)', `${againMs.toFixed(0)} ms, ${again.edits} edits, ${again.apiCalls} wiki calls`],
      ['re-publish 100 unchanged (empty queue)', `${rerunMs.toFixed(0)} ms, ${rerun.edits} edits, ${rerun.apiCalls} wiki calls (1 batched read)`],
    );
    printTable(`Notes to wiki: ${NOTES} notes vs ${NOTES} raw mwbot edits (median ratio ${ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)]?.toFixed(2)})`, rows);
    console.log(await concurrentCliLine(wiki));
    console.log(readersLine);
  } finally {
    await rm(work, { recursive: true, force: true });
    await wiki.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
