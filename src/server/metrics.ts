/**
 * Prometheus metrics, one registry per gateway instance (never prom-client's global one, so two
 * gateways in one process, e.g. tests, do not collide). Labels are low-cardinality: operation
 * names are capped in length and charset, upstream routes are templates from CallRecord.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CallRecord, UpstreamHealth } from '../upstreams/types.ts';

const BREAKER_STATES: UpstreamHealth['breaker'][] = ['closed', 'open', 'half-open', 'isolated'];

export interface GatewayMetrics {
  registry: Registry;
  observeRequest(input: {
    operation: string;
    status: number;
    durationMs: number;
    errorCodes: string[];
  }): void;
  observeCall(record: CallRecord): void;
  render(): Promise<string>;
}

export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : 'invalid';
}

export function createMetrics(options: {
  health?: () => UpstreamHealth[];
  defaultMetrics?: boolean;
}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'gateway_' });
  const requests = new Counter({
    name: 'gateway_graphql_requests_total',
    help: 'GraphQL requests by operation name and HTTP status.',
    labelNames: ['operation', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'GraphQL request duration by operation name.',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const requestErrors = new Counter({
    name: 'gateway_graphql_errors_total',
    help: 'Errors returned to clients by operation name and code.',
    labelNames: ['operation', 'code'],
    registers: [registry],
  });
  const calls = new Counter({
    name: 'gateway_upstream_calls_total',
    help: 'Upstream calls by upstream, method, route template and status.',
    labelNames: ['upstream', 'method', 'route', 'status'],
    registers: [registry],
  });
  const callDuration = new Histogram({
    name: 'gateway_upstream_call_duration_seconds',
    help: 'Upstream call latency by upstream and route template.',
    labelNames: ['upstream', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const callErrors = new Counter({
    name: 'gateway_upstream_errors_total',
    help: 'Failed upstream calls by upstream, route template and error code.',
    labelNames: ['upstream', 'route', 'code'],
    registers: [registry],
  });
  new Gauge({
    name: 'gateway_upstream_breaker_state',
    help: 'Circuit breaker state per upstream: 1 for the current state, 0 otherwise.',
    labelNames: ['upstream', 'state'],
    registers: [registry],
    collect() {
      for (const health of options.health?.() ?? []) {
        for (const state of BREAKER_STATES) {
          this.set({ upstream: health.upstream, state }, health.breaker === state ? 1 : 0);
        }
      }
    },
  });
  new Gauge({
    name: 'gateway_upstream_quota_blocked_seconds',
    help: 'Seconds until the upstream quota guard lets calls through again (0 when open).',
    labelNames: ['upstream'],
    registers: [registry],
    collect() {
      for (const health of options.health?.() ?? []) {
        const until = health.quotaBlockedUntil ?? 0;
        this.set({ upstream: health.upstream }, Math.max(0, (until - Date.now()) / 1000));
      }
    },
  });

  return {
    registry,
    observeRequest({ operation, status, durationMs, errorCodes }) {
      requests.inc({ operation, status: String(status) });
      duration.observe({ operation }, durationMs / 1000);
      for (const code of errorCodes) requestErrors.inc({ operation, code });
    },
    observeCall(record) {
      const labels = { upstream: record.upstream, route: record.route };
      calls.inc({ ...labels, method: record.method, status: String(record.status ?? 'none') });
      callDuration.observe(labels, record.durationMs / 1000);
      if (record.errorCode) callErrors.inc({ ...labels, code: record.errorCode });
    },
    render: () => registry.metrics(),
  };
}
