/**
 * The live fields: a job or a collection now, then again each time what a subscriber can see of
 * it changes (src/live/resources.ts says what that is). Neither upstream pushes: the watch hub
 * polls once per resource and credential scope for all watchers and replicas.
 */

import type { LiveItem } from '../live/types.ts';
import type { CaptureSetDto, CollectionDetailDataDto, JobDetailDto } from '../loaders/upstream.ts';
import { builder } from './builder.ts';
import { CollectionRef } from './collection.ts';
import { invalidId } from './errors.ts';
import { decodeGlobalId, splitNodeId } from './global-id.ts';
import { JobRef } from './job.ts';
import { endError, watchResource } from './live-stream.ts';
import {
  BelugaCollectionModel,
  type CollectionModel,
  type JobModel,
  WicksonCollectionModel,
} from './models.ts';

builder.subscriptionType({
  description:
    'Live updates over GraphQL over SSE (`Accept: text/event-stream`) or WebSocket (`graphql-transport-ws`), both on /graphql.',
});

/** The `SOURCE:sourceId` of a global id naming a `typename`, else BAD_USER_INPUT. */
function idOf(globalId: string, typename: string) {
  const decoded = decodeGlobalId(globalId);
  if (decoded.typename !== typename) throw invalidId();
  return splitNodeId(decoded.id);
}

/** The id a prediction charges the first read for; an invalid one is refused before any call. */
function predictedId(globalId: unknown, typename: string) {
  try {
    return idOf(String(globalId), typename);
  } catch {
    return undefined;
  }
}

/** A snapshot as the event's value; an end as its error. */
function eventValue<T>(item: LiveItem, model: (value: unknown) => T): T {
  if ('end' in item) throw endError(item.end);
  return model(item.snapshot.value);
}

builder.subscriptionField('jobUpdated', (t) =>
  t.field({
    type: JobRef,
    description:
      'The job now, then each time its status, progress or stages change; completes after a final status (SUCCESS, FAILURE, REVOKED). Ends with UNAUTHENTICATED, FORBIDDEN or NOT_FOUND when the caller may no longer see it.',
    args: { id: t.arg.id({ required: true, description: 'The global id of a Job.' }) },
    // The first read, charged like `job(sourceId:)`; the polls charge the client as they happen.
    upstreamCalls: {
      weight: 1,
      predict: (input) => {
        const id = predictedId(input.args.id, 'Job');
        if (!id) return [];
        input.charge('beluga', 1, `job:${id.sourceId}`);
        return [{ holds: { payload: 'detail' } }];
      },
    },
    subscribe: (_root, args, ctx) => {
      const { sourceId } = idOf(String(args.id), 'Job');
      return watchResource(ctx, 'job', sourceId, () =>
        ctx.clients.beluga.getJob(Number(sourceId), ctx.scope),
      );
    },
    resolve: (item): JobModel =>
      eventValue(item, (value) => {
        const dto = value as JobDetailDto;
        return { sourceId: dto.id, dto };
      }),
  }),
);

builder.subscriptionField('collectionUpdated', (t) =>
  t.field({
    type: CollectionRef,
    description:
      'The collection now, then each time its name, stats or jobs change (e.g. while a populate job fills a capture set). Ends with UNAUTHENTICATED, FORBIDDEN or NOT_FOUND when the caller may no longer see it.',
    args: { id: t.arg.id({ required: true, description: 'The global id of a Collection.' }) },
    upstreamCalls: {
      weight: 1,
      predict: (input) => {
        const id = predictedId(input.args.id, 'Collection');
        if (id?.source === 'BELUGA') {
          input.charge('beluga', 1, `capture-set:${id.sourceId}`);
          return [
            {
              holds: { source: 'BELUGA', payload: 'full', withCounts: true, projectLoaded: false },
            },
          ];
        }
        if (!id) return [];
        input.charge('wickson', 1, `collection:${id.sourceId}`);
        return [{ holds: { source: 'WICKSON', payload: 'detail' } }];
      },
    },
    subscribe: (_root, args, ctx) => {
      const { source, sourceId } = idOf(String(args.id), 'Collection');
      if (source === 'BELUGA') {
        return watchResource(ctx, 'captureSet', sourceId, () =>
          ctx.clients.beluga.getCaptureSet(Number(sourceId), ctx.scope),
        );
      }
      return watchResource(ctx, 'wicksonCollection', sourceId, () =>
        ctx.clients.wickson.getCollection(sourceId, ctx.scope),
      );
    },
    resolve: (item, args): CollectionModel =>
      eventValue(item, (value) => {
        const { source, sourceId } = idOf(String(args.id), 'Collection');
        if (source === 'BELUGA') return new BelugaCollectionModel(value as CaptureSetDto);
        return new WicksonCollectionModel(sourceId, { detail: value as CollectionDetailDataDto });
      }),
  }),
);
