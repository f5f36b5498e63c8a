/**
 * A real gateway for the dashboard's browser spec: the real curriculum, a store seeded with
 * learners and completions through the progress engineer's public API (embedded mode), notes in
 * the queue through NoteQueue, and a real wiki from the test harness.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { addLearner } from '../../bots/progress-sync.js';
import { createAuthService } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { NotesService } from '../../src/notes/service.js';
import { createProgressRuntime, type ProgressRuntime } from '../../src/progress/runtime.js';
import { createGateway } from '../../src/server.js';
import { openStore, type Store } from '../../src/store/db.js';
import type { WikiClient } from '../../src/wiki/client.js';

export const FACILITATOR_TOKEN = 'dashboard-facilitator-token-0123456789';
const DAY = 86_400_000;
const CURRICULUM_DIR = fileURLToPath(new URL('../../course-modules', import.meta.url));

/** Learners, and how many of the first modules each completes how many days ago. */
export const SEEDED_LEARNERS = [
  { username: 'amina', displayName: 'Amina Benali', modules: 17, daysAgo: 1 },
  { username: 'bruno', displayName: 'Bruno Lefèvre', modules: 2, daysAgo: 30 },
  { username: 'camille', displayName: 'Camille Roux', modules: 0, daysAgo: 0 },
  { username: 'zoe', displayName: 'Zoé <Dupont> & Cie', modules: 6, daysAgo: 3 },
  { username: 'yanis', displayName: 'Yanis Moreau', modules: 9, daysAgo: 21 },
] as const;

export interface DashboardGateway {
  url: string;
  store: Store;
  runtime: ProgressRuntime;
  queue: NoteQueue;
  curriculum: CurriculumModule[];
  close(): Promise<void>;
}

function note(key: string, title: string, body: string) {
  return {
    key: `file:/notes/${key}.md`, fileName: `${key}.md`, origin: 'cli' as const,
    source: `---\ntitle: ${title}\ndate: 2026-02-10\nfacilitators: [Camille]\n---\n${body}\n`,
  };
}

/** Seeds the store (learners first seen 40 days ago), syncs once, and serves the gateway. */
export async function startDashboardGateway(wiki: WikiClient): Promise<DashboardGateway> {
  const config = loadConfig({ POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN, POLLEN_STALLED_AFTER_DAYS: '14' });
  const store = openStore(':memory:');
  const curriculum = await loadCurriculum(CURRICULUM_DIR);
  const realNow = Date.now();
  let clock = new Date(realNow - 40 * DAY);
  const runtime = createProgressRuntime({ config, store, curriculum, now: () => clock });

  for (const l of SEEDED_LEARNERS) {
    clock = new Date(realNow - 40 * DAY);
    const id = await addLearner(store, { username: l.username, displayName: l.displayName, password: `${l.username}-secret-pass` }, () => clock);
    for (const [i, module] of curriculum.slice(0, l.modules).entries()) {
      // Completions spread before the last one, which is `daysAgo` days ago.
      clock = new Date(realNow - (l.daysAgo + (l.modules - 1 - i)) * DAY);
      await runtime.progress.markModuleDone(id, module.slug, true);
    }
  }
  clock = new Date(realNow);
  await runtime.progress.sync();

  // The gateway's own notes service, as src/app.ts wires it: the dashboard reads its queue.
  const notes = new NotesService(store, wiki);
  const queue: NoteQueue = notes.queue;
  const published = queue.enqueue(note('atelier-nextcloud', 'Atelier Nextcloud', 'Installation et premiers partages.')).entry;
  queue.markPublished(published.id, published.sourceHash, { revid: 12, pageTitle: published.pageTitle ?? 'Atelier Nextcloud', pageUrl: 'http://wiki.example/index.php?title=Atelier_Nextcloud' });
  const conflict = queue.enqueue(note('reunion-bureau', 'Réunion du bureau', 'Ordre du jour et décisions.')).entry;
  queue.markConflict(conflict.id, conflict.sourceHash, {
    reason: 'La page a été modifiée par une personne après la dernière publication du robot : le texte est déposé en brouillon.',
    linkTitle: 'Réunion du bureau/Brouillon',
    linkUrl: 'http://wiki.example/index.php?title=R%C3%A9union_du_bureau/Brouillon',
  });
  const failed = queue.enqueue(note('visite-chatons', 'Visite CHATONS', 'Compte rendu de la visite.')).entry;
  queue.markFailed(failed.id, failed.sourceHash, { reason: 'Le wiki ne répondait pas (délai dépassé) : nouvel essai prévu.', retryable: true });
  queue.enqueue(note('lancement-cohorte', 'Lancement de la cohorte', 'Présentations et calendrier.'));

  const deps: GatewayDeps = {
    wiki,
    wikiMode: 'test wiki',
    moodle: undefined,
    curriculum,
    moodleActivityMap: config.moodleActivityMap,
    probes: [],
    auth: createAuthService({ config, store, learners: runtime.tracker.learners, now: () => clock }),
    progress: runtime.progress,
    notes,
  };
  const { app, apollo } = await createGateway(deps);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store, runtime, queue, curriculum,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await apollo.stop();
      store.close();
    },
  };
}
