import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** PostgreSQL codes of a server gone or refusing work for now (class 08 connection, 57P shutdown, 53 resources). */
const TRANSIENT_PG = /^(08|57P|53)/;
/** What node's sockets and pg say when the server is out of reach. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNREACHABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed/;

/** True for an error of the PostgreSQL driver meaning "the server cannot do this right now". */
export function isTransientPostgresError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  return TRANSIENT_PG.test(code) || UNREACHABLE_CODES.has(code) || UNREACHABLE_MESSAGES.test(message);
}

/**
 * The pool as Kysely sees it, with the driver's "server out of reach" errors turned into the
 * store's own error (`unavailable(cause)`) where they happen: code above the store then tells a
 * store outage from the wiki's or Moodle's (both report ECONNREFUSED the same way) by its type,
 * not by guessing from a socket code. Other errors (a constraint violated...) pass unchanged.
 */
export function poolWithStoreErrors(pool: pg.Pool, unavailable: (cause: unknown) => Error): PostgresPool {
  const translate = (err: unknown): unknown => (isTransientPostgresError(err) ? unavailable(err) : err);
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw translate(err);
      }
      return {
        query: (async (sqlOrCursor: string, parameters: ReadonlyArray<unknown>) => {
          try {
            return (await client.query(sqlOrCursor, parameters as unknown[])) as PostgresQueryResult<unknown>;
          } catch (err) {
            throw translate(err);
          }
        }) as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
    },
    end: () => pool.end(),
  };
}
