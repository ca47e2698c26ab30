/** The subscriptions' metrics read the hub's counts at scrape time (src/server/live-metrics.ts). */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { LiveStats } from '../../src/live/hub.ts';
import { registerLiveMetrics } from '../../src/server/live-metrics.ts';

describe('live metrics', () => {
  it('exposes streams, topics and pollers as gauges, polls and events as counters', async () => {
    const registry = new Registry();
    const stats: LiveStats = { streams: 104, topics: 1, pollers: 1, polls: 9, events: 1040 };
    registerLiveMetrics(registry, () => stats);
    registerLiveMetrics(registry, () => stats);
    const text = await registry.metrics();
    expect(text).toContain('gateway_live_streams 104');
    expect(text).toContain('gateway_live_topics 1');
    expect(text).toContain('gateway_live_pollers 1');
    expect(text).toContain('# TYPE gateway_live_polls_total counter\ngateway_live_polls_total 9');
    expect(text).toContain('gateway_live_events_total 1040');
    stats.polls = 12;
    expect(await registry.metrics()).toContain('gateway_live_polls_total 12');
  });
});
