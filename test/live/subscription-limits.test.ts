/**
 * Subscriptions are costed and limited like queries: the first read is predicted (and refused
 * above MAX_UPSTREAM_CALLS), open streams per client are bounded, each poll counts against the
 * client's calls per minute, and a token Beluga stops accepting ends the stream UNAUTHENTICATED.
 * Over real SSE; polls happen when the test steps the hub's clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { FAKE_MEMBER_TOKEN } from '../helpers/fakes.ts';
import { startLiveStack } from '../helpers/live-stack.ts';
import { openSse } from '../helpers/sse.ts';
import type { Stack } from '../helpers/stack.ts';

const JOB = `subscription ($id: ID!) { jobUpdated(id: $id) { status } }`;
const member = { authorization: `Token ${FAKE_MEMBER_TOKEN}` };
const INTERVAL = 1_000;

type Event = {
  data?: unknown;
  errors?: { extensions: { code: string; retryAfterSeconds?: number } }[];
  extensions?: { cost?: { predicted: { beluga: number } } };
};

const open: Stack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function live(config: Record<string, string> = {}) {
  const { s, clock } = await startLiveStack({ jobSeconds: 100, intervalMs: INTERVAL, config });
  open.push(s);
  const id = s.fakes.dataset.ids.draftJobs.find(
    (job) => s.fakes.dataset.jobs.get(job)!.jobType.key === 'ml',
  )!;
  await fetch(`${s.fakes.beluga.url}/api/v2/jobs/${id}/run/`, { method: 'POST', headers: member });
  // Past PENDING: polled every interval.
  s.fakes.clock.advance(20_000);
  const url = await s.listen();
  // Beluga vouches for the member's token (one read): its streams then count as its own client.
  await s.query('{ collection(source: BELUGA, sourceId: "21") { name } }', {}, member);
  const watch = () => openSse(url, JOB, { id: encodeGlobalId('Job', `BELUGA:${id}`) }, member);
  /** Steps the hub's clock one interval and waits (bounded) for that poll's timer to come back. */
  const step = async () => {
    const before = s.live.hub.stats().polls;
    clock.advance(INTERVAL);
    for (let i = 0; i < 400 && s.live.hub.stats().polls === before; i++)
      await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 400 && clock.pending() === 0 && s.live.hub.stats().topics > 0; i++)
      await new Promise((r) => setTimeout(r, 5));
  };
  return { s, watch, step };
}

describe('subscription limits', () => {
  it('predicts the first read in extensions.cost and refuses above MAX_UPSTREAM_CALLS', async () => {
    const { watch } = await live();
    const stream = await watch();
    const [first] = (await stream.received(1)) as Event[];
    expect(first?.extensions?.cost?.predicted.beluga).toBe(1);
    stream.close();

    const costly = await live({ MAX_UPSTREAM_CALLS: '1' });
    const refused = await openSse(
      (await costly.s.listen()) as string,
      `subscription ($id: ID!) { jobUpdated(id: $id) { status project { name description } } }`,
      { id: encodeGlobalId('Job', 'BELUGA:1') },
      member,
    );
    await refused.ended;
    expect((refused.events as Event[])[0]?.errors?.[0]?.extensions.code).toBe(
      'COST_LIMIT_EXCEEDED',
    );
    expect(costly.s.calls().routes['beluga:jobs.detail'] ?? 0).toBe(0);
  });

  it('refuses a client past SUBSCRIPTIONS_PER_CLIENT until one of its streams ends', async () => {
    const { s, watch } = await live({ SUBSCRIPTIONS_PER_CLIENT: '2' });
    const a = await watch();
    const b = await watch();
    await Promise.all([a.received(1), b.received(1)]);
    const third = await watch();
    await third.ended;
    expect((third.events as Event[])[0]?.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    a.close();
    for (let i = 0; i < 400 && s.live.limits.open > 1; i++)
      await new Promise((r) => setTimeout(r, 5));
    const fourth = await watch();
    expect((await fourth.received(1)) as Event[]).toMatchObject([{ data: { jobUpdated: {} } }]);
  });

  it('counts every poll against the client calls per minute and ends the stream past it', async () => {
    const { watch, step } = await live({ CLIENT_CALLS_PER_MINUTE: '3' });
    const stream = await watch();
    await stream.received(1);
    // The first read took 1 of 3; two polls take the rest; the third poll is refused.
    await step();
    await step();
    await step();
    await stream.ended;
    const last = (stream.events as Event[]).at(-1);
    expect(last?.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(last?.errors?.[0]?.extensions.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('ends the stream with UNAUTHENTICATED when Beluga stops accepting the token', async () => {
    const { s, watch, step } = await live();
    const stream = await watch();
    await stream.received(1);
    s.fakes.beluga.control.addFault({ kind: 'status', status: 401, route: 'jobs.detail' });
    await step();
    await stream.ended;
    expect((stream.events as Event[]).at(-1)?.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(stream.completed()).toBe(true);
    expect(s.live.hub.stats()).toMatchObject({ streams: 0, topics: 0 });
  });
});
