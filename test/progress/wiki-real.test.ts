import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { loadConfig } from '../../src/config/index.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { contributionPage, type CurriculumModule } from '../../src/curriculum/schema.js';
import { createProgressRuntime } from '../../src/progress/runtime.js';
import type { StoreDb } from '../../src/store/database.js';
import { openTestStore } from '../support/store.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

let wiki: LocalWiki;
let store: StoreDb;
let curriculum: CurriculumModule[];

beforeAll(async () => {
  wiki = await startWiki();
  store = await openTestStore();
  curriculum = await loadCurriculum('course-modules');
});
afterAll(async () => {
  await store?.close();
  await wiki?.stop();
});

describe('wiki contributions against a real wiki (embedded mode)', () => {
  it("marks a module done when the learner's wiki account edited its contributions page, and no other", async () => {
    // The harness's human account is "Admin": map the learner to it, as an operator would.
    await addLearner(store, { username: 'alice', displayName: 'Alice Martin', password: 'alice-secret-1', wikiUser: 'Admin' });
    await addLearner(store, { username: 'bruno', displayName: 'Bruno Dupont', password: 'bruno-secret-2' });
    const [first, second] = curriculum;
    const contribute = first!.activities.find((a) => a.type === 'contribute')!;
    await wiki.humanEdit(contributionPage(first!, contribute), "* L'association des Jardins partagés utilise Nextcloud pour ses plannings.", 'Contribution du module 1');
    // An edit on the module page itself does not count: contributions go to the subpage.
    await wiki.humanEdit(second!.wikiPage, 'Brouillon.');

    const runtime = createProgressRuntime({ config: loadConfig({}), store, curriculum, wiki: await wiki.botClient() });
    const report = await runtime.tracker.sync();
    expect(report).toMatchObject({ source: 'embedded', learners: 2 });

    const byId = await runtime.progress.learnersProgress(['local-alice', 'local-bruno']);
    const alice = byId.get('local-alice')!;
    const modules = new Map(alice.modules.map((m) => [m.slug, m]));
    expect(modules.get(first!.slug)).toMatchObject({ state: 'done', via: 'wiki' });
    expect(modules.get(second!.slug)?.state).toBe('not_started');
    expect(alice.doneCount).toBe(1);
    expect(byId.get('local-bruno')!.doneCount).toBe(0);
  });
});
