/** Wickson collection and media routes. */
import type { Dataset, MediaRecord, WicksonCollectionRecord } from '../dataset.ts';
import { MEDIA_TYPES } from '../dataset-wickson.ts';
import { parseIntStrict } from '../http-utils.ts';
import { formatUtc } from '../time.ts';
import type { FakeRequest, FakeResponse } from '../types.ts';
import { wicksonError } from './errors.ts';

const METADATA = { api_version: '1.0.0' };

function ok(message: string, data: unknown): FakeResponse {
  return { status: 200, body: { success: true, message, data, metadata: METADATA } };
}

export function collectionStats(collection: WicksonCollectionRecord) {
  const distribution: Record<string, number> = {};
  for (const type of MEDIA_TYPES) {
    const n = collection.items.filter((i) => i.mediaType === type).length;
    if (n > 0) distribution[type] = n;
  }
  return {
    item_count: collection.items.length,
    first_item_date: collection.items.length ? formatUtc(collection.items[0]!.createdAtMs) : null,
    last_item_date: collection.items.length
      ? formatUtc(collection.items.at(-1)!.createdAtMs)
      : null,
    media_type_distribution: distribution,
  };
}

export function listCollections(_req: FakeRequest, dataset: Dataset): FakeResponse {
  const visible = dataset.wickson.collections.filter(
    (c) => c.id === 'default' || c.items.length > 0,
  );
  const details: Record<string, { item_count: number; created_at: string | null }> = {};
  for (const c of visible) {
    details[c.id] = {
      item_count: c.items.length,
      created_at: c.items[0] ? formatUtc(c.items[0].createdAtMs) : null,
    };
  }
  return ok('Collections retrieved successfully', {
    collections: visible.map((c) => c.id),
    collection_details: details,
    total_collections: visible.length,
  });
}

export function getCollection(_req: FakeRequest, dataset: Dataset, id: string): FakeResponse {
  const collection = dataset.wickson.collections.find((c) => c.id === id);
  if (!collection || (collection.items.length === 0 && id !== 'default')) {
    return wicksonError(404, 'COLLECTION_NOT_FOUND', `Collection '${id}' not found`, {
      collection_id: id,
    });
  }
  return ok(`Collection '${id}' details retrieved successfully`, {
    collection_id: id,
    stats: collectionStats(collection),
  });
}

/**
 * The list's summary is optional: listed videos come without it, so a client must take it from
 * the detail, which always carries it.
 */
export const listsSummary = (media: MediaRecord) => media.mediaType !== 'video';

function item(media: MediaRecord, view: { chunks: boolean; summary: boolean }) {
  return {
    id: media.id,
    media_type: media.mediaType,
    file_info: { filename: media.filename, file_size: 10_000 + (media.createdAtMs % 90_000) },
    storage: { collection: media.collection, created_at: formatUtc(media.createdAtMs) },
    ...(view.summary ? { metadata: { search: { summary: media.summary } } } : {}),
    ...(view.chunks
      ? { content: { chunks: [`${media.summary}, part 1`, `${media.summary}, part 2`] } }
      : {}),
  };
}

function pageParam(
  req: FakeRequest,
  name: string,
  fallback: number,
  max: number,
): number | FakeResponse {
  const raw = req.query.get(name);
  if (raw === null) return fallback;
  const value = parseIntStrict(raw);
  if (value === null || value < 1 || value > max) {
    return wicksonError(
      400,
      'INVALID_PARAMETER',
      `${name} must be an integer between 1 and ${max}`,
      { parameter: name },
    );
  }
  return value;
}

export function listMedia(req: FakeRequest, dataset: Dataset): FakeResponse {
  const page = pageParam(req, 'page', 1, Number.MAX_SAFE_INTEGER);
  if (typeof page !== 'number') return page;
  const size = pageParam(req, 'page_size', 20, 100);
  if (typeof size !== 'number') return size;
  const mediaType = req.query.get('media_type');
  if (mediaType && !(MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    return wicksonError(
      400,
      'INVALID_PARAMETER',
      `media_type must be one of ${MEDIA_TYPES.join(', ')}`,
      { parameter: 'media_type' },
    );
  }
  const collection = req.query.get('collection');
  const items = [...dataset.wickson.media.values()]
    .filter(
      (m) =>
        (!collection || m.collection === collection) && (!mediaType || m.mediaType === mediaType),
    )
    .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? -1 : 1));
  const totalPages = Math.ceil(items.length / size);
  return ok('Media items retrieved successfully', {
    items: items
      .slice((page - 1) * size, page * size)
      .map((m) => item(m, { chunks: false, summary: listsSummary(m) })),
    pagination: {
      page,
      page_size: size,
      total_pages: totalPages,
      total_items: items.length,
      has_next: page < totalPages,
      has_previous: page > 1,
    },
  });
}

export function getMedia(req: FakeRequest, dataset: Dataset, id: string): FakeResponse {
  const media = dataset.wickson.media.get(id);
  if (!media)
    return wicksonError(404, 'MEDIA_NOT_FOUND', `Media item '${id}' not found`, { media_id: id });
  return ok(
    'Media item retrieved successfully',
    item(media, { chunks: req.query.get('include_chunks') === 'true', summary: true }),
  );
}
