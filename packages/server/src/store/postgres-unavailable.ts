/**
 * Postgres being away (restarting, failing over, refusing connections) or unable to write (a
 * full disk, a read-only standby after a failover) is not a bug: callers get a
 * `StoreUnavailableError`, which the HTTP layer answers with 503 and `Retry-After`, so a
 * publisher retries instead of treating a 500 as a bad request. Nothing was acknowledged, and
 * nothing is lost: a publish either committed (then it was acknowledged) or it did not.
 */
import type { StoreFault } from './errors.ts';
import { pgError } from './postgres-tx.ts';

/** Socket-level failures: the server is down, restarting, or the network dropped. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATEs of a server going away or not yet up: admin/crash shutdown, cannot connect now, too many connections. */
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What `pg` throws for a dead connection, a connect timeout or no answer within `query_timeout` (it sets no code for these). */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|Client was closed|Query read timeout/i;

/** SQLSTATEs of a server that is up but cannot serve Herald now. */
const PG_FAULTS: Record<string, StoreFault> = {
  '25006': 'read_only', // read_only_sql_transaction: a standby, e.g. just after a failover
  '53100': 'disk_full',
  '58030': 'io_error',
  // The operator's statement_timeout or lock_timeout (or pg_cancel_backend) cut the statement
  // while another session held what it needed: the transaction rolled back, a retry may pass.
  '57014': 'busy', // query_canceled
  '55P03': 'busy', // lock_not_available
  // A Herald table or the schema dropped while running (an operator mistake): nothing can be
  // kept until it is restored, and the node must say so on /readyz rather than answer 500.
  '42P01': 'schema_missing', // undefined_table
  '3F000': 'schema_missing', // invalid_schema_name
};

/** Whether `err` means "Postgres cannot be reached", as opposed to a bad query or a bug. */
export function isUnavailable(err: unknown): boolean {
  const code = pgError(err).code ?? '';
  if (NET_CODES.has(code) || PG_CODES.has(code) || code.startsWith('08')) return true;
  return err instanceof Error && PG_MESSAGES.test(err.message);
}

/** The storage fault `err` reports, or null for a bad query or a bug. */
export function postgresFault(err: unknown): StoreFault | null {
  if (isUnavailable(err)) return 'unreachable';
  return PG_FAULTS[pgError(err).code ?? ''] ?? null;
}
