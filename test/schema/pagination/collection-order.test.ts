import { describe, expect, it } from 'vitest';
import { belugaOrdering, collectionComparator } from '../../../src/schema/collection-order.ts';
import {
  BelugaCollectionModel,
  type CollectionModel,
  WicksonCollectionModel,
} from '../../../src/schema/models.ts';
import type { CaptureSetDto } from '../../../src/upstreams/beluga/schemas.ts';

const TZ = 'America/New_York';

function beluga(id: number, fields: Partial<CaptureSetDto>): CollectionModel {
  const dto = {
    id,
    name: `set ${id}`,
    source_images_count: 0,
    created_at: '2025-01-01T00:00:00',
    updated_at: '2025-01-01T00:00:00',
    ...fields,
  } as CaptureSetDto;
  return new BelugaCollectionModel(dto);
}

function wickson(id: string, itemCount: number, createdAt: string | null): CollectionModel {
  return new WicksonCollectionModel(id, {
    listItem: { item_count: itemCount, created_at: createdAt },
  });
}

const ids = (list: CollectionModel[]) => list.map((c) => `${c.source[0]}:${c.sourceId}`);

describe('collection order', () => {
  it('maps each order to DRF ordering with an id tiebreak, reversible for `last`', () => {
    expect(belugaOrdering({ field: 'NAME', direction: 'ASC' })).toBe('name,id');
    expect(belugaOrdering({ field: 'NAME', direction: 'ASC' }, true)).toBe('-name,-id');
    expect(belugaOrdering({ field: 'ITEM_COUNT', direction: 'DESC' })).toBe(
      '-source_images_count,-id',
    );
    expect(belugaOrdering({ field: 'UPDATED_AT', direction: 'DESC' }, true)).toBe('updated_at,id');
    expect(belugaOrdering({ field: 'CREATED_AT', direction: 'ASC' })).toBe('created_at,id');
  });

  it('compares names case-insensitively across sources, like the upstream', () => {
    const list = [
      beluga(1, { name: 'Zebra' }),
      wickson('apple', 1, null),
      beluga(2, { name: 'banana' }),
    ];
    const asc = collectionComparator({ field: 'NAME', direction: 'ASC' }, TZ);
    expect(ids([...list].sort(asc))).toEqual(['W:apple', 'B:2', 'B:1']);
    const desc = collectionComparator({ field: 'NAME', direction: 'DESC' }, TZ);
    expect(ids([...list].sort(desc))).toEqual(['B:1', 'B:2', 'W:apple']);
  });

  it("reads Beluga's naive times in its time zone before comparing with Wickson's UTC", () => {
    // 06:00 in New York is 11:00Z: after Wickson's 10:22Z although "06" < "10".
    const b = beluga(1, { created_at: '2025-01-15T06:00:00' });
    const w = wickson('research_papers', 17, '2025-01-15T10:22:33Z');
    const asc = collectionComparator({ field: 'CREATED_AT', direction: 'ASC' }, TZ);
    expect(ids([b, w].sort(asc))).toEqual(['W:research_papers', 'B:1']);
    const utc = collectionComparator({ field: 'CREATED_AT', direction: 'ASC' }, 'UTC');
    expect(ids([b, w].sort(utc))).toEqual(['B:1', 'W:research_papers']);
  });

  it('puts missing values last in both directions', () => {
    const list = [wickson('a', 1, null), beluga(1, {}), wickson('b', 1, '2020-01-01T00:00:00Z')];
    for (const direction of ['ASC', 'DESC'] as const) {
      const sorted = [...list].sort(collectionComparator({ field: 'UPDATED_AT', direction }, TZ));
      expect(sorted[0]?.source).toBe('BELUGA');
      const created = [...list].sort(collectionComparator({ field: 'CREATED_AT', direction }, TZ));
      expect(ids(created).at(-1)).toBe('W:a');
    }
  });

  it('breaks ties by source then id, exactly reversed for DESC', () => {
    const list = [
      wickson('w2', 5, null),
      beluga(7, { source_images_count: 5 }),
      wickson('w1', 5, null),
      beluga(3, { source_images_count: 5 }),
    ];
    const asc = [...list].sort(collectionComparator({ field: 'ITEM_COUNT', direction: 'ASC' }, TZ));
    expect(ids(asc)).toEqual(['B:3', 'B:7', 'W:w1', 'W:w2']);
    const desc = [...list].sort(
      collectionComparator({ field: 'ITEM_COUNT', direction: 'DESC' }, TZ),
    );
    expect(ids(desc)).toEqual(['W:w2', 'W:w1', 'B:7', 'B:3']);
  });
});
