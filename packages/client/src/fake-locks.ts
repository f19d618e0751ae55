/**
 * An in-process stand-in for `navigator.locks` (exclusive mode only) for Node tests: a FIFO
 * queue per name, `signal` aborts a queued request, `steal` releases the holder (whose request
 * rejects with AbortError) and is granted at once. One instance plays one browser. Not exported.
 */
import type { LockManagerLike } from './leader.ts';

interface Waiter {
  cb: (lock: unknown) => Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

const abortError = () => new DOMException('The request was aborted.', 'AbortError');

export interface FakeLocks extends LockManagerLike {
  /** Whether a name is held right now. */
  held(name: string): boolean;
}

export function createFakeLocks(): FakeLocks {
  const holders = new Map<string, Waiter>();
  const queues = new Map<string, Waiter[]>();

  function grant(name: string, w: Waiter): void {
    holders.set(name, w);
    Promise.resolve()
      .then(() => w.cb({ name, mode: 'exclusive' }))
      .then(
        (v) => done(name, w, () => w.resolve(v)),
        (e) => done(name, w, () => w.reject(e)),
      );
  }

  function done(name: string, w: Waiter, settle: () => void): void {
    if (holders.get(name) === w) {
      holders.delete(name);
      pump(name);
    }
    settle();
  }

  function pump(name: string): void {
    const q = queues.get(name);
    if (holders.has(name) || !q?.length) return;
    grant(name, q.shift()!);
  }

  return {
    held: (name) => holders.has(name),
    request(name, options, cb) {
      return new Promise((resolve, reject) => {
        if (options.steal && options.signal) return reject(new DOMException('steal with signal', 'NotSupportedError'));
        const w: Waiter = { cb, resolve, reject };
        if (options.steal) {
          const old = holders.get(name);
          holders.delete(name);
          old?.reject(abortError());
          return grant(name, w);
        }
        const { signal } = options;
        if (signal?.aborted) return reject(abortError());
        const q = queues.get(name) ?? [];
        queues.set(name, q);
        q.push(w);
        signal?.addEventListener('abort', () => {
          const i = q.indexOf(w);
          if (i >= 0) {
            q.splice(i, 1);
            reject(abortError());
          }
        });
        pump(name);
      });
    },
  };
}
