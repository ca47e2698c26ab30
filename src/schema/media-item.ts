/**
 * `MediaItem`: one thing a collection holds, both sources in one type — a Beluga capture
 * (Antenna's `SourceImage`, served by `SourceImageViewSet` in `ami/main/api/views.py`) or a
 * Wickson media item (`GET /v1/media`, `GET /v1/media/{id}`).
 */
import type { GatewayContext } from '../context.ts';
import type { CaptureDto } from '../loaders/upstream.ts';
import { builder } from './builder.ts';
import { CollectionRef, loadCollection } from './collection.ts';
import { free } from './cost/types.ts';
import { CollectionSource, MediaType } from './enums.ts';
import { itemKey, parseItemKey, settleNode, splitNodeId } from './global-id.ts';
import { BelugaCollectionStub, type MediaItemModel, WicksonCollectionModel } from './models.ts';
import { toMediaType } from './normalize/enums.ts';
import { belugaTime, wicksonTime } from './normalize/time.ts';
import { propertyRead } from './property-read.ts';

export const MediaItemRef = builder.objectRef<MediaItemModel>('MediaItem');

const sourceIdOf = (m: MediaItemModel) =>
  m.source === 'BELUGA' ? String(m.capture.id) : m.media.id;

/** An item by its global id's key: one detail call; null when missing or hidden (draft). */
export async function loadMediaItem(
  ctx: GatewayContext,
  source: 'BELUGA' | 'WICKSON',
  key: string,
): Promise<MediaItemModel | null> {
  const parsed = parseItemKey(source, key);
  if (!parsed) return null;
  const { collectionId, itemId } = parsed;
  if (source === 'BELUGA') {
    const projectId = parsed.projectId ?? (await projectOfSet(ctx, collectionId));
    if (projectId === null) return null;
    const capture = await ctx.loaders.capture.load({ id: itemId, projectId });
    return capture ? { source, collectionId, capture } : null;
  }
  const media = await ctx.loaders.media.load(itemId);
  return media ? { source, collectionId, media, detailed: true } : null;
}

/** For an item key without the project: the set's project (one set read), null when hidden. */
async function projectOfSet(ctx: GatewayContext, setId: string): Promise<number | null> {
  const set = await loadCollection(ctx, 'BELUGA', setId);
  return set?.source === 'BELUGA' ? set.dto.project : null;
}

/** The Beluga capture's project: its own field, else the collection it was reached through. */
function captureProject(m: MediaItemModel & { source: 'BELUGA' }): number | undefined {
  if (m.capture.project !== undefined) return m.capture.project;
  const c = m.collection;
  if (c?.source !== 'BELUGA') return undefined;
  return c.dto ? c.dto.project : c.summary.projectId;
}

/**
 * The item's collection without a call where its payload tells enough: the connection's parent,
 * a Beluga detail's embedded set summary, or a bare Wickson collection (named by its id).
 */
function itemCollection(m: MediaItemModel, ctx: GatewayContext) {
  if (m.collection) return m.collection;
  if (m.source === 'WICKSON') {
    return new WicksonCollectionModel(m.media.storage?.collection ?? m.collectionId);
  }
  const set =
    'collections' in m.capture
      ? m.capture.collections.find((s) => String(s.id) === m.collectionId)
      : undefined;
  if (set && m.capture.project !== undefined) {
    const summary = {
      id: set.id,
      name: set.name,
      method: set.method,
      projectId: m.capture.project,
    };
    return new BelugaCollectionStub(summary);
  }
  return loadCollection(ctx, 'BELUGA', m.collectionId);
}

/** The Wickson summary: from the payload when it has one, else the (batched) detail. */
async function wicksonSummary(m: MediaItemModel & { source: 'WICKSON' }, ctx: GatewayContext) {
  const listed = m.media.metadata?.search?.summary;
  if (listed !== undefined || m.detailed) return listed ?? null;
  const detail = await ctx.loaders.media.load(m.media.id);
  return detail?.metadata?.search?.summary ?? null;
}

function belugaField<T>(m: MediaItemModel, read: (capture: CaptureDto) => T): T | null {
  return m.source === 'BELUGA' ? read(m.capture) : null;
}

