import { z } from 'zod';
import { parseResponse, type WikiClient } from './client.js';

/** Where a reader of the wiki's change feed stands: the newest change it has applied. */
export interface ChangeMark {
  /** rc_id of the newest change seen (0: none yet). */
  rcid: number;
  /** Its timestamp (ISO 8601), where the next read starts from. */
  timestamp: string;
}

export interface ChangedTitles {
  /** Every title an edit, creation, log entry (move, delete, protect...) or category change touched. */
  titles: Set<string>;
  mark: ChangeMark;
  /** API calls the read took (more than one only when continuation was needed). */
  calls: number;
}

const changesSchema = z.object({
  continue: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  query: z.object({
    recentchanges: z.array(
      z.object({
        rcid: z.number(),
        title: z.string().optional(),
        timestamp: z.string(),
        logparams: z.object({ target_title: z.string().optional() }).loose().optional(),
      }),
    ),
  }),
});

/**
 * Changes inserted late (MediaWiki writes recentchanges rows in deferred updates) can carry a
 * timestamp a little older than rows already read: each read goes back this far and skips the
 * rcids it has seen.
 */
const LATE_ROW_MARGIN_MS = 10_000;

/** The newest change on the wiki: where a new reader of the feed starts. One API call. */
export async function latestChange(client: WikiClient): Promise<ChangeMark> {
  const raw = await client.request({ action: 'query', list: 'recentchanges', rcprop: ['ids', 'timestamp'], rclimit: 1 });
  const newest = parseResponse(changesSchema, raw, 'list=recentchanges').query.recentchanges[0];
  return newest ? { rcid: newest.rcid, timestamp: newest.timestamp } : { rcid: 0, timestamp: new Date(0).toISOString() };
}

/**
 * Titles changed since `mark`, oldest first, in one API call (`rclimit=max`, or `pageSize`),
 * following continuation when more changed than one answer holds. Moves name both titles.
 */
export async function changedTitlesSince(client: WikiClient, mark: ChangeMark, options: { pageSize?: number } = {}): Promise<ChangedTitles> {
  const start = new Date(Math.max(0, Date.parse(mark.timestamp) - LATE_ROW_MARGIN_MS)).toISOString();
  const titles = new Set<string>();
  let next = { ...mark };
  let calls = 0;
  let cont: Record<string, string | number> = { continue: '' };
  for (;;) {
    calls += 1;
    const raw = await client.request({
      action: 'query', list: 'recentchanges', rcdir: 'newer', rcstart: start, rclimit: options.pageSize ?? 'max',
      rcprop: ['title', 'ids', 'timestamp', 'loginfo'], rctype: ['edit', 'new', 'log', 'categorize'], ...cont,
    });
    const answer = parseResponse(changesSchema, raw, 'list=recentchanges');
    for (const change of answer.query.recentchanges) {
      if (change.rcid <= mark.rcid) continue;
      if (change.title) titles.add(change.title);
      if (change.logparams?.target_title) titles.add(change.logparams.target_title);
      if (change.rcid > next.rcid) next = { rcid: change.rcid, timestamp: change.timestamp };
    }
    if (!answer.continue) return { titles, mark: next, calls };
    cont = answer.continue;
  }
}
