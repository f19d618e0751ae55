/**
 * How the contract suite gets stores: each test creates a fresh, empty store and the suite closes
 * every store it opened afterwards, then calls `cleanup`.
 */
import { afterEach, beforeEach } from 'vitest';
import type { NewNotification, Store } from '../store.ts';

export interface StoreHarness {
  /** A new, empty store (its own file, schema …). */
  create(): Promise<Store>;
  /**
   * Durable stores only: closes `previous` and opens a new store over the same data. The suite
   * checks that data and epoch survive.
   */
  reopen?(previous: Store): Promise<Store>;
  /** Runs after each test, once every store of that test is closed. */
  cleanup?(): Promise<void>;
}

/** What a contract test sees: the current store, and `reopen` when the store is durable. */
export interface StoreContext {
  readonly store: Store;
  readonly durable: boolean;
  /** Reopens the current store over the same data and makes it current. */
  reopen(): Promise<Store>;
  /** Another fresh store, closed with the rest. */
  another(): Promise<Store>;
}

/** Registers the hooks that give each test its own store. Call inside a `describe`. */
export function useStore(harness: StoreHarness): StoreContext {
  let current: Store | undefined;
  let open: Store[] = [];
  beforeEach(async () => {
    current = await harness.create();
    open = [current];
  });
  afterEach(async () => {
    for (const s of open) await s.close();
    open = [];
    current = undefined;
    await harness.cleanup?.();
  });
  return {
    get store() {
      if (!current) throw new Error('no store: used outside a test');
      return current;
    },
    durable: harness.reopen !== undefined,
    async reopen() {
      if (!harness.reopen || !current) throw new Error('this store is not durable');
      const prev = current;
      current = await harness.reopen(prev);
      open = open.filter((s) => s !== prev).concat(current);
      return current;
    },
    async another() {
      const s = await harness.create();
      open.push(s);
      return s;
    },
  };
}

/** A fixed base time (epoch ms); stores never read a clock, so tests pick times freely. */
export const T0 = 1_700_000_000_000;

let counter = 0;

/** A minimal new notification with a unique id. */
export function note(recipient: string, extra: Partial<NewNotification> = {}): NewNotification {
  counter += 1;
  return { id: `n${process.pid}x${counter}x${Math.random().toString(36).slice(2, 8)}`, recipient, title: `hello ${counter}`, severity: 'info', ...extra };
}

/** Publishes one notification per call, in order, and returns the stored copies. */
export async function publishEach(store: Store, items: NewNotification[], now = T0) {
  const out = [];
  for (const item of items) out.push((await store.publish([item], now))[0]!.notification);
  return out;
}