builder.node(MediaItemRef, {
  description:
    'One item of a collection: a Beluga capture (an image) or a Wickson media item. Fields that exist in only one source are null for the other.',
  id: {
    resolve: (m) =>
      `${m.source}:${itemKey(m.source, m.collectionId, sourceIdOf(m), m.source === 'BELUGA' ? captureProject(m) : undefined)}`,
    upstreamCalls: free,
  },
  loadedById: (source) => ({ source, from: 'detail' }),
  loadOne: (id, ctx) => {
    const { source, sourceId } = splitNodeId(id);
    return settleNode('MediaItem', loadMediaItem(ctx, source, sourceId));
  },
  fields: (t) => ({
    source: t.field({
      type: CollectionSource,
      description: 'The upstream service the item lives in.',
      upstreamCalls: free,
      resolve: propertyRead('source'),
    }),
    sourceId: t.string({
      description: 'The upstream id: a Beluga capture number or a Wickson media id.',
      upstreamCalls: free,
      resolve: sourceIdOf,
    }),
    collection: t.field({
      type: CollectionRef,
      nullable: true,
      description:
        'The collection the item was reached through (no extra call for its id and name).',
      upstreamCalls: {
        weight: 1,
        predict: (input) => {
          const { holds, count } = input.parent;
          if (holds.via) return [{ same: holds.via }];
          if (holds.source === 'WICKSON') return [{ holds: { source: 'WICKSON', payload: 'id' } }];
          // A capture's detail names its set: a summary, or one load.
          input.charge('beluga', count, 'item-collection');
          return [
            {
              holds: { source: 'BELUGA', payload: 'full', withCounts: true, projectLoaded: false },
            },
          ];
        },
      },
      resolve: (m, _a, ctx) => itemCollection(m, ctx),
    }),
    mediaType: t.field({
      type: MediaType,
      description: 'The kind of media: captures are IMAGE; OTHER for a Wickson type added later.',
      upstreamCalls: free,
      resolve: (m, _a, ctx) =>
        m.source === 'BELUGA' ? 'IMAGE' : toMediaType(m.media.media_type, ctx.logger),
    }),
    filename: t.string({
      nullable: true,
      description:
        'File name: the last segment of the Beluga capture `path`, Wickson `file_info.filename`.',
      upstreamCalls: free,
      resolve: (m) =>
        m.source === 'BELUGA'
          ? (m.capture.path?.split('/').at(-1) ?? null)
          : m.media.file_info.filename,
    }),
    url: t.string({
      nullable: true,
      description: 'Where the Beluga image can be fetched; null for Wickson, which keeps no files.',
      upstreamCalls: free,
      resolve: (m) => belugaField(m, (c) => c.url),
    }),
    capturedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the Beluga camera took the image (`timestamp`, in UTC); null for Wickson.',
      upstreamCalls: free,
      resolve: (m, _a, ctx) =>
        belugaField(m, (c) => belugaTime(c.timestamp, ctx.config.beluga.timeZone)),
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When the item was added to Wickson (`storage.created_at`); null for Beluga, which does not report it.',
      upstreamCalls: free,
      resolve: (m) => (m.source === 'WICKSON' ? wicksonTime(m.media.storage?.created_at) : null),
    }),
    width: t.int({
      nullable: true,
      description: 'Image width in pixels (Beluga); null for Wickson.',
      upstreamCalls: free,
      resolve: (m) => belugaField(m, (c) => c.width),
    }),
    height: t.int({
      nullable: true,
      description: 'Image height in pixels (Beluga); null for Wickson.',
      upstreamCalls: free,
      resolve: (m) => belugaField(m, (c) => c.height),
    }),
    sizeBytes: t.int({
      nullable: true,
      description:
        'File size in bytes: Beluga `size`; Wickson `file_info.file_size` when it sends one.',
      upstreamCalls: free,
      resolve: (m) =>
        m.source === 'BELUGA' ? m.capture.size : (m.media.file_info.file_size ?? null),
    }),
    detectionsCount: t.int({
      nullable: true,
      description: 'Detections found on the Beluga capture; null for Wickson.',
      upstreamCalls: free,
      resolve: (m) => belugaField(m, (c) => c.detections_count),
    }),
    summary: t.string({
      nullable: true,
      description:
        'Wickson `metadata.search.summary`; when the list omits it, one detail call per item (batched per request). Null for Beluga.',
      upstreamCalls: {
        weight: 1,
        predict: (input) => {
          const { holds, count } = input.parent;
          if (holds.source === 'WICKSON' && holds.from === 'list') {
            input.charge('wickson', count, 'media-detail');
          }
          return [];
        },
      },
      resolve: (m, _a, ctx) => (m.source === 'WICKSON' ? wicksonSummary(m, ctx) : null),
    }),
  }),
});
