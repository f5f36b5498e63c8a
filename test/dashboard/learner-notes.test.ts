import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { createDashboardRouter } from '../../src/dashboard/routes.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { Web } from '../../src/web/web.js';
import { FACILITATOR_TOKEN, fixtureCurriculum, startGateway, type TestGateway } from '../progress/support.js';
import { serveOnLoopback } from '../support/net.js';
import { describeEachStore } from '../support/postgres.js';

function note(key: string, title: string, body: string) {
  return { key: `file:/notes/${key}.md`, fileName: `${key}.md`, origin: 'cli' as const, source: `---\ntitle: ${title}\ndate: 2026-02-10\nfacilitators: [Camille]\n---\n${body}\n` };
}

describeEachStore('the learner page lists the published notes that name the learner', (backend) => {
  let gw: TestGateway;
  let served: Awaited<ReturnType<typeof serveOnLoopback>> | undefined;
  let origin: string;
  let queue: NoteQueue;
  const asFacilitator = { authorization: `Bearer ${FACILITATOR_TOKEN}` };

  async function publish(key: string, title: string, body: string): Promise<void> {
    const { entry } = await queue.enqueue(note(key, title, body));
    expect(entry).toMatchObject({ state: 'queued', reason: null });
    const url = `http://wiki.example/index.php?title=${encodeURIComponent(title.replaceAll(' ', '_'))}`;
    expect(await queue.markPublished(entry.id, entry.sourceHash, { revid: 7, pageTitle: entry.pageTitle ?? title, pageUrl: url })).toBe(true);
  }

  beforeAll(async () => {
    gw = await startGateway({ backend });
    await addLearner(gw.store, { username: 'zoe', displayName: 'Zoé Lefèvre', password: 'zoe-password-1' });
    await addLearner(gw.store, { username: 'malo', displayName: 'Malo Kerbrat', password: 'malo-password-1' });
    await addLearner(gw.store, { username: 'ines', displayName: 'Inès 100%_Sûre', password: 'ines-password-1' });
    await gw.runtime.progress.sync();
    queue = new NoteQueue(gw.store);
    await publish('atelier-wiki', 'Atelier wiki', 'Atelier animé avec zoé lefèvre et Camille, qui a créé sa première page.');
    await publish('reunion-bureau', 'Réunion du bureau', 'Malo Kerbrat présente le budget.');
    // Queued, never published: not listed.
    await queue.enqueue(note('brouillon', 'Brouillon', 'Zoé Lefèvre relira la charte.'));
    const app = express();
    app.use('/dashboard', createDashboardRouter({ auth: gw.runtime.auth, progress: gw.runtime.progress, curriculum: fixtureCurriculum() }, new Web({ auth: gw.runtime.auth }), { notes: queue }));
    served = await serveOnLoopback(app);
    origin = served.origin;
  });
  afterAll(async () => {
    await served?.close();
    await gw?.close();
  });

  const section = (html: string) => html.slice(html.indexOf('id="titre-comptes-rendus"'), html.indexOf('</section>', html.indexOf('id="titre-comptes-rendus"')));

  it('links each published note naming the learner (any case) to its wiki page, with its date, and leaves out the others', async () => {
    const response = await fetch(`${origin}/dashboard/apprenant/local-zoe`, { headers: asFacilitator });
    expect(response.status).toBe(200);
    const notes = section(await response.text());
    expect(notes).toContain('Comptes rendus qui la ou le mentionnent');
    expect(notes).toMatch(/<li><a href="http:\/\/wiki\.example\/index\.php\?title=Atelier_wiki">[^<]*Atelier wiki<\/a> \(publié le <time datetime="\d{4}-\d{2}-\d{2}T[^"]+">\d{1,2} \S+ \d{4}<\/time>\)<\/li>/);
    expect(notes).not.toContain('Réunion du bureau');
    expect(notes).not.toContain('Brouillon');

    const malo = section(await (await fetch(`${origin}/dashboard/apprenant/local-malo`, { headers: asFacilitator })).text());
    expect(malo).toContain('Réunion du bureau</a>');
    expect(malo).not.toContain('Atelier wiki');
  });

  it('says so in French when no note names the learner, and takes "%" and "_" in a name literally', async () => {
    const html = await (await fetch(`${origin}/dashboard/apprenant/local-ines`, { headers: asFacilitator })).text();
    expect(section(html)).toContain('Aucun compte rendu publié ne mentionne Inès 100%_Sûre.');
    expect(await queue.mentioning('é lef')).toHaveLength(1);
    expect(await queue.mentioning('%')).toEqual([]);
  });
});
