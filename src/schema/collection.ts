import type { GatewayContext } from '../context.ts';
import { builder } from './builder.ts';
import { collectionJobs, OUTSIDE_SUMMARY } from './collection-jobs.ts';
import { CollectionRef, loadCollection } from './collection-ref.ts';
import { chargeProjects, chargeSetPayload, chargeWicksonDetail } from './cost/loads.ts';
import { type FieldCalls, free } from './cost/types.ts';
import { CollectionMethod, CollectionSource, JobStatus, JobTypeKey } from './enums.ts';
import { badUserInput } from './errors.ts';
import { isWicksonId, parseBelugaId, settleNode, splitNodeId } from './global-id.ts';
import { JobRef } from './job.ts';
import { MediaCollectionStatsRef } from './media-stats.ts';
import {
  type BelugaCollectionParent,
  belugaDto,
  belugaProjectId,
  type CollectionHolds,
  wicksonDetail,
} from './models.ts';
import { toCollectionMethod } from './normalize/enums.ts';
import { belugaTime, wicksonTime } from './normalize/time.ts';
import { loadProject, ProjectRef } from './project.ts';
import { propertyRead } from './property-read.ts';

export { CollectionRef, loadCollection };

/** A field read from the set's payload: a job's summary of the set loads it. */
const fromSetPayload: FieldCalls<CollectionHolds> = {
  weight: 1,
  predict: (input) => {
    chargeSetPayload(input);
    return [];
  },
};

/** The set's project: from the job's embedded project summary when there is one, else loaded. */
function collectionProject(c: BelugaCollectionParent, ctx: GatewayContext) {
  const project = c.summary?.project;
  if (project) return { sourceId: project.id, summary: project };
  return loadProject(ctx, belugaProjectId(c));
}

