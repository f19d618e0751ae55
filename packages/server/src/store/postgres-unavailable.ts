/**
 * Postgres being away (restarting, failing over, refusing connections) is not a bug: callers get
 * `HeraldError('unavailable')`, which the HTTP layer answers with 503 and `Retry-After`, so a
 * publisher retries instead of treating a 500 as a bad request. Nothing was acknowledged, and
 * nothing is lost: a publish either committed (then it was acknowledged) or it did not.
 */
import { HeraldError } from '@herald/protocol';
import { pgError } from './postgres-tx.ts';

/** Socket-level failures: the server is down, restarting, or the network dropped. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATEs of a server going away or not yet up: admin/crash shutdown, cannot connect now, too many connections. */
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What `pg` throws for a dead connection or a connect timeout (it sets no code for these). */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|Client was closed/i;

/** Whether `err` means "Postgres cannot be reached", as opposed to a bad query or a bug. */
export function isUnavailable(err: unknown): boolean {
  const code = pgError(err).code ?? '';
  if (NET_CODES.has(code) || PG_CODES.has(code) || code.startsWith('08')) return true;
  return err instanceof Error && PG_MESSAGES.test(err.message);
}

/** Wraps every async method so that connection failures become `HeraldError('unavailable')`. */
export function mapUnavailable<T extends object>(target: T): T {
  const out = { ...target } as Record<string, unknown>;
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function' || name === 'close') continue;
    out[name] = (...args: unknown[]) =>
      (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((err: unknown) => {
        if (isUnavailable(err)) throw new HeraldError('unavailable', 'The database is unavailable; retry later.', { cause: err, retryAfter: 1 });
        throw err;
      });
  }
  return out as T;
}
