/**
 * Splits a list for `IN (...)` lists and multi-row inserts, so one statement stays under both
 * backends' bound-parameter limits (SQLite 32,766, PostgreSQL 65,535).
 */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