builder.node(CollectionRef, {
  description:
    'A set of media items: a Beluga (Antenna) capture set or a Wickson media collection. Fields that exist in only one source are null (or empty) for the other.',
  id: { resolve: (c) => `${c.source}:${c.sourceId}`, upstreamCalls: free },
  // A capture set's detail carries its counts.
  loadedById: (source) =>
    source === 'BELUGA'
      ? { source, payload: 'full', withCounts: true, projectLoaded: false }
      : { source, payload: 'detail' },
  loadOne: (id, ctx) => {
    const { source, sourceId } = splitNodeId(id);
    return settleNode('Collection', loadCollection(ctx, source, sourceId));
  },
  fields: (t) => ({
    source: t.field({
      type: CollectionSource,
      description: 'The upstream service the collection lives in.',
      upstreamCalls: free,
      resolve: propertyRead('source'),
    }),
    sourceId: t.string({
      description:
        'The upstream id: a Beluga capture-set number ("21") or a Wickson collection name.',
      upstreamCalls: free,
      resolve: propertyRead('sourceId'),
    }),
    name: t.string({
      description: 'Display name. Wickson collections have none, so this is their id.',
      upstreamCalls: free,
      resolve: propertyRead('name'),
    }),
    description: t.string({
      nullable: true,
      description: 'Free-text description (Beluga; null when empty or for Wickson).',
      upstreamCalls: fromSetPayload,
      resolve: async (c, _a, ctx) =>
        c.source === 'BELUGA' ? (await belugaDto(c, ctx)).description || null : null,
    }),
    method: t.field({
      type: CollectionMethod,
      nullable: true,
      description:
        'How the Beluga capture set samples captures; UNKNOWN for a method added upstream later; null for Wickson.',
      upstreamCalls: free,
      resolve: (c, _a, ctx) =>
        c.source === 'BELUGA' ? toCollectionMethod((c.dto ?? c.summary).method, ctx.logger) : null,
    }),
    methodArguments: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The Beluga sampling arguments (`kwargs`) verbatim; null for Wickson.',
      upstreamCalls: fromSetPayload,
      resolve: async (c, _a, ctx) =>
        c.source === 'BELUGA' ? (await belugaDto(c, ctx)).kwargs : null,
    }),
    projectId: t.int({
      nullable: true,
      description: 'The Beluga project id without fetching the project; null for Wickson.',
      upstreamCalls: free,
      resolve: (c) => (c.source === 'BELUGA' ? belugaProjectId(c) : null),
    }),
    project: t.field({
      type: ProjectRef,
      nullable: true,
      description: 'The Beluga project the capture set belongs to; null for Wickson.',
      upstreamCalls: {
        weight: 1,
        predict: (input) => {
          const { holds, count } = input.parent;
          if (holds.source !== 'BELUGA') return [];
          // A job's summary embeds the project's name.
          if (holds.payload === 'summary') return [{ holds: 'summary' }];
          if (holds.payload !== 'full' || !holds.projectLoaded) chargeProjects(input, count);
          return [{ holds: 'detail' }];
        },
      },
      resolve: (c, _a, ctx) => (c.source === 'BELUGA' ? collectionProject(c, ctx) : null),
    }),
    jobs: t.field({
      type: [JobRef],
      description:
        'Beluga jobs run on this capture set, newest first (from the summaries embedded in the capture set; fetched only when a field outside them is selected). Empty for Wickson.',
      upstreamCalls: {
        weight: 2,
        predict: (input) => {
          const { holds, count } = input.parent;
          if (holds.source !== 'BELUGA') return [];
          chargeSetPayload(input);
          const selected = input.selected();
          if (OUTSIDE_SUMMARY.some((name) => selected.has(name))) {
            input.charge('beluga', count, 'set-jobs');
          }
          // The set a summary loads comes from a detail or a list, with or without its counts.
          const set =
            holds.payload === 'full'
              ? { withCounts: holds.withCounts, projectLoaded: holds.projectLoaded }
              : { withCounts: false, projectLoaded: false };
          return [{ holds: { payload: 'summary', set } }];
        },
      },
      args: {
        status: t.arg({
          type: [JobStatus],
          required: false,
          description: 'Only jobs in one of these states.',
        }),
        type: t.arg({
          type: [JobTypeKey],
          required: false,
          description: 'Only jobs of one of these types.',
        }),
      },
      resolve: (c, args, ctx, info) => collectionJobs(c, args, ctx, info),
    }),
    stats: t.field({
      type: MediaCollectionStatsRef,
      description: 'Item counts and dates, normalized across both sources.',
      upstreamCalls: { weight: 0, predict: ({ parent }) => [{ same: parent.ref }] },
      resolve: propertyRead('stats'),
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When the collection was created. Wickson reports no creation time: its list gives the time of the first item, used here.',
      upstreamCalls: {
        weight: 1,
        predict: (input) => {
          chargeSetPayload(input);
          chargeWicksonDetail(input);
          return [];
        },
      },
      resolve: async (c, _a, ctx) => {
        if (c.source === 'BELUGA') {
          return belugaTime((await belugaDto(c, ctx)).created_at, ctx.config.beluga.timeZone);
        }
        if (c.listItem?.created_at) return wicksonTime(c.listItem.created_at);
        return wicksonTime((await wicksonDetail(c, ctx))?.stats.first_item_date);
      },
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When the collection was last changed (Beluga). Always null for Wickson, which does not report it.',
      upstreamCalls: fromSetPayload,
      resolve: async (c, _a, ctx) =>
        c.source === 'BELUGA'
          ? belugaTime((await belugaDto(c, ctx)).updated_at, ctx.config.beluga.timeZone)
          : null,
    }),
    permissions: t.stringList({
      description:
        'What the caller may do with the collection (Beluga `user_permissions`: update, delete, populate, star). Empty for Wickson.',
      upstreamCalls: fromSetPayload,
      resolve: async (c, _a, ctx) =>
        c.source === 'BELUGA' ? (await belugaDto(c, ctx)).user_permissions : [],
    }),
  }),
});

builder.queryField('collection', (t) =>
  t.field({
    type: CollectionRef,
    nullable: true,
    description:
      'A collection by source and upstream id; null when it does not exist or the caller may not see it.',
    upstreamCalls: {
      weight: 1,
      predict: (input) => {
        const { source, sourceId } = input.args;
        if (source === 'BELUGA' && parseBelugaId(sourceId) !== null) {
          input.charge('beluga', 1, `capture-set:${sourceId}`);
          return [{ holds: { source, payload: 'full', withCounts: true, projectLoaded: false } }];
        }
        if (source === 'WICKSON' && isWicksonId(sourceId)) {
          input.charge('wickson', 1, `collection:${sourceId}`);
          return [{ holds: { source, payload: 'detail' } }];
        }
        return [];
      },
    },
    args: {
      source: t.arg({ type: CollectionSource, required: true, description: 'Which upstream.' }),
      sourceId: t.arg.string({
        required: true,
        description:
          'The upstream id: a Beluga capture-set number ("21") or a Wickson collection name.',
      }),
    },
    resolve: (_root, { source, sourceId }, ctx) => {
      const valid = source === 'BELUGA' ? parseBelugaId(sourceId) !== null : isWicksonId(sourceId);
      if (!valid) {
        throw badUserInput('The sourceId is not a valid id for this source.');
      }
      return loadCollection(ctx, source, sourceId);
    },
  }),
);
