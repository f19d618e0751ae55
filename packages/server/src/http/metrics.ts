/** Prometheus metrics, read from the hub's counters at scrape time (nothing on the hot path). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Hub } from '../hub/hub.ts';
import type { StoreFault } from '../store/errors.ts';

/** Every fault kind, so each series exists (at 0) before its first fault and rates work at once. */
const FAULTS: readonly StoreFault[] = ['disk_full', 'io_error', 'read_only', 'corrupt', 'busy', 'cannot_open', 'file_moved', 'unreachable', 'schema_missing'];

export function createMetrics(hub: Hub): Registry {
  const registry = new Registry();
  // prom-client's default names already start with `process_` or `nodejs_`: the prefix is only
  // `herald_`, giving `herald_process_cpu_user_seconds_total`, `herald_nodejs_heap_size_used_bytes`.
  collectDefaultMetrics({ register: registry, prefix: 'herald_' });
  const stats = () => hub.stats();
  new Gauge({ name: 'herald_connections', help: 'Open streams on this process', registers: [registry], collect() { this.set(stats().connections); } });
  new Gauge({ name: 'herald_users_connected', help: 'Users with at least one stream on this process', registers: [registry], collect() { this.set(stats().users); } });
  const counter = (name: string, help: string, key: 'publishedTotal' | 'topicEventsTotal' | 'deliveredTotal' | 'slowConsumersTotal') =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stats()[key]);
      },
    });
  counter('herald_notifications_published_total', 'Notifications stored (one per recipient)', 'publishedTotal');
  counter('herald_topic_events_published_total', 'Topic events stored', 'topicEventsTotal');
  counter('herald_deliveries_total', 'Events handed to streams on this process', 'deliveredTotal');
  counter('herald_slow_consumers_total', 'Streams cut because the client stopped reading', 'slowConsumersTotal');
  storeMetrics(registry, hub);
  return registry;
}

/** Store health, for stores that report it (SQLite): whether it takes writes, and faults by kind. */
function storeMetrics(registry: Registry, hub: Hub): void {
  const health = hub.store.health?.bind(hub.store);
  if (!health) return;
  new Gauge({
    name: 'herald_store_writable',
    help: 'Whether the store takes writes: 0 after a storage fault (see /readyz for the reason), 1 again once a write succeeds',
    registers: [registry],
    collect() {
      this.set(health().writable ? 1 : 0);
    },
  });
  new Counter({
    name: 'herald_store_faults_total',
    help: 'Storage faults met (requests answered 503), by kind: disk_full, io_error, read_only, corrupt, busy, cannot_open, file_moved',
    labelNames: ['fault'],
    registers: [registry],
    collect() {
      const seen = health().faults;
      this.reset();
      for (const fault of FAULTS) this.inc({ fault }, seen[fault] ?? 0);
    },
  });
}
