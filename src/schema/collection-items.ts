/**
 * `Collection.items`: a Relay connection over the collection's items in the upstream's order —
 * Beluga captures by timestamp (limit/offset), Wickson media as it lists them (numbered pages).
 */
import type { GatewayContext } from '../context.ts';
import { builder } from './builder.ts';
import { CollectionRef } from './collection.ts';
import { backwardArgDocs, forwardArgDocs } from './connections/args.ts';
import { listKey } from './connections/cursor.ts';
import { MAX_PAGE_SIZE, parsePageArgs } from './connections/page-args.ts';
import { type PagedSource, resolvePage } from './connections/paging.ts';
import { connectionType } from './connections/types.ts';
import { connection, page, pageListSize, pageSize } from './cost/connections.ts';
import { MediaItemRef } from './media-item.ts';
import {
  type BelugaCollectionParent,
  belugaProjectId,
  type CollectionParent,
  type MediaItemModel,
  type WicksonCollectionModel,
} from './models.ts';

export const MediaItemConnection = connectionType('MediaItem', MediaItemRef, {
  one: 'item',
  many: 'items',
});

export interface WicksonPage {
  page: number;
  pageSize: number;
}

/**
 * The fewest Wickson pages (1-based, size ≤ `max`) covering items [offset, offset + limit): one
 * page of the smallest size that covers the window when one exists, else two pages of `limit`
 * (two consecutive pages of size ≥ limit always cover it). `limit` 0 needs only the total.
 */
export function planWicksonPages(
  offset: number,
  limit: number,
  max = MAX_PAGE_SIZE,
): WicksonPage[] {
  if (limit <= 0) return [{ page: 1, pageSize: 1 }];
  for (let size = limit; size <= max; size++) {
    const index = Math.floor(offset / size);
    if ((index + 1) * size >= offset + limit) return [{ page: index + 1, pageSize: size }];
  }
  const index = Math.floor(offset / limit);
  return [
    { page: index + 1, pageSize: limit },
    { page: index + 2, pageSize: limit },
  ];
}

function belugaSource(c: BelugaCollectionParent, ctx: GatewayContext): PagedSource<MediaItemModel> {
  const base = { projectId: belugaProjectId(c), captureSetId: Number(c.sourceId) };
  const load = async (ordering: string, offset: number, limit: number) => {
    const page = await ctx.loaders.captureList.load({
      ...base,
      ordering,
      limit: Math.max(1, limit),
      offset,
    });
    const items = page.results.slice(0, limit).map(
      (capture): MediaItemModel => ({
        source: 'BELUGA',
        collectionId: c.sourceId,
        collection: c,
        capture,
      }),
    );
    return { items, count: page.count };
  };
  return {
    slice: (offset, limit) => load('timestamp', offset, limit),
    // The newest `limit` first, reversed: one call without knowing the total.
    tail: async (limit) => {
      const page = await load('-timestamp', 0, limit);
      return { items: page.items.reverse(), count: page.count };
    },
    count: async () => c.dto?.source_images_count ?? (await load('timestamp', 0, 0)).count,
  };
}

function wicksonSource(
  c: WicksonCollectionModel,
  ctx: GatewayContext,
): PagedSource<MediaItemModel> {
  const known = c.listItem?.item_count ?? c.detail?.stats.item_count;
  const slice = async (offset: number, limit: number) => {
    const plan = planWicksonPages(offset, limit);
    const pages = await Promise.all(
      plan.map((p) => ctx.loaders.mediaList.load({ collection: c.sourceId, ...p })),
    );
    const start = (plan[0]!.page - 1) * plan[0]!.pageSize;
    const items = pages
      .flatMap((p) => p.items)
      .slice(offset - start, offset - start + limit)
      .map(
        (media): MediaItemModel => ({
          source: 'WICKSON',
          collectionId: c.sourceId,
          collection: c,
          media,
          detailed: false,
        }),
      );
    return { items, count: pages[0]!.pagination.total_items };
  };
  return {
    slice,
    tail: async (limit) => {
      // Without a known total, the largest first page often holds the whole tail already.
      const first = known === undefined ? await slice(0, MAX_PAGE_SIZE) : undefined;
      const total = known ?? first!.count;
      if (first && first.count <= MAX_PAGE_SIZE) {
        return { items: limit > 0 ? first.items.slice(-limit) : [], count: first.count };
      }
      const page = await slice(Math.max(0, total - limit), Math.min(limit, total));
      return page.count === total ? page : slice(Math.max(0, page.count - limit), limit);
    },
    count: async () => known ?? (await slice(0, 0)).count,
  };
}

builder.objectField(CollectionRef, 'items', (t) =>
  t.field({
    type: MediaItemConnection,
    description:
      'What the collection holds, in the upstream order: Beluga captures by timestamp, Wickson media as Wickson lists them. One upstream list call per page (Wickson: two when no page size up to 100 covers the window).',
    args: {
      first: t.arg.int({ description: forwardArgDocs.first }),
      after: t.arg.string({ description: forwardArgDocs.after }),
      last: t.arg.int({ description: backwardArgDocs.last }),
      before: t.arg.string({ description: backwardArgDocs.before }),
    },
    upstreamCalls: {
      // Wickson: a `last` page without a known total (5 media pages) and a `before` total.
      weight: 6,
      listSize: pageListSize('first', 'last'),
      predict: (input) => {
        const { parent, args } = input;
        const size = pageSize(args);
        if (size === null) return [];
        const total = args.before != null ? 1 : 0;
        const key = `items:${JSON.stringify(args)}`;
        const { source } = parent.holds;
        if (source === 'BELUGA') input.charge('beluga', parent.count * (1 + total), key);
        else {
          // A window takes at most two numbered pages; a `last` page without a known total
          // first reads the largest page, then at most two windows.
          const pages = (args.last != null ? 5 : 2) + total;
          input.charge('wickson', parent.count * pages, key);
        }
        const holds = { source, from: 'list', via: parent.ref } as const;
        return connection([{ holds, ...page(parent, size) }]);
      },
    },
    resolve: (c: CollectionParent, args, ctx) => {
      const key = listKey(['items', c.source, c.sourceId]);
      const request = parsePageArgs(args, key, 1);
      const source = c.source === 'BELUGA' ? belugaSource(c, ctx) : wicksonSource(c, ctx);
      return resolvePage(request, [source], () => 0, key);
    },
  }),
);
