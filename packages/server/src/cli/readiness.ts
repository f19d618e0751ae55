/**
 * The `/readyz` check of one process: the store takes a write (its `ping`, a one-row write on
 * SQLite) and the bus delivers. A probe is a real commit, so its result is cached for `ttlMs`
 * (default 1 s) and concurrent calls share one probe: a load balancer polling hard costs at most
 * one write per second. It recovers by itself: the next probe after a fault clears sees it.
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
  /** How long one probe's answer is reused, in ms. Default 1000. */
  ttlMs?: number;
  clock?: () => number;
}

/** Returns the readiness check `createApp` calls for `/readyz`. */
export function createReadiness(o: ReadinessOptions): () => Promise<Readiness> {
  const ttlMs = o.ttlMs ?? 1000;
  const clock = o.clock ?? Date.now;
  let last: { at: number; answer: Promise<Readiness> } | undefined;

  async function check(): Promise<Readiness> {
    const storeFault = await o.store.ping().then(
      () => null,
      (err: unknown) => (err instanceof StoreUnavailableError ? err.fault : 'error'),
    );
    const busOk = o.bus.healthy();
    const reasons: Record<string, string> = {};
    if (storeFault) reasons.store = storeFault;
    if (!busOk) reasons.bus = 'unhealthy';
    return { ok: !storeFault && busOk, checks: { store: !storeFault, bus: busOk }, ...(storeFault || !busOk ? { reasons } : {}) };
  }

  return () => {
    const now = clock();
    if (!last || now - last.at >= ttlMs) last = { at: now, answer: check() };
    return last.answer;
  };
}
