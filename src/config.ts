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
  .refine((u) => !URL.parse(u)?.search && !URL.parse(u)?.hash, 'must not carry a query or fragment')
  .refine(
    (u) => URL.parse(u)?.pathname === '/',
    'must be an origin such as http://127.0.0.1:4010, without a path (the gateway adds the API paths)',
  )
  .transform((u) => URL.parse(u)?.origin ?? u);
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

/**
 * The configuration, written once: each section lists its variables (schema and default, the
 * README's "Configuration" table documents each) and maps them to its part of `Config`.
 */
const server = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65_535).default(4000),
    HOST: hostSchema.default('0.0.0.0'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    REQUEST_TIMEOUT_MS: int(100, 300_000).default(10_000),
    /** Unset: on, except with NODE_ENV=production. */
    GRAPHIQL: bool.optional(),
    INTROSPECTION: bool.default(true),
    /** A query document runs compiled (graphql-jit) from this execution on; 0: never. */
    COMPILE_QUERIES_AFTER: int(0, 1_000_000).default(2),
    /** Compilations a minute at most; past that, documents run on the executor until the next. */
    COMPILE_QUERIES_PER_MINUTE: int(1, 100_000).default(60),
    SHUTDOWN_TIMEOUT_MS: int(0, 120_000).default(10_000),
    /** Time /ready answers 503 while requests are still served, before the listener closes. */
    SHUTDOWN_DELAY_MS: int(0, 60_000).default(0),
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
  })
  .transform((e) => ({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    graphiql: e.GRAPHIQL ?? e.NODE_ENV !== 'production',
    introspection: e.INTROSPECTION,
    compileQueriesAfter: e.COMPILE_QUERIES_AFTER,
    compileQueriesPerMinute: e.COMPILE_QUERIES_PER_MINUTE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    /** Origins allowed to call from a browser with credentials; `*` alone allows any, without. */
    corsOrigins: e.CORS_ORIGINS,
    /** Port of the separate Prometheus listener (0: any free port); undefined: not served. */
    metricsPort: e.METRICS_PORT,
  }));

const beluga = z
  .object({
    BELUGA_URL: originUrl.default('https://api.beluga.insectai.org'),
    BELUGA_TOKEN: secret.optional(),
    BELUGA_TIMEZONE: timeZone.default('America/New_York'),
    BELUGA_CONCURRENCY: int(1, 256).default(64),
  })
  .transform((e) => ({
    beluga: {
      url: e.BELUGA_URL,
      token: e.BELUGA_TOKEN,
      timeZone: e.BELUGA_TIMEZONE,
      /** Bounded fan-out of detail GETs inside one batch. */
      concurrency: e.BELUGA_CONCURRENCY,
    },
  }));

const wickson = z
  .object({
    WICKSON_URL: originUrl.default('https://api.wickson.ai'),
    WICKSON_API_KEY: secret,
    WICKSON_HOURLY_BUDGET: int(1, 1_000_000).default(1000),
    WICKSON_CONCURRENCY: int(1, 256).default(64),
  })
  .transform((e) => ({
    wickson: {
      url: e.WICKSON_URL,
      apiKey: e.WICKSON_API_KEY,
      hourlyBudget: e.WICKSON_HOURLY_BUDGET,
      /** Bounded fan-out of collection-detail GETs inside one batch. */
      concurrency: e.WICKSON_CONCURRENCY,
    },
  }));

