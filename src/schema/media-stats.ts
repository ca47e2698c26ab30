import type { GatewayContext } from '../context.ts';
import { builder } from './builder.ts';
import { chargeSetCounts, chargeWicksonDetail, chargeWicksonDetailById } from './cost/loads.ts';
import { type FieldCalls, free } from './cost/types.ts';
import { MediaType } from './enums.ts';
import { notFound } from './errors.ts';
import {
  type BelugaCollectionParent,
  belugaCounted,
  belugaDto,
  belugaProjectId,
  type CollectionHolds,
  type CollectionParent,
  fromCounted,
  hasCounts,
  type WicksonCollectionModel,
  wicksonDetail,
} from './models.ts';
import { type MediaTypeValue, toMediaType } from './normalize/enums.ts';
import { belugaTime, codeOrder, wicksonTime } from './normalize/time.ts';
import { propertyRead } from './property-read.ts';

export interface MediaTypeCountModel {
  mediaType: MediaTypeValue;
  count: number;
}

export const MediaTypeCountRef = builder
  .objectRef<MediaTypeCountModel>('MediaTypeCount')
  .implement({
    description: 'How many items of one media type a collection holds.',
    fields: (t) => ({
      mediaType: t.field({
        type: MediaType,
        description: 'The media type.',
        upstreamCalls: free,
        resolve: propertyRead('mediaType'),
      }),
      count: t.exposeInt('count', { description: 'Number of items of that type.' }),
    }),
  });

type CountInput = Parameters<NonNullable<FieldCalls<CollectionHolds>['predict']>>[0];

/** A count: the set's counts on Beluga, and on Wickson what `wickson` charges (weight 1). */
const countsWith = (wickson: (input: CountInput) => void): FieldCalls<CollectionHolds> => ({
  weight: 1,
  predict: (input) => {
    chargeSetCounts(input);
    wickson(input);
    return [];
  },
});

/** A count the set's payload carries: a summary loads the set, a write's answer its detail. */
const fromSetCounts: FieldCalls<CollectionHolds> = {
  weight: 1,
  predict: (input) => {
    chargeSetCounts(input);
    return [];
  },
};

/** Occurrence and taxon counts: computed only by a detail or a list with `with_counts`. */
const occurrenceCounts: FieldCalls<CollectionHolds> = {
  weight: 1,
  predict: (input) => {
    const { holds, count } = input.parent;
    if (holds.source !== 'BELUGA') return [];
    if (holds.payload === 'full' && !holds.withCounts) input.charge('beluga', count, 'counts');
    else chargeSetCounts(input);
    return [];
  },
};

/** Beluga: one captures call per set; Wickson: the collection's detail. */
function captureDateCalls(end: 'first' | 'last'): FieldCalls<CollectionHolds> {
  return {
    weight: 1,
    predict: (input) => {
      const { holds, count } = input.parent;
      if (holds.source === 'BELUGA') input.charge('beluga', count, `capture-date-${end}`);
      else chargeWicksonDetail(input);
      return [];
    },
  };
}

/** The parent is the collection itself: each field reads or hydrates what it needs. */
export const MediaCollectionStatsRef = builder.objectRef<CollectionParent>('MediaCollectionStats');

/** The Wickson detail's stats; NOT_FOUND when the listed collection's detail is gone (404). */
async function wicksonStats(c: WicksonCollectionModel, ctx: GatewayContext) {
  const detail = await wicksonDetail(c, ctx);
  if (!detail) {
    throw notFound('The collection is no longer visible to this caller.');
  }
  return detail.stats;
}

async function belugaCounts(c: BelugaCollectionParent, ctx: GatewayContext) {
  let { dto } = c;
  if (!dto) {
    // A job's summary: one hydration (with counts) serves these and the other stats fields.
    dto = await belugaDto(c, ctx, { counts: true });
  }
  if (!hasCounts(dto)) {
    // A write's answer: the detail the other count fields load has these too (one shared key).
    dto = await belugaCounted(c, ctx);
  }
  if (dto.occurrences_count !== null && dto.taxa_count !== null) {
    return { occurrencesCount: dto.occurrences_count, taxaCount: dto.taxa_count };
  }
  return ctx.loaders.captureSetCounts.load({ id: c.sourceId, projectId: belugaProjectId(c) });
}

/** The fetch time of the payload the collection came from (a list entry or a detail). */
async function statsFetchedAt(c: CollectionParent, ctx: GatewayContext): Promise<string> {
  const payload =
    c.source === 'WICKSON'
      ? (c.listItem ?? c.detail ?? (await wicksonDetail(c, ctx)))
      : await belugaDto(c, ctx);
  // A write's answer has no fetch time (it was read now), a collection gone from Wickson none.
  return new Date(payload?.fetchedAt ?? Date.now()).toISOString();
}

