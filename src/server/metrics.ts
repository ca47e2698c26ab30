/**
 * Prometheus metrics, one registry per gateway instance (never prom-client's global one, so two
 * gateways in one process, e.g. tests, do not collide). Labels are low-cardinality: operation
 * names are those of executed operations, capped in length, charset and count (`other` past
 * MAX_OPERATION_LABELS), and minted only by trusted requests (persisted operations, vouched
 * clients) so a stranger's junk names cannot fill the set; upstream routes are templates from CallRecord.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Upstreams } from '../upstreams/index.ts';
import type { CallRecord, UpstreamHealth } from '../upstreams/types.ts';
import { REJECT_REASONS, type RejectReason } from './http-guard.ts';
import { COMPILE_OUTCOMES, type CompileOutcome } from './plugins/use-compiled-execution.ts';

const BREAKER_STATES: UpstreamHealth['breaker'][] = ['closed', 'open', 'half-open', 'isolated'];

export interface GatewayMetrics {
  registry: Registry;
  observeRequest(input: {
    operation: string;
    status: number;
    durationMs: number;
    errorCodes: string[];
    /** A new name becomes a label only for a trusted operation (request-state.ts `trusted`). */
    trusted: boolean;
  }): void;
  observeCall(record: CallRecord): void;
  /** A request the HTTP layer refused before the gateway saw it (http-guard.ts). */
  observeRejected(reason: RejectReason): void;
  /** A query document's compilation (plugins/use-compiled-execution.ts) and its outcome. */
  observeCompiled(outcome: CompileOutcome): void;
  render(): Promise<string>;
}

const MAX_CACHED_SERIES = 1000;

/**
 * A count prom-client learns when scraped. The hot path adds to `pending` instead of calling
 * `inc`, which turns the label set into a string on every call; the counter's `collect` (run by
 * every scrape and `get`) moves what each series gathered into the counter.
 */
interface Tally {
  readonly tallyLabels: Record<string, string>;
  pending: number;
}

interface CallSeries extends Tally {
  readonly upstream: string;
  readonly method: string;
  readonly status: number | undefined;
  duration: Histogram.Internal<string>;
  labels: { upstream: string; route: string };
  errors: Map<string, Counter.Internal>;
}

interface RequestSeries extends Tally {
  duration: Histogram.Internal<string>;
  errors: Map<string, Counter.Internal>;
}

/** Adds every tally's pending count to `counter` (a counter's `collect`, or before a reset). */
function flushTallies(counter: Counter, tallies: Iterable<Tally>): void {
  for (const tally of tallies) {
    if (tally.pending === 0) continue;
    counter.inc(tally.tallyLabels, tally.pending);
    tally.pending = 0;
  }
}

/** Distinct operation labels one registry keeps; later names share `other`. */
export const MAX_OPERATION_LABELS = 200;

export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : 'invalid';
}

