/**
 * A Store wrapper for hub tests: counts calls, lets a test run something just before a call (a
 * trim racing a read), and refuses calls past a cap, so a hot loop in the code under test ends
 * with an error instead of starving the event loop (and the test's own timers) for good.
 */
import type { Store } from '../../packages/server/src/store/store.ts';

type Method = Exclude<keyof Store, 'epoch'>;

export interface CountingStore extends Store {
  /** Calls so far, per method and in total. */
  readonly calls: Record<string, number> & { total: number };
  /** Runs `hook` once, just before the next call of `method` reaches the inner store. */
  before(method: Method, hook: () => Promise<void>): void;
}

export function countingStore(inner: Store, cap = 20_000): CountingStore {
  const calls = { total: 0 } as Record<string, number> & { total: number };
  const hooks = new Map<string, () => Promise<void>>();
  const wrapper = { epoch: inner.epoch, calls } as CountingStore;
  wrapper.before = (method, hook) => void hooks.set(method, hook);
  for (const key of Object.keys(inner) as (keyof Store)[]) {
    if (key === 'epoch' || typeof inner[key] !== 'function') continue;
    const fn = inner[key] as (...args: unknown[]) => Promise<unknown>;
    (wrapper as unknown as Record<string, unknown>)[key] = async (...args: unknown[]) => {
      calls.total++;
      calls[key] = (calls[key] ?? 0) + 1;
      if (calls.total > cap) throw new Error(`store call cap (${cap}) reached: a hot loop`);
      const hook = hooks.get(key);
      if (hook) {
        hooks.delete(key);
        await hook();
      }
      return fn(...args);
    };
  }
  return wrapper;
}
