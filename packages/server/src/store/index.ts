/** The Store seam: the interface, its three implementations, and `createStore` to pick one. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createMemoryStore } from './memory-store.ts';
import { createPostgresStore } from './postgres-store.ts';
import { pgError } from './postgres-tx.ts';
import { postgresFault } from './postgres-unavailable.ts';
import { createSqliteStore } from './sqlite-store.ts';
import { StoreOpenError } from './errors.ts';
import type { Store, StoreHealthChange } from './store.ts';

export type * from './store.ts';
export { toWire } from './store.ts';
export { DuplicateIdError, StoreOpenError, StoreUnavailableError, type StoreFault } from './errors.ts';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.ts';
export { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
export { createPostgresStore, type PostgresStoreOptions } from './postgres-store.ts';

export interface CreateStoreOptions {
  /**
   * `postgres://` or `postgresql://` selects Postgres; `memory:` an in-process store (nothing
   * persists). Default: unset, the SQLite file `<dataDir>/herald.db`.
   */
  databaseUrl?: string;
  /** Where the SQLite file lives; created if missing. */
  dataDir: string;
  /** SQLite and Postgres: called once each time the store stops or starts being able to write (for the log). */
  onHealth?: (change: StoreHealthChange) => void;
}

/** The SQLite file name inside the data dir. */
export const SQLITE_FILE = 'herald.db';

/**
 * Opens the store the configuration names. An unknown URL scheme fails here, at start-up, and so
 * does an unusable SQLite file or data dir, with `StoreOpenError`.
 */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const url = options.databaseUrl?.trim();
  if (url && /^postgres(ql)?:\/\//i.test(url)) return openPostgres(url, options.onHealth);
  if (url === 'memory:') return createMemoryStore();
  if (url) throw new Error(`DATABASE_URL must start with postgres:// or postgresql:// (or be memory:), got "${url.split(':')[0]}:…"`);
  try {
    mkdirSync(options.dataDir, { recursive: true });
  } catch (err) {
    throw new StoreOpenError(`the data dir ${options.dataDir} cannot be created (${(err as NodeJS.ErrnoException).code}): check HERALD_DATA_DIR.`, { cause: err });
  }
  return createSqliteStore({ path: path.join(options.dataDir, SQLITE_FILE), onHealth: options.onHealth });
}

/**
 * Postgres refusing at start-up (down, wrong password, no such database) is the operator's to
 * fix: one sentence, no stack trace. The URL is never quoted: it may hold a password.
 */
/** A server down, failing over, full or cutting statements may recover by itself; a missing schema needs the operator. */
const isTemporary = (fault: ReturnType<typeof postgresFault>): boolean => fault !== null && fault !== 'schema_missing';

async function openPostgres(url: string, onHealth: CreateStoreOptions['onHealth']): Promise<Store> {
  try {
    return await createPostgresStore({ url, onHealth });
  } catch (err) {
    if (pgError(err).code === undefined && postgresFault(err) === null) throw err; // a bug: keep its stack
    throw new StoreOpenError(`Postgres (DATABASE_URL) cannot be used: ${(err as Error).message}`, { cause: err, temporary: isTemporary(postgresFault(err)) });
  }
}
