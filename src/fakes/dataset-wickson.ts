/**
 * Wickson collections and media. `research_papers` matches seeds/002; `default`,
 * `product_images` and `training_videos` match the example list of Wickson's documentation.
 * Invariants: distribution sums to item_count, zero counts omitted, first/last item dates are
 * the min/max of the items' created_at, the list's created_at is the first item date.
 */

import { createRng, type Rng } from './prng.ts';
import type { MediaRecord, WicksonCollectionRecord } from './records.ts';
import { DAY_MS } from './time.ts';

export const MEDIA_TYPES = ['document', 'image', 'video', 'audio', 'model'] as const;
const PREFIX: Record<string, string> = {
  document: 'doc',
  image: 'img',
  video: 'vid',
  audio: 'aud',
  model: 'mdl',
};
const EXTENSION: Record<string, string> = {
  document: 'pdf',
  image: 'jpg',
  video: 'mp4',
  audio: 'wav',
  model: 'glb',
};

interface Plan {
  id: string;
  counts: Record<string, number>;
  first: string;
  last?: string;
}

const FIXED: Plan[] = [
  {
    id: 'default',
    counts: { document: 20, image: 15, audio: 6, video: 4 },
    first: '2024-12-01T15:30:45Z',
  },
  {
    id: 'research_papers',
    counts: { document: 12, image: 3, video: 2 },
    first: '2025-01-15T10:22:33Z',
    last: '2025-03-05T16:45:22Z',
  },
  { id: 'product_images', counts: { image: 30, model: 2 }, first: '2025-02-03T09:15:00Z' },
  { id: 'training_videos', counts: { video: 8 }, first: '2025-03-01T14:40:12Z' },
];

function uuid(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

function build(plan: Plan, rng: Rng): WicksonCollectionRecord {
  const firstMs = Date.parse(plan.first);
  const lastMs = plan.last
    ? Date.parse(plan.last)
    : firstMs + rng.int(2, 90) * DAY_MS + rng.int(0, 86_399) * 1000;
  const types = Object.entries(plan.counts).flatMap(([type, n]) => Array<string>(n).fill(type));
  const total = types.length;
  const dates = Array.from({ length: total }, (_, i) =>
    i === 0
      ? firstMs
      : i === total - 1
        ? lastMs
        : firstMs + Math.floor((rng.next() * (lastMs - firstMs)) / 1000) * 1000,
  ).sort((a, b) => a - b);
  // Shuffle the types so dates and types are not correlated.
  for (let i = types.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [types[i], types[j]] = [types[j]!, types[i]!];
  }
  const items: MediaRecord[] = dates.map((createdAtMs, i) => {
    const mediaType = types[i]!;
    return {
      id: `${PREFIX[mediaType]}_${uuid(rng)}`,
      mediaType,
      filename: `${plan.id}-${String(i + 1).padStart(3, '0')}.${EXTENSION[mediaType]}`,
      collection: plan.id,
      createdAtMs,
      summary: `${mediaType} ${i + 1} of ${plan.id.replaceAll('_', ' ')}`,
    };
  });
  return { id: plan.id, items };
}

export function generateWickson(rng: Rng, collectionCount: number, largeItems = 0) {
  const plans = [...FIXED];
  for (let k = plans.length; k < collectionCount; k++) {
    const counts: Record<string, number> = {};
    for (const type of MEDIA_TYPES) if (rng.next() < 0.5) counts[type] = rng.int(1, 25);
    if (Object.keys(counts).length === 0) counts.document = rng.int(1, 10);
    const firstMs =
      Date.parse('2025-03-06T00:00:00Z') + rng.int(0, 300) * DAY_MS + rng.int(0, 86_399) * 1000;
    plans.push({
      id: `collection_${String(k + 1).padStart(4, '0')}`,
      counts,
      first: new Date(firstMs).toISOString(),
    });
  }
  const collections = plans.map((plan) => build(plan, rng));
  if (largeItems > 0) {
    // Its own generator, so adding it leaves every other collection as it was.
    const image = Math.floor(largeItems / 3);
    const plan = {
      id: 'large_archive',
      counts: { document: largeItems - image, image },
      first: '2025-04-01T08:00:00Z',
    };
    collections.push(build(plan, createRng(largeItems)));
  }
  const [first, ...rest] = collections;
  rest.sort((a, b) => a.items[0]!.createdAtMs - b.items[0]!.createdAtMs || (a.id < b.id ? -1 : 1));
  const ordered = [first!, ...rest];
  const media = new Map<string, MediaRecord>();
  for (const c of ordered) for (const item of c.items) media.set(item.id, item);
  return { collections: ordered, media };
}
