import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { builder } from './builder.ts';
import { CollectionRef } from './collection.ts';
import { CollectionFilter, CollectionOrder } from './collection-inputs.ts';
import {
  belugaOrdering,
  type CollectionOrderValue,
  collectionComparator,
  DEFAULT_COLLECTION_ORDER,
} from './collection-order.ts';
import { backwardArgDocs, forwardArgDocs } from './connections/args.ts';
import { listKey } from './connections/cursor.ts';
import { type PageArgs, parsePageArgs } from './connections/page-args.ts';
import {
  arraySource,
  type ConnectionPage,
  type PagedSource,
  resolvePage,
} from './connections/paging.ts';
import { resolveTolerantPage } from './connections/partial-page.ts';
import { connectionType } from './connections/types.ts';
import { connection, pageListSize, pageSize } from './cost/connections.ts';
import type { Child } from './cost/types.ts';
import {
  BelugaCollectionModel,
  type CollectionHolds,
  type CollectionModel,
  WicksonCollectionModel,
} from './models.ts';
import { toUpstream } from './normalize/enums.ts';
import { selectsCounts } from './selection.ts';

export const CollectionConnection = connectionType('Collection', CollectionRef, {
  one: 'collection',
  many: 'collections',
});

interface CollectionQuery {
  projectId?: number | null;
  method?: string | null;
  sources?: readonly ('BELUGA' | 'WICKSON')[] | null;
  orderBy?: { field: CollectionOrderValue['field']; direction?: 'ASC' | 'DESC' | null } | null;
}

/** A project's capture sets: Beluga's alone. */
type ProjectQuery = Omit<CollectionQuery, 'sources' | 'projectId'> & { projectId: number };

const empty = arraySource<CollectionModel>(async () => []);

/**
 * Capture sets and Wickson collections merged in one order. Slot 0 is Beluga (one list call per
 * page at the computed offset), slot 1 Wickson (its whole list, one call, sorted here).
 */
export function resolveCollections(
  page: PageArgs,
  query: CollectionQuery,
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
): Promise<ConnectionPage<CollectionModel>> {
  const withCounts = query.projectId != null && selectsCounts(info);
  const plan = planCollections(page, query, ctx, withCounts);
  // Merged, one failing source leaves the other's page (with an error); alone, it fails the field.
  return plan.merged
    ? resolveTolerantPage(plan.request, plan.sources, plan.compare, plan.key, ctx, info)
    : resolvePage(plan.request, plan.sources, plan.compare, plan.key);
}

/**
 * One page of a project's capture sets (`Project.collections`): Beluga alone, so never a partial
 * page. `withCounts` adds `with_counts` to the list call. The field's resolver and its early load
 * (the project's prefetch) both call it: the same arguments make the same list loads.
 */
export function resolveProjectCollections(
  page: PageArgs,
  query: ProjectQuery,
  ctx: GatewayContext,
  withCounts: boolean,
): Promise<ConnectionPage<CollectionModel>> {
  const plan = planCollections(page, { ...query, sources: ['BELUGA'] }, ctx, withCounts);
  return resolvePage(plan.request, plan.sources, plan.compare, plan.key);
}

/** The order, the sources (Beluga's, Wickson's) and the list key of a collections query. */
function planCollections(
  page: PageArgs,
  query: CollectionQuery,
  ctx: GatewayContext,
  withCounts: boolean,
) {
  const order: CollectionOrderValue = {
    field: query.orderBy?.field ?? DEFAULT_COLLECTION_ORDER.field,
    direction: query.orderBy?.direction ?? DEFAULT_COLLECTION_ORDER.direction,
  };
  const sources = query.sources?.length ? query.sources : ['BELUGA', 'WICKSON'];
  const belugaOnlyFilter = query.projectId != null || query.method != null;
  const useBeluga = sources.includes('BELUGA') && query.method !== 'UNKNOWN';
  const useWickson = sources.includes('WICKSON') && !belugaOnlyFilter;
  const key = listKey([
    'collections',
    order.field,
    order.direction,
    query.projectId,
    query.method,
    useBeluga ? 'b' : '',
    useWickson ? 'w' : '',
  ]);
  const request = parsePageArgs(page, key, 2);
  const compare = collectionComparator(order, ctx.config.beluga.timeZone);
  const beluga = useBeluga ? belugaSource(query, order, ctx, withCounts) : empty;
  const wickson = useWickson ? arraySource(async () => wicksonModels(ctx, compare)) : empty;
  return { request, sources: [beluga, wickson], compare, key, merged: useBeluga && useWickson };
}

