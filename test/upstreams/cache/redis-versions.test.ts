/**
 * The version names of redis-versions.ts: every eviction that matches a key stamps a version the
 * key's reads look at (or the eviction would not win over them), and decoding refuses what it
 * did not write.
 */
import { describe, expect, it } from 'vitest';
import {
  coveringVersions,
  decode,
  encode,
  highest,
  versionOf,
} from '../../../src/upstreams/cache/redis-versions.ts';
import { type EvictMatch, matches } from '../../../src/upstreams/cache/store.ts';

const KEYS = [
  'beluga:/api/v2/captures/collections/74/?#t.abc',
  'beluga:/api/v2/captures/collections/?limit=25&project_id=90#anon',
  'beluga:/api/v2/captures/collections/741/?#t.abc',
  'beluga:/api/v2/jobs/7/?#t.xyz',
  'beluga:/api/v2/jobs/?project_id=90#t.abc',
  'wickson:/v1/collections/research_papers?#shared',
];

const PREFIXES = [
  '',
  'beluga:',
  'beluga:/api/v2/',
  'beluga:/api/v2/captures/collections/',
  'beluga:/api/v2/captures/collections/?',
  'beluga:/api/v2/captures/collections/74/?',
  'beluga:/api/v2/captures/collections/74',
  'beluga:/api/v2/captures/collections/7',
  'beluga:/api/v2/jobs/',
  'beluga:/api/v2/jobs/7/?',
  'wickson:/v1/collections/research_papers?',
  'wickson:/v1/coll',
];

describe('eviction versions', () => {
  it('every eviction matching a key stamps a version among the key’s covering versions', () => {
    let checked = 0;
    for (const prefix of PREFIXES) {
      for (const scope of [undefined, 't.abc', 'anon', 'shared']) {
        const match: EvictMatch = { prefix, ...(scope ? { scope } : {}) };
        for (const key of KEYS) {
          if (!matches(key, match)) continue;
          expect(coveringVersions(key), `${prefix} ${scope} ${key}`).toContain(versionOf(match));
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('a path eviction covers only that path, a prefix its `/` boundary', () => {
    const set74 = coveringVersions('beluga:/api/v2/captures/collections/74/?#t.abc');
    expect(set74).not.toContain(versionOf({ prefix: 'beluga:/api/v2/captures/collections/741/?' }));
    expect(set74).not.toContain(versionOf({ prefix: 'beluga:/api/v2/jobs/' }));
    expect(set74).not.toContain(versionOf({ prefix: 'beluga:/', scope: 't.other' }));
    expect(versionOf({ prefix: 'beluga:/api/v2/jobs/7' })).toBe('beluga:/api/v2/jobs/#*');
  });

  it('decodes what it encoded, with its counter, and nothing else', () => {
    const entry = { value: { name: 'x' }, fetchedAt: 1_000, bytes: 0 };
    const stored = decode(`42|${encode(entry, 5_000)}`);
    expect(stored).toMatchObject({ counter: 42, retainMs: 5_000, entry: { value: { name: 'x' } } });
    expect(decode(encode(entry, 5_000))?.counter).toBe(0);
    for (const bad of ['', 'x|{}', '7|not json', '7|{"v":1}', 'NaN|{"v":1,"f":2}', '{"f":1}']) {
      expect(decode(bad), bad).toBeUndefined();
    }
    expect(highest([null, '3', 'junk', '12'])).toBe(12);
  });
});
