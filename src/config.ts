/**
 * The only reader of process.env. Every setting is parsed with zod at start; a missing or bad
 * value stops start-up with a message that names the variable and never echoes its value.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
/** An upstream's origin: the clients add the API paths (/api/v2/…, /v1/…) themselves. */
const originUrl = z
  .url({ protocol: /^https?$/ })
  .refine((u) => !new URL(u).search && !new URL(u).hash, 'must not carry a query or fragment')
  .refine(
    (u) => new URL(u).pathname === '/',
    'must be an origin such as http://127.0.0.1:4010, without a path (the gateway adds the API paths)',
  )
  .transform((u) => new URL(u).origin);
const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/i;
/** An IP address, or a host name whose last label is not all digits (so 999.1.1.1 is neither). */
export const hostSchema = z
  .string()
  .trim()
  .refine(
    (h) => isIP(h) !== 0 || HOST_NAME.test(h),
    'must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name of this machine',
  );
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as America/New_York');
const secret = z.string().trim().min(1, 'must not be empty');
/** `scheme://host[:port]`, as browsers send it in `Origin`. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

/** Variable name → schema with its default. Documented in README.md, "Configuration". */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65_535).default(4000),
  HOST: hostSchema.default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  BELUGA_URL: originUrl.default('https://api.beluga.insectai.org'),
  BELUGA_TOKEN: secret.optional(),
  BELUGA_TIMEZONE: timeZone.default('America/New_York'),
  BELUGA_CONCURRENCY: int(1, 256).default(64),
  WICKSON_URL: originUrl.default('https://api.wickson.ai'),
  WICKSON_API_KEY: secret,
  WICKSON_HOURLY_BUDGET: int(1, 1_000_000).default(1000),
  WICKSON_CONCURRENCY: int(1, 256).default(64),

  UPSTREAM_TIMEOUT_MS: int(100, 120_000).default(5000),
  UPSTREAM_CONNECT_TIMEOUT_MS: int(100, 60_000).default(2000),
  UPSTREAM_CONNECTIONS: int(1, 1024).default(64),
  UPSTREAM_MAX_RESPONSE_BYTES: int(1024, 512 * 1024 * 1024).default(5 * 1024 * 1024),
  UPSTREAM_RETRY_BUDGET_RATIO: z.coerce.number().min(0).max(1).default(0.2),
  BREAKER_FAILURE_RATIO: z.coerce.number().gt(0).max(1).default(0.5),
  BREAKER_HALF_OPEN_MS: int(100, 600_000).default(5000),
  REQUEST_TIMEOUT_MS: int(100, 300_000).default(10_000),

  WICKSON_CACHE_TTL_S: int(0, 86_400).default(60),
  BELUGA_CACHE_TTL_S: int(0, 86_400).default(5),
  CACHE_STALE_WHILE_REVALIDATE_S: int(0, 86_400).default(30),
  CACHE_STALE_IF_ERROR_S: int(0, 86_400).default(3600),
  CACHE_MAX_BYTES: int(0, 16 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  CACHE_KEY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  WICKSON_BUDGET_RESERVE: z.coerce.number().min(0).max(0.9).default(0.1),

  // Replicas sharing Redis (README "Several replicas on Redis").
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_TIMEOUT_MS: int(10, 10_000).default(200),
  REDIS_KEY_PREFIX: z.string().max(64).default('gateway:'),
  REDIS_QUOTA_LOCAL_SHARE: z.coerce.number().gt(0).max(1).default(0.25),

  GRAPHIQL: bool.default(true),
  INTROSPECTION: bool.default(true),
  MAX_DEPTH: int(1, 100).default(10),
  MAX_ALIASES: int(0, 1000).default(15),
  MAX_TOKENS: int(10, 100_000).default(2000),
  MAX_DIRECTIVES: int(0, 1000).default(50),
  MAX_LIST_LENGTH: int(1, 10_000).default(100),
  MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: int(0, 120_000).default(10_000),
  /** Time /ready answers 503 while requests are still served, before the listener closes. */
  SHUTDOWN_DELAY_MS: int(0, 60_000).default(0),

  /** Apollo persisted query manifest (JSON); see src/server/persisted/manifest.ts. */
  PERSISTED_OPERATIONS_FILE: z.string().trim().min(1).optional(),
  PERSISTED_OPERATIONS_ONLY: bool.default(false),

  /** OpenTelemetry's standard variables (OTLP over HTTP); tracing is off without an endpoint. */
  OTEL_SDK_DISABLED: bool.default(false),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('beluga-wickson-gateway'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .transform((raw, ctx) => {
      const headers = otlpHeaders(raw);
      if (!headers)
        ctx.addIssue({ code: 'custom', message: 'must be key=value pairs, comma-separated' });
      return headers ?? {};
    })
    .optional(),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** Also serve the Apollo Federation v2 subgraph at /subgraph, for a router (README, "Federation"). */
  FEDERATION_SUBGRAPH: bool.default(false),

  // Upstream protection (README "Cost: upstream calls").
  MAX_UPSTREAM_CALLS: int(1, 100_000).default(150),
  /** Predicted upstream calls of the operations executing at once; more wait their turn. 0: off. */
  MAX_CONCURRENT_CALLS: int(0, 1_000_000).default(256),
  CLIENT_CALLS_PER_MINUTE: int(0, 10_000_000).default(12_000),
  CLIENT_WICKSON_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  TRUST_PROXY: int(0, 10).default(0),
  CORS_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every((o) => ORIGIN.test(o)) || (list.length === 1 && list[0] === '*'),
      'must be `*` or a comma-separated list of origins such as https://app.example.org',
    )
    .default([]),
  METRICS_PORT: int(0, 65_535).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

/** Every variable the gateway reads (README.md documents each). */
export const ENV_VARIABLES = Object.keys(EnvSchema.shape) as (keyof Env)[];

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  logLevel: Env['LOG_LEVEL'];
  beluga: {
    url: string;
    token: string | undefined;
    timeZone: string;
    /** Bounded fan-out of detail GETs inside one batch. */
    concurrency: number;
  };
  wickson: {
    url: string;
    apiKey: string;
    hourlyBudget: number;
    /** Bounded fan-out of collection-detail GETs inside one batch. */
    concurrency: number;
  };
  upstream: {
    timeoutMs: number;
    connectTimeoutMs: number;
    connections: number;
    maxResponseBytes: number;
    retryBudgetRatio: number;
    breakerFailureRatio: number;
    breakerHalfOpenMs: number;
  };
  requestTimeoutMs: number;
  cache: {
    /** Per upstream, 0 = off. */
    ttlMs: { beluga: number; wickson: number };
    staleWhileRevalidateMs: number;
    staleIfErrorMs: number;
    maxBytes: number;
    /** HMAC key of Beluga credential scopes; undefined = a random key per process. */
    keySecret: string | undefined;
    /** Share of the Wickson budget kept back from refreshes that a stale answer can serve. */
    wicksonBudgetReserve: number;
  };
  redis: {
    /** undefined = no Redis: the cache and the Wickson quota are per process. */
    url: string | undefined;
    /** Bound of every Redis command and of a connection attempt. */
    timeoutMs: number;
    /** Prepended to every key the gateway writes, so several deployments can share one Redis. */
    keyPrefix: string;
    /** Share of WICKSON_HOURLY_BUDGET one replica may spend on its own while Redis is down. */
    quotaLocalShare: number;
  };
  graphiql: boolean;
  introspection: boolean;
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    /** Predicted upstream calls above this are refused; actual calls past it fail (per request). */
    maxUpstreamCalls: number;
    /** Predicted calls of the operations executing at once (admission.ts); 0 turns it off. */
    maxConcurrentCalls: number;
    maxListLength: number;
    maxBodyBytes: number;
  };
  shutdownTimeoutMs: number;
  shutdownDelayMs: number;
  persistedOperations: {
    /** Path of the manifest, read once at start-up. */
    file: string | undefined;
    /** Refuse every document that is not in the manifest, before parsing it. */
    only: boolean;
  };
  tracing: {
    /** Where spans go (OTLP/HTTP traces URL); undefined = tracing off. */
    tracesUrl: string | undefined;
    serviceName: string;
    /** Sent with every export (e.g. a collector's API key); never logged. */
    headers: Record<string, string>;
    sampler: Env['OTEL_TRACES_SAMPLER'];
    /** Ratio for the `traceidratio` samplers. */
    samplerRatio: number;
  };
  federation: { subgraph: boolean };
  clients: {
    /** Upstream calls one client may make per minute (predicted reserved, unused returned; 0: off). */
    callsPerMinute: number;
    /** Share of WICKSON_HOURLY_BUDGET one client may spend per hour. */
    wicksonShare: number;
    /** Proxy hops in front of the gateway whose X-Forwarded-For entry is trusted (0: none). */
    trustProxy: number;
  };
  /** Origins allowed to call from a browser with credentials; `*` alone allows any, without. */
  corsOrigins: string[];
  /** Port of the separate Prometheus listener (0: any free port); undefined: not served. */
  metricsPort: number | undefined;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
    this.name = 'ConfigError';
  }
}