const upstream = z
  .object({
    UPSTREAM_TIMEOUT_MS: int(100, 120_000).default(5000),
    UPSTREAM_CONNECT_TIMEOUT_MS: int(100, 60_000).default(2000),
    UPSTREAM_CONNECTIONS: int(1, 1024).default(64),
    UPSTREAM_MAX_RESPONSE_BYTES: int(1024, 512 * 1024 * 1024).default(5 * 1024 * 1024),
    UPSTREAM_RETRY_BUDGET_RATIO: z.coerce.number().min(0).max(1).default(0.2),
    BREAKER_FAILURE_RATIO: z.coerce.number().gt(0).max(1).default(0.5),
    BREAKER_HALF_OPEN_MS: int(100, 600_000).default(5000),
  })
  .transform((e) => ({
    upstream: {
      timeoutMs: e.UPSTREAM_TIMEOUT_MS,
      connectTimeoutMs: e.UPSTREAM_CONNECT_TIMEOUT_MS,
      connections: e.UPSTREAM_CONNECTIONS,
      maxResponseBytes: e.UPSTREAM_MAX_RESPONSE_BYTES,
      retryBudgetRatio: e.UPSTREAM_RETRY_BUDGET_RATIO,
      breakerFailureRatio: e.BREAKER_FAILURE_RATIO,
      breakerHalfOpenMs: e.BREAKER_HALF_OPEN_MS,
    },
  }));

