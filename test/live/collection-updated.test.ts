/**
 * collectionUpdated over SSE: a capture set being filled by its populate job is sent now, then
 * each time its item count or its jobs change, until the client leaves; a Wickson id is watched
 * too. Polls happen when the test steps the hub's clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { FAKE_MEMBER_TOKEN } from '../helpers/fakes.ts';
import { startLiveStack } from '../helpers/live-stack.ts';
import { createManualClock } from '../helpers/manual-clock.ts';
import { openSse } from '../helpers/sse.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

const COLLECTION = `subscription ($id: ID!) { collectionUpdated(id: $id) {
  name stats { itemCount } jobs { status } } }`;
const member = { authorization: `Token ${FAKE_MEMBER_TOKEN}`, 'content-type': 'application/json' };
const INTERVAL = 1_000;
const SETS = '/api/v2/captures/collections/';

type Event = {
  data?: {
    collectionUpdated: { name: string; stats: { itemCount: number }; jobs: { status: string }[] };
  };
};

const open: Stack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('collectionUpdated over SSE', () => {
  it('sends the capture set now, then as its populate job fills it', async () => {
    const { s, clock } = await startLiveStack({ jobSeconds: 10, intervalMs: INTERVAL });
    open.push(s);
    const beluga = s.fakes.beluga.url;
    const created = await fetch(`${beluga}${SETS}`, {
      method: 'POST',
      headers: member,
      body: JSON.stringify({ name: 'Filled live', project: 90, method: 'full' }),
    }).then((r) => r.json() as Promise<{ id: number }>);
    await fetch(`${beluga}${SETS}${created.id}/populate/`, { method: 'POST', headers: member });
    s.fakes.clock.advance(1_500);
    const url = await s.listen();
    const id = encodeGlobalId('Collection', `BELUGA:${created.id}`);
    const stream = await openSse(url, COLLECTION, { id }, member);
    await stream.received(1);
    // The job runs from 1 s to 10 s: three steps of 3 s see it fill the set, then SUCCESS.
    for (let step = 1; step <= 3; step++) {
      const polls = s.live.hub.stats().polls;
      s.fakes.clock.advance(3_000);
      clock.advance(INTERVAL);
      for (let i = 0; i < 400 && s.live.hub.stats().polls === polls; i++)
        await new Promise((r) => setTimeout(r, 5));
      await stream.received(1 + step);
    }
    const seen = (stream.events as Event[]).map((e) => e.data!.collectionUpdated);
    expect(seen.map((c) => c.name)).toEqual(Array(4).fill('Filled live'));
    const counts = seen.map((c) => c.stats.itemCount);
    expect(counts.every((n, i) => i === 0 || n > counts[i - 1]!)).toBe(true);
    expect(seen[0]?.jobs.map((j) => j.status)).toEqual(['STARTED']);
    expect(seen.at(-1)?.jobs.map((j) => j.status)).toEqual(['SUCCESS']);
    // A capture set has no final state: the stream stays open until the client leaves.
    expect(stream.completed()).toBe(false);
    stream.close();
    for (let i = 0; i < 400 && s.live.hub.stats().streams > 0; i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(s.live.hub.stats()).toMatchObject({ streams: 0, topics: 0 });
    expect(clock.pending()).toBe(0);
  });

  it('watches a Wickson collection by its global id', async () => {
    const s = await startStack({ liveClock: createManualClock() });
    open.push(s);
    const url = await s.listen();
    const id = encodeGlobalId('Collection', 'WICKSON:research_papers');
    const stream = await openSse(url, COLLECTION, { id });
    const [first] = (await stream.received(1)) as Event[];
    expect(first?.data?.collectionUpdated.name).toBeTruthy();
    expect(first?.data?.collectionUpdated.jobs).toEqual([]);
    expect(s.live.hub.stats()).toMatchObject({ streams: 1, topics: 1 });
    stream.close();
  });
});
