/**
 * The subscriptions' metrics, read from the watch hub's counts at scrape time: streams open,
 * topics and the pollers this replica runs (gauges), polls made and events sent (counters; the
 * dashboard shows polls per minute).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LiveStats } from '../live/hub.ts';

export function registerLiveMetrics(registry: Registry, stats: () => LiveStats): void {
  // A registry shared by two gateways of one process shows the first one's hub.
  if (registry.getSingleMetric('gateway_live_streams')) return;
  const gauges: [string, string, keyof LiveStats][] = [
    ['gateway_live_streams', 'Subscription streams open on this replica.', 'streams'],
    ['gateway_live_topics', 'Resources (per credential scope) watched on this replica.', 'topics'],
    ['gateway_live_pollers', 'Resources this replica polls (holds the lease of).', 'pollers'],
  ];
  for (const [name, help, key] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(stats()[key]);
      },
    });
  }
  const counters: [string, string, keyof LiveStats][] = [
    ['gateway_live_polls_total', 'Upstream polls made for subscriptions by this replica.', 'polls'],
    ['gateway_live_events_total', 'Subscription events sent to clients by this replica.', 'events'],
  ];
  for (const [name, help, key] of counters) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stats()[key]);
      },
    });
  }
}
