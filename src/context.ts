/**
 * Per-request context: the caller's credentials, the upstream clients, the call ledger and the
 * request's DataLoaders. Built once per GraphQL request by the gateway; nothing here outlives it.
 */
import type { FieldNode } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { LiveHub } from './live/hub.ts';
import type { StreamLimits } from './live/stream-limits.ts';
import { createLoaders, type LoaderDeps, type Loaders } from './loaders/index.ts';
import { type CallBudget, createCallBudget } from './upstreams/call-budget.ts';
import type { UpstreamError } from './upstreams/errors.ts';
import type {
  BelugaClient,
  CallRecord,
  CredentialSource,
  UpstreamScope,
  WicksonClient,
} from './upstreams/types.ts';

export interface UpstreamClients {
  beluga: BelugaClient;
  wickson: WicksonClient;
}

export interface GatewayContext {
  requestId: string;
  config: Config;
  logger: Logger;
  scope: UpstreamScope;
  /** The upstream clients, for writes (reads go through `loaders`). */
  clients: UpstreamClients;
  /** Every upstream call this request made, in completion order. */
  calls: CallRecord[];
  /** Predicted and actual upstream calls, and the runtime cap (MAX_UPSTREAM_CALLS). */
  budget: CallBudget;
  loaders: Loaders;
  /**
   * Upstream failures a resolver absorbed while still answering its field (a merged list built
   * from the healthy source alone). The gateway adds each to the result's `errors`.
   */
  partialErrors: PartialError[];
  reportPartialError(error: UpstreamError, at: PartialErrorLocation): void;
  /** Subscriptions: the watch hub and the caller's place in it; absent where none are served. */
  live?: LiveAccess;
}

export interface LiveAccess {
  hub: LiveHub;
  limits: StreamLimits;
  /** The caller as the per-client limits know it. */
  clientId: string;
  /** Aborts when the client goes away: its watchers are freed at once. */
  signal: AbortSignal | undefined;
  /** The hub's clock (Unix ms), for reads the shared cache did not stamp. */
  now(): number;
}

export interface PartialErrorLocation {
  path: readonly (string | number)[];
  nodes?: readonly FieldNode[];
}

export interface PartialError extends PartialErrorLocation {
  error: UpstreamError;
}

export interface RequestContextInput {
  config: Config;
  clients: UpstreamClients;
  logger: Logger;
  requestId: string;
  /**
   * The client's `Authorization` header as received. Forwarded to Beluga only, and only in DRF's
   * `Token <key>` form; anything else counts as absent.
   */
  authorization: string | undefined;
  /**
   * Its `signal` aborts when the client goes away or the request deadline passes. Read when an
   * upstream call needs it, not here: the request state makes the signal on first read.
   */
  aborts: { readonly signal: AbortSignal | undefined } | undefined;
  /** Extra observer per finished upstream call (metrics). */
  onCall?: (record: CallRecord) => void;
  /** Sees each upstream call start and end (tracing). */
  onCallStart?: UpstreamScope['onCallStart'];
  /** Builds the request's loaders; defaults to `createLoaders`. */
  createLoaders?: (deps: LoaderDeps) => Loaders;
  live?: LiveAccess;
}

/**
 * A request's upstream scope. A class, not a literal with a getter: `signal` is read through the
 * prototype (a getter in an object literal gave every scope its own hidden class, and every site
 * reading a scope went slow), and only when a call needs it.
 */
class RequestScope implements UpstreamScope {
  readonly authorization: string | undefined;
  readonly credentialSource: CredentialSource;
  readonly requestId: string;
  readonly onCall: (record: CallRecord) => void;
  readonly onCallStart: UpstreamScope['onCallStart'];
  readonly admit: UpstreamScope['admit'];
  readonly refuse: UpstreamScope['refuse'];
  readonly #aborts: RequestContextInput['aborts'];

  constructor(
    input: RequestContextInput,
    authorization: string | undefined,
    credentialSource: CredentialSource,
    onCall: (record: CallRecord) => void,
    budget: Pick<CallBudget, 'admit' | 'refuse'>,
  ) {
    this.authorization = authorization;
    this.credentialSource = credentialSource;
    this.requestId = input.requestId;
    this.onCall = onCall;
    this.onCallStart = input.onCallStart;
    this.admit = budget.admit;
    this.refuse = budget.refuse;
    this.#aborts = input.aborts;
  }

  get signal(): AbortSignal | undefined {
    return this.#aborts?.signal;
  }
}

export function createRequestContext(input: RequestContextInput): GatewayContext {
  const calls: CallRecord[] = [];
  const budget = createCallBudget(input.config.limits.maxUpstreamCalls);
  const partialErrors: PartialError[] = [];
  const client = clientToken(input.authorization);
  const server = tokenHeader(input.config.beluga.token);
  const scope = new RequestScope(
    input,
    client ?? server,
    client ? 'client' : server ? 'server' : 'none',
    (record) => {
      calls.push(record);
      budget.record(record);
      input.onCall?.(record);
    },
    budget,
  );
  return {
    requestId: input.requestId,
    config: input.config,
    logger: input.logger,
    scope,
    clients: input.clients,
    calls,
    budget,
    loaders: (input.createLoaders ?? createLoaders)({
      clients: input.clients,
      scope,
      config: input.config,
      logger: input.logger,
    }),
    partialErrors,
    ...(input.live ? { live: input.live } : {}),
    reportPartialError: (error, at) => {
      partialErrors.push({ error, path: [...at.path], nodes: at.nodes });
      // The upstream layer logged the failed call at warn/error; this only places it in the result.
      input.logger.debug(
        { path: at.path.join('.'), code: error.code, upstream: error.upstream },
        `partial result: ${error.message}`,
      );
    },
  };
}

/** DRF TokenAuthentication's scheme: another scheme or an empty value is never forwarded. */
const CLIENT_TOKEN = /^Token [^\s]+$/;

function clientToken(header: string | undefined): string | undefined {
  return header !== undefined && CLIENT_TOKEN.test(header) ? header : undefined;
}

function tokenHeader(token: string | undefined): string | undefined {
  return token ? `Token ${token}` : undefined;
}
