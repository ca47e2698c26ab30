/**
 * The gateway's OpenTelemetry tracer, built from Config alone: `@opentelemetry/sdk-trace` reads no
 * environment, and every exporter setting the gateway supports is passed in explicitly. Spans leave
 * in batches over OTLP/HTTP (JSON bodies). `createTracing` answers undefined when tracing is off,
 * so the gateway then adds no plugin and no per-call hook.
 */
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Config } from '../../config.ts';

export interface Tracing {
  tracer: Tracer;
  /** Exports every ended span now (tests, shutdown). */
  forceFlush(): Promise<void>;
  /** Flushes, then stops exporting. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Tests pass an in-memory exporter: then spans are exported as each one ends. */
  exporter?: SpanExporter;
}

const EXPORT_TIMEOUT_MS = 10_000;

export function createTracing(
  config: Config['tracing'],
  options: TracingOptions = {},
): Tracing | undefined {
  if (!options.exporter && !config.tracesUrl) return undefined;
  const processor = options.exporter
    ? new SimpleSpanProcessor({ exporter: options.exporter })
    : new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({
          url: config.tracesUrl,
          headers: config.headers,
          timeoutMillis: EXPORT_TIMEOUT_MS,
        }),
        exportTimeoutMillis: EXPORT_TIMEOUT_MS,
      });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    sampler: samplerFor(config),
    spanProcessors: [processor],
  });
  return {
    tracer: provider.getTracer('beluga-wickson-gateway'),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** OTEL_TRACES_SAMPLER's values, as the OpenTelemetry SDK specification defines them. */
function samplerFor({ sampler, samplerRatio }: Config['tracing']): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(samplerRatio);
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
