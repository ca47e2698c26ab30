import type { CollectionModel } from './models.ts';
import { belugaTime, codeOrder, wicksonTime } from './normalize/time.ts';

export const ORDER_FIELDS = ['NAME', 'CREATED_AT', 'UPDATED_AT', 'ITEM_COUNT'] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];
export type OrderDirection = 'ASC' | 'DESC';
export interface CollectionOrderValue {
  field: OrderField;
  direction: OrderDirection;
}

export const DEFAULT_COLLECTION_ORDER: CollectionOrderValue = { field: 'NAME', direction: 'ASC' };

const DRF_FIELD: Record<OrderField, string> = {
  NAME: 'name',
  CREATED_AT: 'created_at',
  UPDATED_AT: 'updated_at',
  ITEM_COUNT: 'source_images_count',
};

/**
 * Beluga's `ordering` for an order, `id` breaking ties in the same direction, so DESC is the
 * exact reverse of ASC (Beluga's fields here are never null). `reversed` flips it, for `last`.
 */
export function belugaOrdering(order: CollectionOrderValue, reversed = false): string {
  const desc = (order.direction === 'DESC') !== reversed;
  const sign = desc ? '-' : '';
  return `${sign}${DRF_FIELD[order.field]},${sign}id`;
}

/** ISO-8601 UTC (from the shared normalizers) → epoch ms; null when missing. */
export function millis(iso: string | null): number | null {
  return iso ? Date.parse(iso) : null;
}

/** The value a collection sorts by; Beluga's naive times are read in its time zone (UTC ms). */
export function sortValue(
  c: CollectionModel,
  field: OrderField,
  timeZone: string,
): string | number | null {
  if (c.source === 'BELUGA') {
    switch (field) {
      case 'NAME':
        return c.dto.name.toLowerCase();
      case 'CREATED_AT':
        return millis(belugaTime(c.dto.created_at, timeZone));
      case 'UPDATED_AT':
        return millis(belugaTime(c.dto.updated_at, timeZone));
      case 'ITEM_COUNT':
        return c.dto.source_images_count;
    }
  }
  switch (field) {
    case 'NAME':
      return c.sourceId.toLowerCase();
    case 'CREATED_AT':
      return millis(wicksonTime(c.listItem?.created_at));
    case 'UPDATED_AT':
      return null;
    case 'ITEM_COUNT':
      return c.listItem?.item_count ?? null;
  }
}

/**
 * A total order over both sources that agrees with Beluga's: names compare lower-cased by code
 * unit (like the upstream), nulls last in both directions (like DRF), then Beluga before Wickson
 * and ids ascending; DESC reverses everything but the null placement.
 */
export function collectionComparator(order: CollectionOrderValue, timeZone: string) {
  const sign = order.direction === 'DESC' ? -1 : 1;
  // One comparator per resolved page (it dies with the request): a Map, not a WeakMap, so a
  // sort's thousands of lookups take one hash probe each and leave the GC no ephemerons.
  const cache = new Map<CollectionModel, string | number | null>();
  const value = (c: CollectionModel) => {
    let key = cache.get(c);
    if (key === undefined) {
      key = sortValue(c, order.field, timeZone);
      cache.set(c, key);
    }
    return key;
  };
  return (a: CollectionModel, b: CollectionModel): number => {
    const x = value(a);
    const y = value(b);
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sign;
    }
    if (a.source !== b.source) return (a.source === 'BELUGA' ? -1 : 1) * sign;
    return tiebreak(a, b) * sign;
  };
}

function tiebreak(a: CollectionModel, b: CollectionModel): number {
  if (a.source === 'BELUGA' && b.source === 'BELUGA') return a.dto.id - b.dto.id;
  return codeOrder(a.sourceId, b.sourceId);
}
