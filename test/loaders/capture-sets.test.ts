/** Capture-set loaders: given these loads in one tick, the client saw exactly these calls. */
import { describe, expect, it } from 'vitest';
import { plainLoaders } from '../helpers/plain-loaders.ts';
import { captureSet, fakeBeluga, job, loadersOver } from './fake-beluga.ts';

const data = () => ({
  sets: [captureSet(21, 23, [1, 2]), captureSet(22, 23, [3]), captureSet(31, 30)],
  jobs: [job(1, 21, 23), job(2, 21, 23), job(3, 22, 23)],
});

describe('captureSet', () => {
  it('sets of one project in one tick share one list call', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    const [a, b] = await Promise.all([
      loaders.captureSet.load({ id: '21', projectId: 23 }),
      loaders.captureSet.load({ id: '22', projectId: 23 }),
    ]);
    expect([a?.id, b?.id]).toEqual([21, 22]);
    expect(beluga.calls).toEqual(['listCaptureSets projectId=23&limit=1000&offset=0']);
  });

  it('a key asking for counts makes its group list with counts', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    const [a] = await Promise.all([
      loaders.captureSet.load({ id: '21', projectId: 23, counts: true }),
      loaders.captureSet.load({ id: '22', projectId: 23 }),
    ]);
    expect(a?.occurrences_count).toBe(7);
    expect(beluga.calls).toEqual([
      'listCaptureSets projectId=23&limit=1000&offset=0&withCounts=true',
    ]);
  });

  it('a set without a known project, or alone in its project, gets its detail', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await Promise.all([
      loaders.captureSet.load({ id: '21' }),
      loaders.captureSet.load({ id: '31', projectId: 30 }),
    ]);
    expect(beluga.calls.sort()).toEqual(['getCaptureSet 21', 'getCaptureSet 31']);
  });

  it('the same id with and without counts is fetched once', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await Promise.all([
      loaders.captureSet.load({ id: '21', projectId: 23 }),
      loaders.captureSet.load({ id: '21', projectId: 23, counts: true }),
    ]);
    expect(beluga.calls).toEqual(['getCaptureSet 21']);
  });

  it('an id the list lacks gets its detail afterwards; an unknown one resolves null', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    const [, , missing] = await Promise.all([
      loaders.captureSet.load({ id: '21', projectId: 23 }),
      loaders.captureSet.load({ id: '22', projectId: 23 }),
      loaders.captureSet.load({ id: '99', projectId: 23 }),
    ]);
    expect(missing).toBeNull();
    expect(beluga.calls).toEqual([
      'listCaptureSets projectId=23&limit=1000&offset=0',
      'getCaptureSet 99',
    ]);
  });

  it('a failed list fails every key of its group, with no detail fallback', async () => {
    const beluga = fakeBeluga(data());
    beluga.failing.add('listCaptureSets');
    const loaders = loadersOver(beluga);
    const results = await Promise.allSettled([
      loaders.captureSet.load({ id: '21', projectId: 23 }),
      loaders.captureSet.load({ id: '22', projectId: 23 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(beluga.calls).toHaveLength(1);
  });

  it("learns sets' projects from job payloads, so later sets share a list call", async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await Promise.all([loaders.job.load('1'), loaders.job.load('3')]);
    beluga.calls.length = 0;
    await Promise.all([
      loaders.captureSet.load({ id: '21' }),
      loaders.captureSet.load({ id: '22' }),
    ]);
    expect(beluga.calls).toEqual(['listCaptureSets projectId=23&limit=1000&offset=0']);
  });

  it('a listed set costs nothing afterwards; with counts only if the list had them', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await loaders.captureSetList.load({ projectId: 23, limit: 10, offset: 0 });
    await loaders.captureSet.load({ id: '21' });
    expect(beluga.calls).toEqual(['listCaptureSets projectId=23&limit=10&offset=0']);
    await loaders.captureSet.load({ id: '21', counts: true });
    expect(beluga.calls.at(-1)).toBe('getCaptureSet 21');
  });

  it('with batching and caching off, one detail per load', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga, {}, plainLoaders);
    await Promise.all([
      loaders.captureSet.load({ id: '21', projectId: 23 }),
      loaders.captureSet.load({ id: '22', projectId: 23 }),
      loaders.captureSet.load({ id: '22', projectId: 23 }),
    ]);
    expect(beluga.calls).toEqual(['getCaptureSet 21', 'getCaptureSet 22', 'getCaptureSet 22']);
  });
});

describe('captureSetCounts', () => {
  it('two sets of one project: one list with counts; one set: its detail', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    const counts = await Promise.all([
      loaders.captureSetCounts.load({ id: '21', projectId: 23 }),
      loaders.captureSetCounts.load({ id: '22', projectId: 23 }),
      loaders.captureSetCounts.load({ id: '31', projectId: 30 }),
    ]);
    expect(counts).toEqual(Array(3).fill({ occurrencesCount: 7, taxaCount: 3 }));
    expect(beluga.calls.sort()).toEqual([
      'getCaptureSet 31',
      'listCaptureSets projectId=23&withCounts=true&limit=1000&offset=0',
    ]);
  });

  it('a set loaded with counts primes its counts', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await loaders.captureSet.load({ id: '21', counts: true });
    await loaders.captureSetCounts.load({ id: '21', projectId: 23 });
    expect(beluga.calls).toEqual(['getCaptureSet 21']);
  });
});

describe('captureDate', () => {
  it('one captures call per set and end', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await Promise.all([
      loaders.captureDate.load({ id: '21', projectId: 23, end: 'first' }),
      loaders.captureDate.load({ id: '21', projectId: 23, end: 'last' }),
      loaders.captureDate.load({ id: '21', projectId: 23, end: 'last' }),
    ]);
    expect(beluga.calls).toEqual([
      'listCaptures projectId=23&captureSetId=21&ordering=timestamp&limit=1',
      'listCaptures projectId=23&captureSetId=21&ordering=-timestamp&limit=1',
    ]);
  });
});
