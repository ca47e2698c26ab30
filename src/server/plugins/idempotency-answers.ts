/**
 * What an Idempotency-Key says (use-idempotency.ts): whether a key is acceptable, what a held key
 * answers a new request, the record a finished request leaves, and the replayed response.
 */
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { GraphQLParams } from 'graphql-yoga';
import { GraphQLError } from '../graphql.ts';
import type { IdempotencyRecord } from './idempotency-store.ts';

export const REPLAYED_HEADER = 'idempotent-replayed';
/** Responses larger than this are not kept: a retry gets IDEMPOTENCY_RESPONSE_NOT_STORED. */
export const MAX_STORED_BYTES = 64 * 1024;
/** 1 to 255 printable ASCII characters; a Structured Field string's quotes are dropped. */
const KEY = /^[\x20-\x7e]{1,255}$/;
const STORED_TYPES = /^application\/(graphql-response\+)?json\b/;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

export const refusal = (message: string, code: string, status: number) =>
  new GraphQLError(message, { extensions: { code, http: { status } } });

/** The key as sent, or undefined when it is not one the gateway accepts. */
export function parseIdempotencyKey(header: string): string | undefined {
  const key =
    header.length > 1 && header.startsWith('"') && header.endsWith('"')
      ? header.slice(1, -1)
      : header;
  return KEY.test(key) && key.trim() !== '' ? key : undefined;
}

/** What a held key says, at `lost` (a running claim started before it lost its answer). */
export function answerFor(
  held: IdempotencyRecord,
  fingerprint: string,
  lost: number,
): GraphQLError | 'replay' {
  if (held.fingerprint !== fingerprint)
    return refusal(
      'This Idempotency-Key was used with another request body; send a new key for a new request.',
      'IDEMPOTENCY_KEY_REUSED',
      422,
    );
  if (held.state === 'running' && held.startedAt > lost)
    return refusal(
      'A request with this Idempotency-Key is still running; retry once it has answered.',
      'IDEMPOTENCY_KEY_IN_USE',
      409,
    );
  if (held.state !== 'done')
    return refusal(
      'A request with this Idempotency-Key already ran, but its response could not be kept (too large, streamed, or lost); read the data to see its effect.',
      'IDEMPOTENCY_RESPONSE_NOT_STORED',
      409,
    );
  return 'replay';
}

/** The record a finished request leaves: its response, or `unstored` when it cannot be kept. */
export async function outcomeOf(
  response: Response,
  claim: Pick<IdempotencyRecord, 'fingerprint' | 'startedAt' | 'expiresAt'>,
): Promise<IdempotencyRecord> {
  const { fingerprint, startedAt, expiresAt } = claim;
  const contentType = response.headers.get('content-type') ?? '';
  const length = Number(response.headers.get('content-length') ?? 0);
  const unstored = {
    fingerprint,
    startedAt,
    expiresAt,
    state: 'unstored' as const,
    status: response.status,
  };
  if (!STORED_TYPES.test(contentType) || length > MAX_STORED_BYTES) return unstored;
  const body = await response.clone().text();
  if (Buffer.byteLength(body) > MAX_STORED_BYTES) return unstored;
  return {
    fingerprint,
    startedAt,
    expiresAt,
    state: 'done',
    status: response.status,
    contentType,
    body,
  };
}

export function replayOf(record: IdempotencyRecord, placeholder: Response): Response {
  const body = record.body ?? '';
  const status = record.status ?? 200;
  const headers = new Headers(placeholder.headers);
  headers.set('content-length', String(Buffer.byteLength(body)));
  headers.set('content-type', record.contentType ?? 'application/json');
  headers.set(REPLAYED_HEADER, 'true');
  return new Response(body, { status, statusText: STATUS_CODES[status] ?? '', headers });
}

/** The hash of what a request asks: its operation, operation name and variables. */
export function fingerprintOf(params: GraphQLParams | undefined): string {
  const extensions = params?.extensions as { persistedQuery?: unknown } | undefined;
  return sha256(
    JSON.stringify([
      params?.query ?? null,
      params?.operationName ?? null,
      params?.variables ?? null,
      extensions?.persistedQuery ?? null,
    ]),
  );
}
