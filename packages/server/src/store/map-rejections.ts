/**
 * Wraps every async method of a store so its rejections pass through one mapping: how each store
 * turns its driver's failures into typed errors (`StoreUnavailableError`) in one place, instead
 * of a try/catch in every method.
 */

/** Returns a copy of `target` whose methods (all but `close`) reject with `map(err)` instead of `err`. */
export function mapRejections<T extends object>(target: T, map: (err: unknown) => unknown): T {
  const out = { ...target } as Record<string, unknown>;
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function' || name === 'close') continue;
    out[name] = (...args: unknown[]) => {
      const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
      return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(map(err))) : result;
    };
  }
  return out as T;
}
