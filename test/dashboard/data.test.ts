import { describe, expect, it } from 'vitest';
import { assembleCohort, loadDashboard, type DashboardSources, type NotesQueueReader } from '../../src/dashboard/data.js';
import { dashboardBody } from '../../src/dashboard/sections.js';
import type { QueueEntry } from '../../src/notes/queue.js';
import type { Learner } from '../../src/progress/learners.js';
import type { LearnerProgress, ModuleState } from '../../src/progress/model.js';
import type { CohortLearner, CohortSummary } from '../../src/progress/service.js';
import { fixtureCurriculum } from '../progress/support.js';

const curriculum = fixtureCurriculum().slice(0, 3);

function learner(id: string, displayName: string): Learner {
  return { id, source: 'local', moodleUserId: null, username: id, displayName, wikiUser: null, active: true, firstSeenAt: '2026-01-01T00:00:00Z' };
}

function row(id: string, name: string, states: ModuleState[], opts: { stalled?: boolean; days?: number; completedAt?: string[] } = {}): CohortLearner {
  const modules = curriculum.map((m, i) => ({
    slug: m.slug,
    state: states[i] ?? 'not_started',
    completedAt: states[i] === 'done' ? (opts.completedAt?.[i] ?? '2026-02-01T10:00:00Z') : null,
    via: states[i] === 'done' ? ('self' as const) : null,
  }));
  const doneCount = states.filter((s) => s === 'done').length;
  const progress: LearnerProgress = {
    learnerId: id, percent: Math.floor((doneCount / curriculum.length) * 100), doneCount, moduleCount: curriculum.length, modules,
    lastActivityAt: modules.map((m) => m.completedAt).filter(Boolean).sort().at(-1) ?? null,
    stalled: opts.stalled ?? false, snapshotAt: '2026-03-01T09:00:00Z',
  };
  return { learner: learner(id, name), progress, stalled: progress.stalled, daysSinceActivity: opts.days ?? 0 };
}

function summary(rows: CohortLearner[]): CohortSummary {
  return {
    snapshotAt: rows.length ? '2026-03-01T09:00:00Z' : null,
    stalledAfterDays: 14,
    learners: rows,
    stalled: rows.filter((r) => r.stalled),
    modules: curriculum.map((m) => ({
      slug: m.slug,
      completedCount: rows.filter((r) => r.progress.modules.some((p) => p.slug === m.slug && p.state === 'done')).length,
      learnerCount: rows.length,
    })),
  };
}

function entry(id: number, state: QueueEntry['state'], extra: Partial<QueueEntry> = {}): QueueEntry {
  return {
    id, key: `k${id}`, origin: 'cli', fileName: null, sourceHash: 'h', receivedAt: '2026-03-01T08:00:00Z', state,
    pageTitle: `Compte rendu ${id}`, pageUrl: null, revid: null, reason: null, linkTitle: null, linkUrl: null, attempts: 0,
    retryable: false, nextAttemptAt: null, updatedAt: '2026-03-01T08:00:00Z', publishedAt: null, ...extra,
  };
}

const notes: NotesQueueReader = {
  list: async (opts = {}) => {
    const all = [
      entry(2, 'conflict', { reason: 'Modifiée par une personne <après> le robot', linkTitle: 'Compte rendu 2/Brouillon', linkUrl: 'http://wiki/x?a=1&b=2' }),
      entry(1, 'published'),
    ];
    const entries = opts.states ? all.filter((e) => opts.states?.includes(e.state)) : all;
    return { entries, counts: { queued: 0, publishing: 0, published: 1, failed: 0, conflict: 1 }, total: 2 };
  },
};

