/**
 * A subscription's poll reads through the shared cache with `maxAgeMs` (src/upstreams/types.ts):
 * an answer older than the poll interval is fetched anew (and stored for everyone), even inside
 * the TTL or the stale-while-revalidate window, where an ordinary read is served from the cache.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { UpstreamScope } from '../../src/upstreams/types.ts';
import { FAKE_MEMBER_TOKEN } from '../helpers/fakes.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

const open: Stack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const scope = (maxAgeMs?: number): UpstreamScope => ({
  authorization: `Token ${FAKE_MEMBER_TOKEN}`,
  credentialSource: 'client',
  signal: undefined,
  requestId: undefined,
  ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
});

describe('poll freshness through the shared cache', () => {
  it('refetches an answer older than maxAgeMs, inside the TTL and the stale window', async () => {
    let clock = Date.parse('2026-03-01T12:00:00Z');
    const s = await startStack({
      config: { BELUGA_CACHE_TTL_S: '5', CACHE_STALE_WHILE_REVALIDATE_S: '30' },
      now: () => clock,
    });
    open.push(s);
    const id = s.fakes.dataset.ids.draftJobs[0]!;
    const jobCalls = () => s.calls().beluga;

    await s.upstreams.beluga.getJob(id, scope());
    expect(jobCalls()).toBe(1);
    clock += 2_000;
    await s.upstreams.beluga.getJob(id, scope());
    expect(jobCalls()).toBe(1);
    await s.upstreams.beluga.getJob(id, scope(1_000));
    expect(jobCalls()).toBe(2);
    // The poll's answer is stored for everyone: a query right after reads it from the cache.
    await s.upstreams.beluga.getJob(id, scope());
    expect(jobCalls()).toBe(2);

    // Past the TTL, inside stale-while-revalidate: a poll waits for the new answer.
    clock += 10_000;
    s.fakes.dataset.jobs.get(id)!.name = 'renamed';
    const polled = await s.upstreams.beluga.getJob(id, scope(1_000));
    expect(jobCalls()).toBe(3);
    expect(polled?.name).toBe('renamed');
  });
});