function belugaSource(
  query: CollectionQuery,
  order: CollectionOrderValue,
  ctx: GatewayContext,
  withCounts: boolean,
): PagedSource<CollectionModel> {
  const load = async (ordering: string, offset: number, limit: number) => {
    // DRF treats limit=0 as "default page size": ask for 1 and drop it.
    const result = await ctx.loaders.captureSetList.load({
      projectId: query.projectId ?? undefined,
      method: query.method ? toUpstream(query.method) : undefined,
      ordering,
      withCounts: withCounts || undefined,
      limit: Math.max(1, limit),
      offset,
    });
    // Beluga ignores a `project_id` naming no project and lists everything: that is no match.
    if (query.projectId != null && result.results.some((dto) => dto.project !== query.projectId)) {
      return { items: [], count: 0 };
    }
    const items = result.results.slice(0, limit).map((dto) => new BelugaCollectionModel(dto));
    return { items, count: result.count };
  };
  return {
    slice: (offset, limit) => load(belugaOrdering(order), offset, limit),
    tail: async (limit) => {
      const { items, count } = await load(belugaOrdering(order, true), 0, limit);
      return { items: items.reverse(), count };
    },
    count: async () => (await load(belugaOrdering(order), 0, 1)).count,
  };
}

async function wicksonModels(
  ctx: GatewayContext,
  compare: (a: CollectionModel, b: CollectionModel) => number,
): Promise<CollectionModel[]> {
  const list = await ctx.loaders.wicksonCollectionList.load('all');
  const models = [...new Set(list.collections)].map(
    (id): CollectionModel =>
      new WicksonCollectionModel(id, { listItem: list.collection_details[id] }),
  );
  return models.sort(compare);
}

builder.queryField('collections', (t) =>
  t.field({
    type: CollectionConnection,
    description:
      'Collections of both sources in one list, sorted by `orderBy` (default NAME ascending); paging either way yields each collection once. If one source fails, the page holds the other\'s collections and one error names the failed source (README, "The merged collections list").',
    args: {
      first: t.arg.int({ description: forwardArgDocs.first }),
      after: t.arg.string({ description: forwardArgDocs.after }),
      last: t.arg.int({ description: backwardArgDocs.last }),
      before: t.arg.string({ description: backwardArgDocs.before }),
      filter: t.arg({ type: CollectionFilter, description: 'Which collections to list.' }),
      orderBy: t.arg({
        type: CollectionOrder,
        description: 'Sort order (default NAME ascending).',
      }),
    },
    upstreamCalls: {
      weight: 3,
      listSize: pageListSize('first', 'last'),
      predict: (input) => {
        const size = pageSize(input.args);
        if (size === null) return [];
        const { filter, before } = input.args;
        const given = filter?.sources?.length ? filter.sources : ['BELUGA', 'WICKSON'];
        const belugaOnly = filter?.projectId != null || filter?.method != null;
        const nodes: Child<CollectionHolds>[] = [];
        if (given.includes('BELUGA') && filter?.method !== 'UNKNOWN') {
          // A `before` cursor also needs the list's total.
          const calls = before != null ? 2 : 1;
          input.charge('beluga', calls, `collections:${JSON.stringify(input.args)}`);
          // With a project filter, selecting a count adds `with_counts` to the same call.
          const withCounts = filter?.projectId != null;
          const holds: CollectionHolds = {
            source: 'BELUGA',
            payload: 'full',
            withCounts,
            projectLoaded: false,
          };
          nodes.push({ holds, count: size, together: true });
        }
        if (given.includes('WICKSON') && !belugaOnly) {
          // Wickson's list is unpaginated: one call per request serves every page.
          input.chargeOnce('wickson', 1, 'wickson-collections');
          nodes.push({
            holds: { source: 'WICKSON', payload: 'list' },
            count: size,
            together: true,
          });
        }
        return connection(nodes);
      },
    },
    resolve: (_root, args, ctx, info) =>
      resolveCollections(
        args,
        {
          projectId: args.filter?.projectId,
          method: args.filter?.method,
          sources: args.filter?.sources,
          orderBy: args.orderBy,
        },
        ctx,
        info,
      ),
  }),
);
