/**
 * Long background work (training badges, wiki publishing, rendering a national agenda) goes a
 * step at a time and hands the event loop back between steps: on SQLite every query runs
 * synchronously in this process, and a job that only awaited its queries, or rendered a
 * thousand rows in one go, would hold every request until it ended.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `items.map(fn)`, `size` items at a time, with `pause()` between steps. */
export async function mapInSteps<T, R>(items: readonly T[], fn: (item: T) => R, options: { size?: number; pause?: () => Promise<void> } = {}): Promise<R[]> {
  const size = options.size ?? 100;
  const pause = options.pause ?? yieldToEventLoop;
  const out: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    if (start > 0) await pause();
    for (const item of items.slice(start, start + size)) out.push(fn(item));
  }
  return out;
}
