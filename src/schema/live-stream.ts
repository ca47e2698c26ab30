/**
 * What both subscription fields share: a stream slot for the caller, the first read with the
 * caller's credential (the authorization check: a hidden or missing resource fails here, before
 * any event), then the watch hub (src/live/hub.ts), whose later polls check it again. Each item
 * is a snapshot of the resource or the end of the stream; an end becomes the event's error.
 */
import { GraphQLError } from 'graphql';
import type { GatewayContext, LiveAccess } from '../context.ts';
import type { LiveEnd, LiveItem, TopicKind } from '../live/types.ts';
import type { FetchedAt } from '../loaders/upstream.ts';
import { notFound } from './errors.ts';

const END_MESSAGES: Partial<Record<LiveEnd['code'], string>> = {
  UNAUTHENTICATED: 'The credentials sent are no longer valid; the subscription ended.',
  FORBIDDEN: 'You may no longer see this; the subscription ended.',
  NOT_FOUND: 'This no longer exists or is hidden from you; the subscription ended.',
  RATE_LIMITED:
    'This client reached its limit of upstream calls per minute; the subscription ended.',
};

/** Where subscriptions are not served (a schema-only build, the federation subgraph). */
function liveOf(ctx: GatewayContext): LiveAccess {
  if (!ctx.live) {
    throw new GraphQLError('Subscriptions are not served here.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return ctx.live;
}

/** The error an event carries when its stream ends early. */
export function endError(end: LiveEnd): GraphQLError {
  return new GraphQLError(END_MESSAGES[end.code] ?? 'The subscription ended.', {
    extensions: {
      code: end.code,
      ...(end.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: end.retryAfterSeconds }),
    },
  });
}

export async function watchResource(
  ctx: GatewayContext,
  kind: TopicKind,
  id: string,
  read: () => Promise<FetchedAt | null>,
): Promise<AsyncIterable<LiveItem>> {
  const live = liveOf(ctx);
  const slot = live.limits.take(live.clientId);
  if ('refused' in slot) {
    const whose = slot.refused === 'client' ? 'This client has' : 'The gateway has';
    throw new GraphQLError(`${whose} as many open subscriptions as it may; close one first.`, {
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 60 },
    });
  }
  try {
    const value = await read();
    if (value === null || value === undefined) throw notFound('Not found.');
    const watcher = await live.hub.watch(
      {
        kind,
        id,
        authorization: ctx.scope.authorization,
        credentialSource: ctx.scope.credentialSource ?? 'none',
      },
      {
        initial: { value, fetchedAt: value.fetchedAt ?? live.now() },
        owner: live.clientId,
        signal: live.signal,
      },
    );
    // A stream never iterated (the client left at once) is freed by its signal.
    live.signal?.addEventListener('abort', () => slot.release(), { once: true });
    return (async function* stream() {
      try {
        yield* watcher;
      } finally {
        slot.release();
        await watcher.return?.();
      }
    })();
  } catch (error) {
    slot.release();
    throw error;
  }
}
