/**
 * Transactions for the Postgres store, retried on the errors that a retry resolves: a deadlock,
 * a serialization failure, or two publishes racing on one new dedupe key (the loser retries and
 * then finds the winner's notification).
 */
import type pg from 'pg';

const RETRYABLE = new Set(['40P01', '40001']);

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

export function pgError(err: unknown): PgError {
  return typeof err === 'object' && err !== null ? (err as PgError) : {};
}

function retryable(err: unknown): boolean {
  const e = pgError(err);
  return RETRYABLE.has(e.code ?? '') || (e.code === '23505' && e.constraint === 'notifications_dedupe');
}

/** Runs `fn` in BEGIN … COMMIT on one pooled client; rolls back and rethrows on failure. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const c = await pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: if the server goes away between two queries,
    // its 'error' event would be unhandled and crash the process. Note it and drop the client.
    const onError = (e: Error) => (broken = e);
    c.on('error', onError);
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      // A query that timed out is still running on its connection, and a ROLLBACK would only
      // queue behind it: drop the connection instead (Postgres rolls the transaction back).
      if (isReadTimeout(err)) broken = err as Error;
      else await c.query('ROLLBACK').catch((e: Error) => (broken = e));
      if (attempt < attempts && retryable(err)) continue;
      throw err;
    } finally {
      // A client whose ROLLBACK failed is in an unknown state: drop it from the pool.
      c.off('error', onError);
      c.release(broken);
    }
  }
}

/** The deadline of statements that may legitimately run long: migrations (behind another node's lock) and trims. */
export const SLOW_QUERY_MS = 10 * 60_000;

/**
 * The error `pg` gives when a query got no answer within the pool's `query_timeout`: Postgres
 * hangs, or the network drops packets.
 */
export function isReadTimeout(err: unknown): boolean {
  return err instanceof Error && err.message === 'Query read timeout';
}

/** A view of `c` whose queries may run up to `SLOW_QUERY_MS`, whatever the pool's query deadline. */
export function slowQueries(c: pg.PoolClient): SlowClient {
  return { query: (text, values) => c.query({ text, values, query_timeout: SLOW_QUERY_MS } as pg.QueryConfig) };
}

/** The query method of {@link slowQueries}. */
export interface SlowClient {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}
