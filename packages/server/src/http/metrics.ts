/** Prometheus metrics, read from the hub's counters at scrape time (nothing on the hot path). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Hub } from '../hub/hub.ts';

export function createMetrics(hub: Hub): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'herald_process_' });
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
  return registry;
}