/** Parses the environment. Empty strings count as unset. Throws ConfigError naming variables. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(EnvSchema.shape)
      .map((key) => [key, env[key]] as const)
      .filter(([key, value]) => value !== undefined && (value !== '' || key === 'WICKSON_API_KEY')),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const reason =
          issue.code === 'invalid_type' && env[name] === undefined ? 'is required' : issue.message;
        return `${name} ${reason}`;
      }),
    );
  }
  const e = parsed.data;
  if (e.PERSISTED_OPERATIONS_ONLY && !e.PERSISTED_OPERATIONS_FILE) {
    throw new ConfigError(['PERSISTED_OPERATIONS_ONLY requires PERSISTED_OPERATIONS_FILE']);
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    beluga: {
      url: e.BELUGA_URL,
      token: e.BELUGA_TOKEN,
      timeZone: e.BELUGA_TIMEZONE,
      concurrency: e.BELUGA_CONCURRENCY,
    },
    wickson: {
      url: e.WICKSON_URL,
      apiKey: e.WICKSON_API_KEY,
      hourlyBudget: e.WICKSON_HOURLY_BUDGET,
      concurrency: e.WICKSON_CONCURRENCY,
    },
    upstream: {
      timeoutMs: e.UPSTREAM_TIMEOUT_MS,
      connectTimeoutMs: e.UPSTREAM_CONNECT_TIMEOUT_MS,
      connections: e.UPSTREAM_CONNECTIONS,
      maxResponseBytes: e.UPSTREAM_MAX_RESPONSE_BYTES,
      retryBudgetRatio: e.UPSTREAM_RETRY_BUDGET_RATIO,
      breakerFailureRatio: e.BREAKER_FAILURE_RATIO,
      breakerHalfOpenMs: e.BREAKER_HALF_OPEN_MS,
    },
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    cache: {
      ttlMs: { beluga: e.BELUGA_CACHE_TTL_S * 1000, wickson: e.WICKSON_CACHE_TTL_S * 1000 },
      staleWhileRevalidateMs: e.CACHE_STALE_WHILE_REVALIDATE_S * 1000,
      staleIfErrorMs: e.CACHE_STALE_IF_ERROR_S * 1000,
      maxBytes: e.CACHE_MAX_BYTES,
      keySecret: e.CACHE_KEY_SECRET,
      wicksonBudgetReserve: e.WICKSON_BUDGET_RESERVE,
    },
    redis: {
      url: e.REDIS_URL,
      timeoutMs: e.REDIS_TIMEOUT_MS,
      keyPrefix: e.REDIS_KEY_PREFIX,
      quotaLocalShare: e.REDIS_QUOTA_LOCAL_SHARE,
    },
    graphiql: e.GRAPHIQL,
    introspection: e.INTROSPECTION,
    limits: {
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxDirectives: e.MAX_DIRECTIVES,
      maxUpstreamCalls: e.MAX_UPSTREAM_CALLS,
      maxConcurrentCalls: e.MAX_CONCURRENT_CALLS,
      maxListLength: e.MAX_LIST_LENGTH,
      maxBodyBytes: e.MAX_BODY_BYTES,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    persistedOperations: {
      file: e.PERSISTED_OPERATIONS_FILE,
      only: e.PERSISTED_OPERATIONS_ONLY,
    },
    tracing: {
      tracesUrl: e.OTEL_SDK_DISABLED ? undefined : tracesUrl(e),
      serviceName: e.OTEL_SERVICE_NAME,
      headers: e.OTEL_EXPORTER_OTLP_HEADERS ?? {},
      sampler: e.OTEL_TRACES_SAMPLER,
      samplerRatio: e.OTEL_TRACES_SAMPLER_ARG,
    },
    federation: { subgraph: e.FEDERATION_SUBGRAPH },
    clients: {
      callsPerMinute: e.CLIENT_CALLS_PER_MINUTE,
      wicksonShare: e.CLIENT_WICKSON_SHARE,
      trustProxy: e.TRUST_PROXY,
    },
    corsOrigins: e.CORS_ORIGINS,
    metricsPort: e.METRICS_PORT,
  };
}

/** The signal-specific URL is used as given; the general endpoint gets `/v1/traces` (OTLP spec). */
function tracesUrl(e: Env): string | undefined {
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!e.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
}

/** `key=value,key2=value2`, percent-decoded (the OTLP exporter format); undefined when malformed. */
function otlpHeaders(raw: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    if (!pair.trim()) continue;
    const at = pair.indexOf('=');
    if (at <= 0) return undefined;
    try {
      const key = decodeURIComponent(pair.slice(0, at).trim());
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) return undefined;
      headers[key.toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return undefined;
    }
  }
  return headers;
}

/** A Config for tests and the demo: defaults plus overrides, no process.env involved. */
export function configFrom(overrides: Record<string, string>): Config {
  return loadConfig({ WICKSON_API_KEY: 'demo-key', ...overrides });
}
