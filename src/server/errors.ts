/**
 * Error masking. Clients see the closed set of codes (src/upstreams/errors.ts) with constant
 * messages, GraphQL syntax/validation errors, or INTERNAL_SERVER_ERROR "Unexpected error.".
 * Extensions are rebuilt from an allowlist: {code, requestId?, upstreamRequestId?,
 * retryAfterSeconds?, outcome?, http?} (`http` steers the status and is never serialized by yoga).
 */

import {
  ERROR_CODES,
  type ErrorCode,
  failedWriteOutcome,
  isUpstreamError,
  type UpstreamError,
} from '../upstreams/errors.ts';
import { isRequestId } from '../upstreams/request-id.ts';
import { GraphQLError, isGraphQLError } from './graphql.ts';
import { DEPTH_MESSAGE, LIMIT_MESSAGE } from './plugins/use-limits.ts';

export const CODE_MESSAGES: Record<ErrorCode, string> = {
  UPSTREAM_TIMEOUT: 'An upstream service did not answer in time.',
  UPSTREAM_UNAVAILABLE: 'An upstream service is unavailable.',
  UPSTREAM_BAD_RESPONSE: 'An upstream service sent a response the gateway could not use.',
  UPSTREAM_AUTH_FAILED: 'The gateway could not authenticate with an upstream service.',
  RATE_LIMITED: 'An upstream rate limit was reached. Retry later.',
  UNAUTHENTICATED: 'The credentials sent are not valid.',
  FORBIDDEN: 'Not allowed.',
  NOT_FOUND: 'Not found.',
  BAD_USER_INPUT: 'Invalid input.',
  COST_LIMIT_EXCEEDED:
    'The request reached its limit of upstream calls; this field was not fetched.',
};
export const UNEXPECTED_MESSAGE = 'Unexpected error.';
/** Codes a request-level (no path) GraphQL error may carry besides the closed set. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'PERSISTED_QUERY_ID_REQUIRED',
  // Idempotency-Key (src/server/plugins/use-idempotency.ts).
  'IDEMPOTENCY_KEY_IN_USE',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_RESPONSE_NOT_STORED',
  'IDEMPOTENCY_STORE_UNAVAILABLE',
]);
const MAX_MESSAGE = 300;

const isClosedCode = (code: unknown): code is ErrorCode => ERROR_CODES.includes(code as ErrorCode);

/**
 * A failed write's outcome (`failedWriteOutcome`): `NOT_SENT` when the request never left
 * (breaker open, connection refused, a limit), `UNKNOWN` when it may have been applied (anything
 * but the upstream's well-formed refusal, which its code already says). Reads have none.
 */
function writeOutcome(error: UpstreamError): 'UNKNOWN' | 'NOT_SENT' | undefined {
  if (error.method === 'GET') return undefined;
  const outcome = failedWriteOutcome(error);
  return outcome === 'REFUSED' ? undefined : outcome;
}

/** The UpstreamError behind an error, following originalError and cause links. */
export function findUpstreamError(error: unknown): UpstreamError | undefined {
  let current: unknown = error;
  for (let i = 0; i < 8 && current; i++) {
    if (isUpstreamError(current)) return current;
    const next: unknown = isGraphQLError(current)
      ? current.originalError
      : (current as { cause?: unknown }).cause;
    current = next;
  }
  return undefined;
}

function isOriginal(error: GraphQLError): boolean {
  return (
    !error.originalError || (isGraphQLError(error.originalError) && isOriginal(error.originalError))
  );
}

type HttpExtension = { status?: number; spec?: boolean; headers?: Record<string, string> };

function httpOf(error: GraphQLError): HttpExtension | undefined {
  return (error.extensions as { http?: HttpExtension } | undefined)?.http;
}

