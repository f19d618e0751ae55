/**
 * The one owner of a Postgres store's health, like `SqliteHealth` for SQLite: which storage
 * fault it last met, counted by kind, and one report per change (the operator's log line),
 * never one per refused request. A successful write or readiness probe ends the fault; a
 * successful read does not, since a read-only standby still answers reads.
 */
import { StoreUnavailableError, type StoreFault } from './errors.ts';
import { FaultLog } from './fault-log.ts';
import { postgresFault } from './postgres-unavailable.ts';
import type { StoreHealth, StoreHealthChange } from './store.ts';

const DETAIL: Partial<Record<StoreFault, string>> = {
  unreachable: 'Postgres cannot be reached: requests answer 503 until it is back',
  read_only: 'Postgres refuses writes (a read-only standby?): writes answer 503 until the primary is back',
  disk_full: "Postgres's disk is full: writes answer 503 until space is freed",
  io_error: 'Postgres failed a read or write: writes answer 503 until it works again',
  busy: 'Postgres cut a statement (statement_timeout or lock_timeout while another session held a lock): requests answer 503 until it passes',
  schema_missing: 'a Herald table or schema is missing from Postgres (dropped?): requests answer 503 until it is restored',
};

/** Methods whose success proves that Postgres takes writes again. */
export const WRITES: ReadonlySet<string> = new Set(['publish', 'changeState', 'appendTopicEvent', 'trim', 'saveTicket', 'takeTicket', 'ping']);

export class PostgresHealth {
  readonly #log: FaultLog;

  constructor(onChange: (change: StoreHealthChange) => void) {
    this.#log = new FaultLog(onChange);
  }

  /** Classifies a rejection: a storage fault becomes `StoreUnavailableError` and is noted; anything else is returned as is. */
  failed(err: unknown): unknown {
    const fault = err instanceof StoreUnavailableError ? err.fault : postgresFault(err);
    if (!fault) return err;
    this.#log.count(fault);
    this.#log.enter(fault, DETAIL[fault] ?? `Postgres storage fault: ${fault}`);
    return err instanceof StoreUnavailableError ? err : new StoreUnavailableError(fault, { cause: err });
  }

  /** A write or probe succeeded. */
  succeeded(): void {
    this.#log.clear('Postgres takes writes again');
  }

  snapshot(): StoreHealth {
    return this.#log.snapshot();
  }
}

/** Returns a copy of `target` whose methods report to `health` (all but `close`). */
export function watchHealth<T extends object>(target: T, health: PostgresHealth): T {
  const out = { ...target } as Record<string, unknown>;
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function' || name === 'close') continue;
    const write = WRITES.has(name);
    out[name] = (...args: unknown[]) => {
      const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
      if (!(result instanceof Promise)) return result;
      return result.then(
        (v: unknown) => {
          if (write) health.succeeded();
          return v;
        },
        (err: unknown) => Promise.reject(health.failed(err)),
      );
    };
  }
  return out as T;
}
