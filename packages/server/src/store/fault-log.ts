/**
 * What the SQLite and Postgres health owners share: the storage fault in force, how often each
 * kind was met, and one report per change (the operator's log line), never one per refused
 * request.
 */
import type { StoreFault } from './errors.ts';
import type { StoreHealth, StoreHealthChange } from './store.ts';

export class FaultLog {
  readonly #onChange: (change: StoreHealthChange) => void;
  readonly #faults: Partial<Record<StoreFault, number>> = {};
  #fault: StoreFault | undefined;

  constructor(onChange: (change: StoreHealthChange) => void) {
    this.#onChange = onChange;
  }

  /** The fault in force, if any. */
  get fault(): StoreFault | undefined {
    return this.#fault;
  }

  /** Counts one meeting of `fault` (the `herald_store_faults_total` figure). */
  count(fault: StoreFault): void {
    this.#faults[fault] = (this.#faults[fault] ?? 0) + 1;
  }

  /** `fault` is now in force; reported once, when it differs from the one before. */
  enter(fault: StoreFault, detail: string): void {
    if (this.#fault === fault) return;
    this.#fault = fault;
    this.#tell({ writable: false, fault, detail });
  }

  /** The fault in force is over; reported once. */
  clear(detail: string): void {
    if (this.#fault === undefined) return;
    this.#fault = undefined;
    this.#tell({ writable: true, detail });
  }

  /** The health to report; `lasting` (a fault that outlives a clear) wins over the one in force. */
  snapshot(lasting?: StoreFault): StoreHealth {
    const fault = lasting ?? this.#fault;
    return { writable: fault === undefined, ...(fault ? { fault } : {}), faults: { ...this.#faults } };
  }

  #tell(change: StoreHealthChange): void {
    try {
      this.#onChange(change);
    } catch {
      // Silence is right: a log line that fails must not turn a committed write into a refused one.
    }
  }
}
