/**
 * What every Beluga mutation shares: the caller's own credential, one write through the client,
 * DRF validation errors as `userErrors`, and dropping the request's cached reads afterwards so
 * the payload (and any later field) shows the new state.
 */
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.ts';
import {
  failedWriteOutcome,
  UpstreamBadRequestError,
  type UpstreamScope,
} from '../loaders/upstream.ts';
import { builder } from './builder.ts';
import { decodeGlobalId, parseBelugaId, splitNodeId } from './global-id.ts';
import type { UserErrorModel } from './payload-models.ts';
import { type FieldMapper, userErrorsFrom } from './user-error.ts';

builder.mutationType({
  description:
    "Writes to Beluga (Antenna), always with the caller's own token and never retried. Wickson stays read-only: its key is the server's.",
});

/** The caller's own `Authorization: Token …`; a write never falls back to BELUGA_TOKEN. */
export function writeScope(ctx: GatewayContext): UpstreamScope {
  if (ctx.scope.credentialSource !== 'client' || !ctx.scope.authorization) {
    throw new GraphQLError('A write needs your own Beluga token (Authorization: Token …).', {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  return ctx.scope;
}

export type WriteResult<T> = { ok: true; value: T } | { ok: false; userErrors: UserErrorModel[] };

/**
 * Runs one write with the caller's credential. Beluga's own 400 becomes `userErrors` (paths
 * mapped into the input by `map`); any other failure is thrown for the error mapping, which adds
 * the outcome. After a write that was (or may have been) applied, the request's loaders forget
 * their Beluga reads and learn the write's `answer`.
 */
export async function performWrite<T>(
  ctx: GatewayContext,
  map: FieldMapper,
  write: (scope: UpstreamScope) => Promise<T>,
  answer?: (value: T) => Parameters<GatewayContext['loaders']['afterWrite']>[0],
): Promise<WriteResult<T>> {
  const scope = writeScope(ctx);
  try {
    const value = await write(scope);
    ctx.loaders.afterWrite(answer?.(value));
    return { ok: true, value };
  } catch (error) {
    const outcome = failedWriteOutcome(error);
    if (outcome === 'REFUSED' && error instanceof UpstreamBadRequestError) {
      return { ok: false, userErrors: userErrorsFrom(error.fieldErrors ?? [], map) };
    }
    if (outcome === 'UNKNOWN') ctx.loaders.afterWrite();
    throw error;
  }
}

/** The Beluga primary key inside a global id of `typename`, or null for any other id. */
export function belugaKey(
  globalId: string | number,
  typename: 'Collection' | 'Job',
): number | null {
  try {
    const decoded = decodeGlobalId(String(globalId));
    if (decoded.typename !== typename) return null;
    const { source, sourceId } = splitNodeId(decoded.id);
    return source === 'BELUGA' ? parseBelugaId(sourceId) : null;
  } catch {
    return null;
  }
}

export function inputError(field: string[], message: string): WriteResult<never> {
  return { ok: false, userErrors: [{ field, message }] };
}
