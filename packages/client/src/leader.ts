/**
 * Leader election among the tabs of one browser over Web Locks
 * (https://w3c.github.io/web-locks/): the tab holding the exclusive lock leads. The browser
 * releases a closed tab's lock by itself, and the next queued tab is granted it at once.
 */

/** The part of `navigator.locks` this uses; injected so Node tests can pass a fake. */
export interface LockManagerLike {
  request(
    name: string,
    options: { mode?: 'exclusive' | 'shared'; steal?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>;
}

export interface Elector {
  readonly leader: boolean;
  /** Takes the lock from a leader that looks frozen (`steal: true`). */
  steal(): void;
  /** Lets go of the lock and stops queueing (page frozen or hidden in the back/forward cache). */
  pause(): void;
  /** Queues for the lock again after `pause()`. */
  resume(): void;
  /** Lets go for good. */
  close(): void;
}

export interface ElectorOptions {
  locks: LockManagerLike;
  /** The lock name; tabs sharing a connection use the same name. */
  name: string;
  /** Called when this tab gains (`true`) or loses (`false`) the lead. */
  onChange(leader: boolean): void;
}

/** Queues for the lock at once; see {@link Elector}. */
export function createElector(o: ElectorOptions): Elector {
  let leader = false;
  let active = true;
  let closed = false;
  // The queued (not yet granted) request, aborted when superseded by a steal or a pause.
  let queued: AbortController | undefined;
  // Resolving it releases the held lock.
  let free: (() => void) | undefined;

  function set(v: boolean): void {
    if (v === leader) return;
    leader = v;
    o.onChange(v);
  }

  function request(steal = false): void {
    if (!active) return;
    queued?.abort();
    // The spec refuses `signal` together with `steal`: a steal is granted at once anyway.
    const c = steal ? undefined : new AbortController();
    queued = c;
    let release: (() => void) | undefined;
    o.locks
      .request(o.name, c ? { mode: 'exclusive', signal: c.signal } : { mode: 'exclusive', steal: true }, () => {
        if (queued === c) queued = undefined;
        return new Promise<void>((resolve) => {
          release = resolve;
          if (!active) return resolve();
          free = resolve;
          set(true);
        });
      })
      // Rejects with AbortError when aborted while queued, or when another tab stole the lock.
      .catch(() => {})
      .finally(() => {
        if (!release) return;
        // This grant is over: released by us, or stolen.
        if (free === release) {
          free = undefined;
          set(false);
        }
        if (active) request();
      });
  }

  function pause(): void {
    active = false;
    queued?.abort();
    queued = undefined;
    free?.();
    free = undefined;
    set(false);
  }

  request();

  return {
    get leader() {
      return leader;
    },
    steal() {
      if (active && !leader) request(true);
    },
    pause,
    resume() {
      if (closed || active) return;
      active = true;
      request();
    },
    close() {
      closed = true;
      pause();
    },
  };
}