const cache = z
  .object({
    WICKSON_CACHE_TTL_S: int(0, 86_400).default(60),
    BELUGA_CACHE_TTL_S: int(0, 86_400).default(5),
    CACHE_STALE_WHILE_REVALIDATE_S: int(0, 86_400).default(30),
    CACHE_STALE_IF_ERROR_S: int(0, 86_400).default(3600),
    CACHE_MAX_BYTES: int(0, 16 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    CACHE_KEY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    WICKSON_BUDGET_RESERVE: z.coerce.number().min(0).max(0.9).default(0.1),
  })
  .transform((e) => ({
    cache: {
      /** Per upstream, 0 = off. */
      ttlMs: { beluga: e.BELUGA_CACHE_TTL_S * 1000, wickson: e.WICKSON_CACHE_TTL_S * 1000 },
      staleWhileRevalidateMs: e.CACHE_STALE_WHILE_REVALIDATE_S * 1000,
      staleIfErrorMs: e.CACHE_STALE_IF_ERROR_S * 1000,
      maxBytes: e.CACHE_MAX_BYTES,
      /** HMAC key of Beluga credential scopes; undefined = a random key per process. */
      keySecret: e.CACHE_KEY_SECRET,
      /** Share of the Wickson budget kept back from refreshes that a stale answer can serve. */
      wicksonBudgetReserve: e.WICKSON_BUDGET_RESERVE,
    },
  }));

/** Replicas sharing Redis (README "Several replicas on Redis"). */
const redis = z
  .object({
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    REDIS_TIMEOUT_MS: int(10, 10_000).default(200),
    REDIS_KEY_PREFIX: z.string().max(64).default('gateway:'),
    REDIS_QUOTA_LOCAL_SHARE: z.coerce.number().gt(0).max(1).default(0.25),
  })
  .transform((e) => ({
    redis: {
      /** undefined = no Redis: the cache and the Wickson quota are per process. */
      url: e.REDIS_URL,
      /** Bound of every Redis command and of a connection attempt. */
      timeoutMs: e.REDIS_TIMEOUT_MS,
      /** Prepended to every key the gateway writes, so several deployments can share one Redis. */
      keyPrefix: e.REDIS_KEY_PREFIX,
      /** Share of WICKSON_HOURLY_BUDGET one replica may spend on its own while Redis is down. */
      quotaLocalShare: e.REDIS_QUOTA_LOCAL_SHARE,
    },
  }));

/** Query limits and upstream protection (README "Cost: upstream calls"). */
const limits = z
  .object({
    MAX_DEPTH: int(1, 100).default(10),
    MAX_ALIASES: int(0, 1000).default(15),
    MAX_TOKENS: int(10, 100_000).default(2000),
    MAX_DIRECTIVES: int(0, 1000).default(50),
    MAX_LIST_LENGTH: int(1, 10_000).default(100),
    /** Arrays and objects nested in a request's variables or extensions (client-json.ts). */
    MAX_INPUT_DEPTH: int(1, 1000).default(20),
    MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
    MAX_UPSTREAM_CALLS: int(1, 100_000).default(150),
    /** Predicted upstream calls of the operations executing at once; more wait their turn. 0: off. */
    MAX_CONCURRENT_CALLS: int(0, 1_000_000).default(256),
  })
  .transform((e) => ({
    limits: {
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxDirectives: e.MAX_DIRECTIVES,
      /** Predicted upstream calls above this are refused; actual calls past it fail (per request). */
      maxUpstreamCalls: e.MAX_UPSTREAM_CALLS,
      /** Predicted calls of the operations executing at once (use-admission.ts); 0 turns it off. */
      maxConcurrentCalls: e.MAX_CONCURRENT_CALLS,
      maxListLength: e.MAX_LIST_LENGTH,
      /** Arrays and objects nested in `variables` or `extensions`, the value itself included. */
      maxInputDepth: e.MAX_INPUT_DEPTH,
      maxBodyBytes: e.MAX_BODY_BYTES,
    },
  }));

const persisted = z
  .object({
    /** Apollo persisted query manifest (JSON); see src/server/plugins/persisted-manifest.ts. */
    PERSISTED_OPERATIONS_FILE: z.string().trim().min(1).optional(),
    PERSISTED_OPERATIONS_ONLY: bool.default(false),
  })
  .transform((e) => ({
    persistedOperations: {
      /** Path of the manifest, read once at start-up. */
      file: e.PERSISTED_OPERATIONS_FILE,
      /** Refuse every document that is not in the manifest, before parsing it. */
      only: e.PERSISTED_OPERATIONS_ONLY,
    },
  }));

/** OpenTelemetry's standard variables (OTLP over HTTP); tracing is off without an endpoint. */
const tracing = z
  .object({
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
  })
  .transform((e) => ({
    tracing: {
      /** Where spans go (OTLP/HTTP traces URL); undefined = tracing off. */
      tracesUrl: e.OTEL_SDK_DISABLED
        ? undefined
        : tracesUrl(e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, e.OTEL_EXPORTER_OTLP_ENDPOINT),
      serviceName: e.OTEL_SERVICE_NAME,
      /** Sent with every export (e.g. a collector's API key); never logged. */
      headers: e.OTEL_EXPORTER_OTLP_HEADERS ?? {},
      sampler: e.OTEL_TRACES_SAMPLER,
      /** Ratio for the `traceidratio` samplers. */
      samplerRatio: e.OTEL_TRACES_SAMPLER_ARG,
    },
  }));

const federation = z
  .object({
    /** Also serve the Apollo Federation v2 subgraph at /subgraph (README, "Federation"). */
    FEDERATION_SUBGRAPH: bool.default(false),
    /** When set, /subgraph answers only requests carrying it in `X-Subgraph-Secret`. */
    SUBGRAPH_SECRET: z.string().min(16).max(256).optional(),
  })
  .transform((e) => ({
    federation: {
      subgraph: e.FEDERATION_SUBGRAPH,
      /** The router's shared secret: /subgraph refuses requests without it (403). */
      secret: e.SUBGRAPH_SECRET,
    },
  }));

/** Per-client limits (README "Per-client limits", "Threat model"). */
const clients = z
  .object({
    CLIENT_CALLS_PER_MINUTE: int(0, 10_000_000).default(12_000),
    CLIENT_WICKSON_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
    TRUST_PROXY: int(0, 10).default(0),
    CLIENT_VOUCH_TTL_SECONDS: int(1, 86_400).default(900),
  })
  .transform((e) => ({
    clients: {
      /** Upstream calls one client may make per minute (predicted reserved, unused returned; 0: off). */
      callsPerMinute: e.CLIENT_CALLS_PER_MINUTE,
      /** Share of WICKSON_HOURLY_BUDGET one client may spend per hour. */
      wicksonShare: e.CLIENT_WICKSON_SHARE,
      /** Proxy hops in front of the gateway whose X-Forwarded-For entry is trusted (0: none). */
      trustProxy: e.TRUST_PROXY,
      /** How long a token Beluga accepted counts as its own client; else its address counts. */
      vouchTtlMs: e.CLIENT_VOUCH_TTL_SECONDS * 1000,
    },
  }));

/** Subscriptions (README "Live subscriptions"). */
const live = z
  .object({
    /** A running job's poll interval; queued jobs and idle sets are polled less often. */
    JOB_POLL_INTERVAL_MS: int(250, 600_000).default(2000),
    SUBSCRIPTIONS_PER_CLIENT: int(1, 10_000).default(20),
    SUBSCRIPTIONS_MAX: int(1, 1_000_000).default(10_000),
    SUBSCRIPTION_KEEPALIVE_MS: int(1000, 300_000).default(12_000),
  })
  .transform((e) => ({
    /** Subscriptions: poll pace, stream limits (per replica), keep-alive pings. */
    live: {
      jobPollIntervalMs: e.JOB_POLL_INTERVAL_MS,
      perClient: e.SUBSCRIPTIONS_PER_CLIENT,
      max: e.SUBSCRIPTIONS_MAX,
      keepAliveMs: e.SUBSCRIPTION_KEEPALIVE_MS,
    },
  }));

const SECTIONS = [
  server,
  beluga,
  wickson,
  upstream,
  cache,
  redis,
  limits,
  persisted,
  tracing,
  federation,
  clients,
  live,
] as const;

type Section = (typeof SECTIONS)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

/** The parsed configuration: what the sections make of the environment. */
export type Config = {
  [K in keyof UnionToIntersection<z.output<Section>>]: UnionToIntersection<z.output<Section>>[K];
};

/** Every variable the gateway reads (README.md documents each). */
export const ENV_VARIABLES = SECTIONS.flatMap((section) => Object.keys(section.in.shape));

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
  const values = parseEach(env);
  const config = Object.assign({}, ...SECTIONS.map((section) => section.parse(values))) as Config;
  const problems: string[] = [];
  if (config.persistedOperations.only && !config.persistedOperations.file) {
    problems.push('PERSISTED_OPERATIONS_ONLY requires PERSISTED_OPERATIONS_FILE');
  }
  // Without one key the replicas hash a token differently: each counts its own per-client limits
  // and vouched tokens, and their Beluga cache scopes never meet.
  if (config.redis.url && !config.cache.keySecret) {
    problems.push(
      'REDIS_URL requires CACHE_KEY_SECRET (the same 16+ characters on every replica sharing that Redis)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Each variable is parsed on its own, so every problem names its variable (one problem each), even
 * one a check throws on instead of reporting.
 */
function parseEach(env: Record<string, string | undefined>): Record<string, unknown> {
  const raw: Record<string, string | undefined> = {};
  const problems: string[] = [];
  for (const section of SECTIONS) {
    for (const [name, schema] of Object.entries(section.in.shape) as [string, z.ZodType][]) {
      const value = env[name] === '' && name !== 'WICKSON_API_KEY' ? undefined : env[name];
      raw[name] = value;
      let parsed: ReturnType<z.ZodType['safeParse']> | undefined;
      try {
        parsed = schema.safeParse(value);
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success)
        problems.push(`${name} ${parsed ? reason(parsed.error.issues[0], value) : 'is not valid'}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return raw;
}

function reason(issue: z.core.$ZodIssue | undefined, value: string | undefined): string {
  if (value === undefined && issue?.code === 'invalid_type') return 'is required';
  return issue?.message ?? 'is not valid';
}

/** The signal-specific URL is used as given; the general endpoint gets `/v1/traces` (OTLP spec). */
function tracesUrl(traces: string | undefined, general: string | undefined): string | undefined {
  if (traces) return traces;
  if (!general) return undefined;
  return `${general.replace(/\/+$/, '')}/v1/traces`;
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
