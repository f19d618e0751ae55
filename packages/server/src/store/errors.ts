/** Errors a Store raises; anything else from a store is a bug. */
import { HeraldError } from '@herald/protocol';

/**
 * A notification id that is already stored (or repeated in one publish). Ids are chosen by the
 * hub and random, so this means a bug or a replayed request: the whole publish wrote nothing.
 */
export class DuplicateIdError extends Error {
  readonly id: string;

  constructor(id: string, options?: { cause?: unknown }) {
    super(`notification id already exists: ${id}`, options);
    this.name = 'DuplicateIdError';
    this.id = id;
  }
}

/**
 * Why storage cannot serve a call. Reason codes for logs, `/readyz` and the
 * `herald_store_faults_total` metric; never shown to API clients.
 * - `disk_full`: no space left for the database or its journal.
 * - `io_error`: the operating system failed a read or write.
 * - `read_only`: the file or its file system refuses writes.
 * - `corrupt`: the file is damaged (or is not a database).
 * - `busy`: another process holds the database lock beyond the busy timeout.
 * - `cannot_open`: a file the database needs cannot be opened.
 * - `file_moved`: the database file was removed or replaced while open: writes would go to a
 *   file nobody will ever open again.
 * - `unreachable`: the database server cannot be reached (Postgres).
 * - `schema_missing`: a Herald table or schema is gone from the database (Postgres: dropped while running).
 */
export type StoreFault = 'disk_full' | 'io_error' | 'read_only' | 'corrupt' | 'busy' | 'cannot_open' | 'file_moved' | 'unreachable' | 'schema_missing';

/** Seconds a client should wait before retrying a call refused for a storage fault. */
export const STORE_RETRY_AFTER_S = 1;

/**
 * Storage cannot serve this call now. It is a `HeraldError('unavailable')`, so HTTP answers 503
 * with `Retry-After`, and whatever was asked was not acknowledged: a write either committed and
 * was acknowledged, or it is refused with this and the caller retries.
 */
export class StoreUnavailableError extends HeraldError {
  readonly fault: StoreFault;

  constructor(fault: StoreFault, options?: { cause?: unknown }) {
    super('unavailable', 'Storage is unavailable; retry later.', { cause: options?.cause, retryAfter: STORE_RETRY_AFTER_S });
    this.fault = fault;
  }
}

/**
 * The store cannot be opened as configured (an empty, corrupt or read-only file, a directory in
 * its place, …). The message is one sentence for an operator, printed by `herald serve` as
 * `herald: <message>` before it exits non-zero.
 */
export class StoreOpenError extends Error {
  /**
   * True when waiting may fix it (Postgres down or failing over, a lock held by another process):
   * `herald serve` then exits 75 so a service manager starts it again, instead of 78 (stay down).
   */
  readonly temporary: boolean;

  constructor(message: string, options?: { cause?: unknown; temporary?: boolean }) {
    super(message, options);
    this.name = 'StoreOpenError';
    this.temporary = options?.temporary ?? false;
  }
}