describe('assembleCohort', () => {
  const cohort = summary([
    row('a', 'Alice', ['done', 'done', 'done']),
    row('b', 'Bruno <B&B>', ['done', 'not_started', 'failed'], { stalled: true, days: 20 }),
  ]);

  it('gives each module its curriculum title, order, count and percent from the summary', () => {
    const { modules } = assembleCohort(cohort, curriculum);
    expect(modules.map((m) => [m.order, m.title, m.completedCount, m.learnerCount, m.percent])).toEqual([
      [1, 'Module bienvenue', 2, 2, 100],
      [2, 'Module types-associations', 1, 2, 50],
      [3, 'Module guide-pratique', 1, 2, 50],
    ]);
  });

  it('lines each learner\'s states up with the module columns', () => {
    const { learners, averagePercent } = assembleCohort(cohort, curriculum);
    expect(learners[1]).toMatchObject({ name: 'Bruno <B&B>', states: ['done', 'not_started', 'failed'], percent: 33 });
    expect(averagePercent).toBe(67);
  });

  it('names the last module a stalled learner completed, and the days without progress', () => {
    const late = summary([row('c', 'Chloé', ['done', 'done', 'not_started'], { stalled: true, days: 30, completedAt: ['2026-01-20T00:00:00Z', '2026-01-05T00:00:00Z'] })]);
    expect(assembleCohort(late, curriculum).stalled).toEqual([
      { name: 'Chloé', percent: 66, daysSinceActivity: 30, lastActivityAt: '2026-01-20T00:00:00Z', lastModuleTitle: 'Module bienvenue' },
    ]);
  });

  it('handles an empty cohort: 0 learners, 0 %, no stalled learner', () => {
    const empty = assembleCohort(summary([]), curriculum);
    expect(empty).toMatchObject({ learners: [], stalled: [], averagePercent: 0, snapshotAt: null });
    expect(empty.modules.every((m) => m.percent === 0 && m.learnerCount === 0)).toBe(true);
  });
});

describe('loadDashboard', () => {
  const base: DashboardSources = { cohort: () => summary([row('a', 'Alice', ['done'])]), curriculum, notes };

  it('links recent changes to the wiki and tells bots from humans', async () => {
    const data = await loadDashboard({
      ...base,
      wiki: {
        apiUrl: 'http://wiki.test/w/api.php',
        recentChanges: async () => [
          { title: 'Parcours/Logiciel libre', type: 'new', user: 'Robot', timestamp: '2026-03-01T09:00:00Z', comment: 'Publication', bot: true },
          { title: 'Accueil', type: 'edit', user: 'Admin', timestamp: '2026-03-01T08:00:00Z', comment: '', bot: false },
        ],
      },
    });
    expect(data.wiki).toEqual({
      ok: true,
      value: [
        expect.objectContaining({ url: 'http://wiki.test/w/index.php?title=Parcours%2FLogiciel_libre', bot: true, isNew: true }),
        expect.objectContaining({ title: 'Accueil', bot: false, isNew: false }),
      ],
    });
  });

  it('keeps the page when the wiki is down, with a French notice in its section only', async () => {
    const data = await loadDashboard({ ...base, wiki: { apiUrl: 'http://x/api.php', recentChanges: async () => { throw new Error('ECONNREFUSED'); } } });
    expect(data.wiki).toMatchObject({ ok: false, message: expect.stringContaining('Le wiki ne répond pas') });
    expect(data.modules[0]?.completedCount).toBe(1);
    const html = dashboardBody(data);
    expect(html).toContain('Le wiki ne répond pas pour le moment');
    expect(html).not.toContain('ECONNREFUSED');
  });

  it('gives up on a wiki slower than the timeout', async () => {
    // The wiki never answers: without the timeout this load would never resolve.
    const data = await loadDashboard({ ...base, wikiTimeoutMs: 50, wiki: { apiUrl: 'http://x/api.php', recentChanges: () => new Promise(() => {}) } });
    expect(data.wiki).toMatchObject({ ok: false, message: expect.stringContaining('Le wiki ne répond pas') });
  });

  it('reads the notes queue: counts per state, latest entries, conflicts with their link', async () => {
    const data = await loadDashboard(base);
    expect(data.notes).toMatchObject({ ok: true, value: { total: 2, counts: { conflict: 1, published: 1 } } });
    const html = dashboardBody(data);
    expect(html).toContain('<a href="http://wiki/x?a=1&amp;b=2">voir Compte rendu 2/Brouillon</a>');
    expect(html).toContain('Modifiée par une personne &lt;après> le robot');
  });

  it('renders headings in order and escapes names in the tables', async () => {
    const data = await loadDashboard({ ...base, cohort: () => summary([row('b', 'Bruno <B&B>', ['done'], { stalled: true, days: 20 })]) });
    const html = dashboardBody(data);
    expect(html).not.toContain('Bruno <B&B>');
    expect(html).toContain('Bruno &lt;B&amp;B>');
    const levels = [...html.matchAll(/<h([1-6])/g)].map((m) => Number(m[1]));
    expect(levels[0]).toBe(2);
    levels.forEach((level, i) => expect(level - (levels[i - 1] ?? 1)).toBeLessThanOrEqual(1));
    expect(html.match(/<caption>/g)?.length).toBeGreaterThanOrEqual(5);
  });
});
