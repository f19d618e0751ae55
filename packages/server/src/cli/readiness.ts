/**
 * The `/readyz` check of one process: the store answers (its `ping`: on SQLite a one-row write,
 * at most one per second, so a store that reads but cannot write is not ready) and the bus
 * delivers. Each check asks afresh, so it recovers by itself as soon as the store does.
 */
import type { Bus } from '../bus/bus.ts';
import { StoreUnavailableError } from '../store/errors.ts';
import type { Store } from '../store/store.ts';

export interface Readiness {
  ok: boolean;
  checks: Record<string, boolean>;
  /** Why a check fails, by check: a `StoreFault` code for the store. */
  reasons?: Record<string, string>;
}

export interface ReadinessOptions {
  store: Pick<Store, 'ping'>;
  bus: Pick<Bus, 'healthy'>;
}

/** Returns the readiness check `createApp` calls for `/readyz`. */
export function createReadiness(o: ReadinessOptions): () => Promise<Readiness> {
  return async function check(): Promise<Readiness> {
    const storeFault = await o.store.ping().then(
      () => null,
      (err: unknown) => (err instanceof StoreUnavailableError ? err.fault : 'error'),
    );
    const busOk = o.bus.healthy();
    const reasons: Record<string, string> = {};
    if (storeFault) reasons.store = storeFault;
    if (!busOk) reasons.bus = 'unhealthy';
    return { ok: !storeFault && busOk, checks: { store: !storeFault, bus: busOk }, ...(storeFault || !busOk ? { reasons } : {}) };
  };
}
