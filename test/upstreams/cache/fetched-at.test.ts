import { describe, expect, it } from 'vitest';
import {
  deepFreeze,
  fetchedAtOf,
  isStamped,
  share,
  stamp,
} from '../../../src/upstreams/cache/fetched-at.ts';

describe('fetchedAt stamps', () => {
  it('stamps the payload and three levels below it, and nothing deeper', () => {
    const deep = { d: {} };
    const page = { results: [{ jobs: [deep] }] };
    stamp(page, 1_000);
    expect(fetchedAtOf(page)).toBe(1_000);
    expect(fetchedAtOf(page.results)).toBe(1_000);
    expect(fetchedAtOf(page.results[0])).toBe(1_000);
    expect(fetchedAtOf(page.results[0]?.jobs)).toBe(1_000);
    expect(fetchedAtOf(deep)).toBeUndefined();
    expect(fetchedAtOf('text')).toBeUndefined();
    expect(fetchedAtOf(null)).toBeUndefined();
  });

  it('leaves JSON, keys, equality and spreads as they were', () => {
    const value = { id: 1, data: [{ name: 'a' }] };
    stamp(value, 5);
    expect(JSON.stringify(value)).toBe('{"id":1,"data":[{"name":"a"}]}');
    expect(Object.keys(value)).toEqual(['id', 'data']);
    expect(value).toStrictEqual({ id: 1, data: [{ name: 'a' }] });
    expect(isStamped({ ...value })).toBe(false);
  });

  it('keeps the first stamp', () => {
    const value = { a: {} };
    stamp(value, 1);
    stamp(value, 2);
    expect(fetchedAtOf(value)).toBe(1);
    expect(fetchedAtOf(value.a)).toBe(1);
  });

  it('does not stamp (or throw on) a frozen object; share stamps before freezing', () => {
    const frozen = { a: 1 };
    deepFreeze(frozen);
    expect(() => stamp(frozen, 1)).not.toThrow();
    expect(isStamped(frozen)).toBe(false);

    const shared = { results: [{ id: 1 }] };
    share(shared, 7);
    expect(Object.isFrozen(shared.results[0])).toBe(true);
    expect(fetchedAtOf(shared.results[0])).toBe(7);
    share(shared, 9);
    expect(fetchedAtOf(shared)).toBe(7);
  });
});
