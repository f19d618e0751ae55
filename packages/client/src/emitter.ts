/** Subscribes `cb` to an event; returns the function that unsubscribes it. */
export type On<M> = <K extends keyof M>(name: K, cb: (payload: M[K]) => void) => () => void;

export interface Emitter<M> {
  on: On<M>;
  emit<K extends keyof M>(name: K, payload: M[K]): void;
}

/**
 * A minimal typed emitter. A throwing listener is reported asynchronously and does not stop the
 * others, so one broken UI callback cannot break the connection logic that emits.
 */
/** `M` maps event names to payload types. */
export function createEmitter<M>(): Emitter<M> {
  const map = new Map<keyof M, Set<(p: never) => void>>();
  return {
    on(name, cb) {
      let set = map.get(name);
      if (!set) map.set(name, (set = new Set()));
      set.add(cb);
      return () => void set.delete(cb);
    },
    emit(name, payload) {
      for (const cb of [...(map.get(name) ?? [])]) {
        try {
          (cb as (p: unknown) => void)(payload);
        } catch (err) {
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    },
  };
}