export function createMetrics(options: {
  health?: () => UpstreamHealth[];
  /** The shared cache's counters and the Wickson budget (`gateway_cache_*`). */
  upstreams?: () => Pick<Upstreams, 'cache' | 'wicksonBudget'>;
  defaultMetrics?: boolean;
}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'gateway_' });
  const observeRequest = requestMetrics(registry);
  const observeCall = upstreamCallMetrics(registry);
  registerHealthGauges(registry, options.health);
  const rejected = new Counter({
    name: 'gateway_http_rejected_total',
    help: 'Requests refused by the HTTP layer before any gateway code, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of REJECT_REASONS) rejected.inc({ reason }, 0);
  const compiled = new Counter({
    name: 'gateway_compiled_operations_total',
    help: 'Query operations compiled on their repeat (graphql-jit), or left to the executor.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of COMPILE_OUTCOMES) compiled.inc({ outcome }, 0);
  registerCacheMetrics(registry, options.upstreams);
  return {
    registry,
    observeRequest,
    observeCall,
    observeRejected: (reason) => rejected.labels({ reason }).inc(),
    observeCompiled: (outcome) => compiled.labels({ outcome }).inc(),
    render: () => registry.metrics(),
  };
}

/** A counter's child for one more label, `code`; kept per series (bounded). */
function errorChild(
  cache: Map<string, Counter.Internal>,
  counter: Counter,
  labels: Record<string, string>,
  code: string,
): Counter.Internal {
  let child = cache.get(code);
  if (!child) {
    child = counter.labels({ ...labels, code });
    if (cache.size < MAX_CACHED_SERIES) cache.set(code, child);
  }
  return child;
}

/** GraphQL requests, their duration and errors, by operation (labels capped, see the header). */
function requestMetrics(registry: Registry): GatewayMetrics['observeRequest'] {
  const requestSeries = new Map<string, RequestSeries>();
  const requests = new Counter({
    name: 'gateway_graphql_requests_total',
    help: 'GraphQL requests by operation name and HTTP status.',
    labelNames: ['operation', 'status'],
    registers: [registry],
    collect() {
      flushTallies(this, requestSeries.values());
    },
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
  const operationLabels = new Set<string>(['anonymous', 'invalid', 'other']);
  const cappedOperation = (operation: string, trusted: boolean): string => {
    if (operationLabels.has(operation)) return operation;
    if (!trusted || operationLabels.size >= MAX_OPERATION_LABELS + 3) return 'other';
    operationLabels.add(operation);
    return operation;
  };
  const requestSeriesFor = (operation: string, status: number): RequestSeries => {
    const key = `${operation}\0${status}`;
    let series = requestSeries.get(key);
    if (!series) {
      if (requestSeries.size >= MAX_CACHED_SERIES) {
        flushTallies(requests, requestSeries.values());
        requestSeries.clear();
      }
      series = {
        tallyLabels: { operation, status: String(status) },
        pending: 0,
        duration: duration.labels({ operation }),
        errors: new Map(),
      };
      requestSeries.set(key, series);
    }
    return series;
  };
  return ({ operation: name, status, durationMs, errorCodes, trusted }) => {
    const operation = cappedOperation(name, trusted);
    const series = requestSeriesFor(operation, status);
    series.pending += 1;
    series.duration.observe(durationMs / 1000);
    for (const code of errorCodes) {
      errorChild(series.errors, requestErrors, { operation }, code).inc();
    }
  };
}

/**
 * Upstream calls, their latency and errors. One series per label set, found by route and then a
 * short scan, so the hot path (one observeCall per upstream call) builds no key or label object
 * and counts with a tally. Label values are low-cardinality; the cap only guards a bug.
 */
function upstreamCallMetrics(registry: Registry): GatewayMetrics['observeCall'] {
  const byRoute = new Map<string, CallSeries[]>();
  let seriesCount = 0;
  const calls = new Counter({
    name: 'gateway_upstream_calls_total',
    help: 'Upstream calls by upstream, method, route template and status.',
    labelNames: ['upstream', 'method', 'route', 'status'],
    registers: [registry],
    collect() {
      for (const list of byRoute.values()) flushTallies(this, list);
    },
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
  const newSeries = (record: CallRecord): CallSeries => {
    if (seriesCount >= MAX_CACHED_SERIES) {
      for (const list of byRoute.values()) flushTallies(calls, list);
      byRoute.clear();
      seriesCount = 0;
    }
    const { upstream, method, route, status } = record;
    const labels = { upstream, route };
    const series: CallSeries = {
      upstream,
      method,
      status,
      tallyLabels: { ...labels, method, status: String(status ?? 'none') },
      pending: 0,
      duration: callDuration.labels(labels),
      labels,
      errors: new Map(),
    };
    const list = byRoute.get(route);
    if (list) list.push(series);
    else byRoute.set(route, [series]);
    seriesCount += 1;
    return series;
  };
  const callSeriesFor = (record: CallRecord): CallSeries => {
    const list = byRoute.get(record.route);
    if (list) {
      for (const series of list) {
        if (
          series.status === record.status &&
          series.upstream === record.upstream &&
          series.method === record.method
        ) {
          return series;
        }
      }
    }
    return newSeries(record);
  };
  return (record) => {
    const series = callSeriesFor(record);
    series.pending += 1;
    series.duration.observe(record.durationMs / 1000);
    if (record.errorCode) {
      errorChild(series.errors, callErrors, series.labels, record.errorCode).inc();
    }
  };
}

/** Breaker state and quota block per upstream, read when scraped. */
function registerHealthGauges(registry: Registry, health: (() => UpstreamHealth[]) | undefined) {
  new Gauge({
    name: 'gateway_upstream_breaker_state',
    help: 'Circuit breaker state per upstream: 1 for the current state, 0 otherwise.',
    labelNames: ['upstream', 'state'],
    registers: [registry],
    collect() {
      for (const h of health?.() ?? []) {
        for (const state of BREAKER_STATES) {
          this.set({ upstream: h.upstream, state }, h.breaker === state ? 1 : 0);
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
      for (const h of health?.() ?? []) {
        const until = h.quotaBlockedUntil ?? 0;
        this.set({ upstream: h.upstream }, Math.max(0, (until - Date.now()) / 1000));
      }
    },
  });
}

const CACHE_COUNTERS = [
  ['hit', 'gateway_cache_hits_total', 'Upstream GETs answered from the shared cache while fresh.'],
  ['miss', 'gateway_cache_misses_total', 'Upstream GETs the shared cache could not answer.'],
  [
    'stale',
    'gateway_cache_stale_total',
    'Stale answers by reason: revalidate (refreshing in the background), error, budget.',
  ],
  ['coalesced', 'gateway_cache_coalesced_total', 'Misses that joined an identical call in flight.'],
  ['refresh', 'gateway_cache_refreshes_total', 'Background refreshes by outcome (ok, failed).'],
] as const;

function registerCacheMetrics(
  registry: Registry,
  upstreams: (() => Pick<Upstreams, 'cache' | 'wicksonBudget'>) | undefined,
): void {
  if (!upstreams) return;
  for (const [event, name, help] of CACHE_COUNTERS) {
    const reason = event === 'stale' || event === 'refresh';
    new Counter({
      name,
      help,
      labelNames: reason ? ['upstream', 'route', 'reason'] : ['upstream', 'route'],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of upstreams().cache.counts()) {
          if (c.event !== event) continue;
          const labels = { upstream: c.upstream, route: c.route };
          this.inc(reason ? { ...labels, reason: c.reason } : labels, c.count);
        }
      },
    });
  }
  new Gauge({
    name: 'gateway_cache_bytes',
    help: 'Bytes held by the in-process cache layer.',
    registers: [registry],
    collect() {
      this.set(upstreams().cache.bytes());
    },
  });
  if (upstreams().cache.redisState() !== 'off') {
    new Gauge({
      name: 'gateway_cache_redis_up',
      help: '1 while the Redis cache store answers, 0 while it is unreachable (only with REDIS_URL).',
      registers: [registry],
      collect() {
        this.set(upstreams().cache.redisState() === 'up' ? 1 : 0);
      },
    });
  }
  new Gauge({
    name: 'gateway_upstream_budget_remaining',
    help: 'Wickson calls left in the rolling hour of WICKSON_HOURLY_BUDGET (shared by replicas on Redis).',
    labelNames: ['upstream'],
    registers: [registry],
    collect() {
      this.set({ upstream: 'wickson' }, upstreams().wicksonBudget().remaining);
    },
  });
}