function captureDate(c: BelugaCollectionParent, ctx: GatewayContext, end: 'first' | 'last') {
  return ctx.loaders.captureDate
    .load({ id: c.sourceId, projectId: belugaProjectId(c), end })
    .then((time) => belugaTime(time, ctx.config.beluga.timeZone));
}

/** A capture set's items are all images: one entry, or none for an empty set. */
function imageDistribution(dto: { source_images_count: number }) {
  const count = dto.source_images_count;
  return count > 0 ? [{ mediaType: 'IMAGE' as const, count }] : [];
}

MediaCollectionStatsRef.implement({
  description:
    'Counts and dates of a collection, normalized across sources. Fields that need an extra upstream call are fetched only when selected, and are null (with an error) if that call fails.',
  fields: (t) => ({
    itemCount: t.int({
      description: 'Number of items: Beluga `source_images_count`, Wickson `item_count`.',
      upstreamCalls: countsWith(chargeWicksonDetailById),
      resolve: (c, _a, ctx) => {
        if (c.source === 'BELUGA') return fromCounted(c, ctx, (dto) => dto.source_images_count);
        if (c.listItem) return c.listItem.item_count;
        return wicksonStats(c, ctx).then((stats) => stats.item_count);
      },
    }),
    firstItemDate: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'Time of the earliest item (Beluga: earliest capture timestamp, one extra call when selected).',
      upstreamCalls: captureDateCalls('first'),
      resolve: (c, _a, ctx) =>
        c.source === 'BELUGA'
          ? captureDate(c, ctx, 'first')
          : wicksonStats(c, ctx).then((stats) => wicksonTime(stats.first_item_date)),
    }),
    lastItemDate: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'Time of the latest item (Beluga: latest capture timestamp, one extra call when selected).',
      upstreamCalls: captureDateCalls('last'),
      resolve: (c, _a, ctx) =>
        c.source === 'BELUGA'
          ? captureDate(c, ctx, 'last')
          : wicksonStats(c, ctx).then((stats) => wicksonTime(stats.last_item_date)),
    }),
    mediaTypeDistribution: t.field({
      type: [MediaTypeCountRef],
      description:
        'Items per media type, largest first (Beluga: all IMAGE; empty when there are none). For a Wickson collection from a list, one detail call; if it fails, the error nulls the nearest nullable parent.',
      upstreamCalls: countsWith(chargeWicksonDetail),
      resolve: (c, _a, ctx) => {
        if (c.source === 'BELUGA') return fromCounted(c, ctx, imageDistribution);
        return wicksonStats(c, ctx).then((stats) =>
          Object.entries(stats.media_type_distribution)
            .filter(([, count]) => count > 0)
            .map(([type, count]) => ({ mediaType: toMediaType(type, ctx.logger), count }))
            .sort((a, b) => b.count - a.count || codeOrder(a.mediaType, b.mediaType)),
        );
      },
    }),
    withDetectionsCount: t.int({
      nullable: true,
      description: 'Beluga captures with at least one detection; null for Wickson.',
      upstreamCalls: fromSetCounts,
      resolve: (c, _a, ctx) =>
        c.source === 'BELUGA'
          ? fromCounted(c, ctx, (dto) => dto.source_images_with_detections_count)
          : null,
    }),
    processedCount: t.int({
      nullable: true,
      description: 'Beluga captures processed by a pipeline; null for Wickson.',
      upstreamCalls: fromSetCounts,
      resolve: (c, _a, ctx) =>
        c.source === 'BELUGA'
          ? fromCounted(c, ctx, (dto) => dto.source_images_processed_count)
          : null,
    }),
    occurrencesCount: t.int({
      nullable: true,
      description:
        'Beluga occurrences in the set (fetched with counts when the payload lacks them: one call for all sets of a project in a list); null for Wickson.',
      upstreamCalls: occurrenceCounts,
      resolve: async (c, _a, ctx) =>
        c.source === 'BELUGA' ? ((await belugaCounts(c, ctx))?.occurrencesCount ?? null) : null,
    }),
    taxaCount: t.int({
      nullable: true,
      description: 'Beluga taxa in the set (fetched like occurrencesCount); null for Wickson.',
      upstreamCalls: occurrenceCounts,
      resolve: async (c, _a, ctx) =>
        c.source === 'BELUGA' ? ((await belugaCounts(c, ctx))?.taxaCount ?? null) : null,
    }),
    fetchedAt: t.field({
      type: 'DateTime',
      description:
        'When the gateway fetched these numbers from the upstream: older than now when they come from the shared cache (README, "Caching").',
      // The payload the numbers come from: a summary or a bare Wickson id loads it first.
      upstreamCalls: countsWith(chargeWicksonDetailById),
      resolve: (c, _a, ctx) => statsFetchedAt(c, ctx),
    }),
  }),
});