/** yoga `maskedErrors.maskError`: never returns anything with an originalError. */
export function maskError(error: unknown): Error {
  const located = isGraphQLError(error) ? error : undefined;
  const where = { nodes: located?.nodes, path: located?.path };
  const upstream = findUpstreamError(error);
  if (upstream) {
    return new GraphQLError(CODE_MESSAGES[upstream.code], {
      ...where,
      extensions: {
        code: upstream.code,
        ...(isRequestId(upstream.upstreamRequestId)
          ? { upstreamRequestId: upstream.upstreamRequestId }
          : {}),
        ...('retryAfterSeconds' in upstream
          ? { retryAfterSeconds: upstream.retryAfterSeconds }
          : {}),
        ...(writeOutcome(upstream) ? { outcome: writeOutcome(upstream) } : {}),
      },
    });
  }
  if (located && isOriginal(located)) {
    const code = located.extensions?.code;
    if (isClosedCode(code)) {
      const { upstreamRequestId, retryAfterSeconds, outcome } = located.extensions;
      return new GraphQLError(located.message.slice(0, MAX_MESSAGE), {
        ...where,
        extensions: {
          code,
          ...(isRequestId(upstreamRequestId) ? { upstreamRequestId } : {}),
          ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}),
          ...(outcome === 'UNKNOWN' || outcome === 'NOT_SENT' ? { outcome } : {}),
          ...(httpOf(located) ? { http: httpOf(located) } : {}),
        },
      });
    }
    if (!located.path && code !== 'INTERNAL_SERVER_ERROR') return requestError(located);
  }
  return new GraphQLError(UNEXPECTED_MESSAGE, {
    ...where,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

/** armor prefixes every rejection with "Syntax Error: ", though only a token flood is one. */
const ARMOR_MESSAGES = new Set([LIMIT_MESSAGE, DEPTH_MESSAGE].map((m) => `Syntax Error: ${m}`));

/**
 * graphql-js refuses a `\u` escape that is not a Unicode scalar value (a lone surrogate such as
 * `"\ud800"`): malformed input like a lone surrogate in the variables (plugins/use-input-guard.ts).
 */
const BAD_ESCAPE = 'Syntax Error: Invalid Unicode escape sequence';

/** Parse, validation, limit and HTTP-level errors: no path, raised by graphql-js, yoga or armor. */
function requestError(error: GraphQLError): GraphQLError {
  const given = error.extensions?.code;
  const armor = ARMOR_MESSAGES.has(error.message);
  const code = error.message.startsWith(BAD_ESCAPE)
    ? 'BAD_USER_INPUT'
    : typeof given === 'string' && REQUEST_CODES.has(given)
      ? given
      : error.message.startsWith('Syntax Error') && !armor
        ? 'GRAPHQL_PARSE_FAILED'
        : httpOf(error)
          ? 'BAD_REQUEST'
          : 'GRAPHQL_VALIDATION_FAILED';
  const message = armor ? error.message.slice('Syntax Error: '.length) : error.message;
  return new GraphQLError(message.slice(0, MAX_MESSAGE), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { code, http: requestHttp(code, httpOf(error)) },
  });
}

/**
 * A body that is not a GraphQL-over-HTTP request at all (invalid JSON, no query) is a 400 for
 * every media type (the spec's SHOULD, graphql-http audits BCF8/A5BF); yoga marks it `spec`, which
 * would turn it into a 200 under `application/json`. Validation errors keep the spec behaviour.
 */
function requestHttp(code: string, http: HttpExtension | undefined): HttpExtension {
  if (code === 'BAD_REQUEST' || code === 'BAD_USER_INPUT')
    return { ...http, spec: false, status: http?.status ?? 400 };
  return http ?? { spec: true, status: 400 };
}

/** Final allowlist pass over a result's errors (maskError is idempotent); adds our request id. */
export function sanitizeErrors(
  errors: readonly GraphQLError[],
  requestId: string,
  hasData: boolean,
): GraphQLError[] {
  return errors.map((raw) => {
    const error = maskError(raw) as GraphQLError;
    const { code, upstreamRequestId, retryAfterSeconds, outcome, http } =
      error.extensions as Record<string, unknown>;
    const status =
      http ?? (code === 'INTERNAL_SERVER_ERROR' && !hasData ? { status: 500 } : undefined);
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: {
        code,
        requestId,
        ...(upstreamRequestId !== undefined ? { upstreamRequestId } : {}),
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        ...(outcome !== undefined ? { outcome } : {}),
        ...(status ? { http: status } : {}),
      },
    });
  });
}
