/**
 * Long directory jobs (training badges, wiki publishing) work a slice at a time and hand the
 * event loop back between slices: on SQLite every query runs synchronously in this process, so
 * a job that only awaited queries would hold every request until it ended.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
