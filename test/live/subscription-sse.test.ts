/**
 * jobUpdated over GraphQL over SSE on a real socket: the job now, then each change the shared
 * poll sees, in order, and the final status; the stream completes; an outsider gets no event.
 * Time moves only when the test steps the fakes' clock and the hub's clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN } from '../helpers/fakes.ts';
import { startLiveStack } from '../helpers/live-stack.ts';
import { openSse } from '../helpers/sse.ts';
import type { Stack } from '../helpers/stack.ts';

const JOB_UPDATED = `subscription ($id: ID!) { jobUpdated(id: $id) { sourceId status progress { progress } } }`;
const member = { authorization: `Token ${FAKE_MEMBER_TOKEN}` };
const INTERVAL = 1_000;

const open: Stack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function runningJob() {
  const { s, clock } = await startLiveStack({ jobSeconds: 10, intervalMs: INTERVAL });
  open.push(s);
  const id = s.fakes.dataset.ids.draftJobs.find(
    (job) => s.fakes.dataset.jobs.get(job)!.jobType.key === 'ml',
  )!;
  const run = await fetch(`${s.fakes.beluga.url}/api/v2/jobs/${id}/run/`, {
    method: 'POST',
    headers: member,
  });
  expect(run.status).toBe(200);
  const url = await s.listen();
  return { s, clock, id, url, globalId: encodeGlobalId('Job', `BELUGA:${id}`) };
}

/** Bounded wait for the polls the hub's clock started to reach the fake and come back. */
async function until(condition: () => boolean) {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition(), String(condition)).toBe(true);
}

describe('jobUpdated over SSE', () => {
  it('sends the job now, each change in order and the final status, then completes', async () => {
    const { s, clock, url, globalId } = await runningJob();
    s.resetLedgers();
    const stream = await openSse(url, JOB_UPDATED, { id: globalId }, member);
    await stream.received(1);
    expect(stream.events[0]).toMatchObject({ data: { jobUpdated: { status: 'PENDING' } } });
    const polls = () => s.calls().routes['beluga:jobs.detail'] ?? 0;
    const first = polls();
    // PENDING for 1 s of 10, then stages until 10 s: the queued interval is 4 s, then 1 s.
    s.fakes.clock.advance(2_000);
    clock.advance(4 * INTERVAL);
    await until(() => polls() === first + 1 && clock.pending() === 1);
    for (let step = 1; step <= 7; step++) {
      s.fakes.clock.advance(1_000);
      clock.advance(INTERVAL);
      await until(() => polls() === first + 1 + step && clock.pending() === 1);
    }
    s.fakes.clock.advance(1_000);
    clock.advance(INTERVAL);
    await stream.ended;
    const statuses = stream.events.map(
      (e) => (e as { data: { jobUpdated: { status: string } } }).data.jobUpdated.status,
    );
    expect(statuses[0]).toBe('PENDING');
    expect(statuses.at(-1)).toBe('SUCCESS');
    expect(statuses.filter((x) => x === 'SUCCESS')).toHaveLength(1);
    expect(stream.completed()).toBe(true);
    expect(polls() - first).toBe(9);
    expect(statuses).toEqual(['PENDING', ...Array(8).fill('STARTED'), 'SUCCESS']);
    expect(s.live.hub.stats()).toMatchObject({ streams: 0, topics: 0, pollers: 0 });
  });

  it('an outsider on a draft project job gets NOT_FOUND or FORBIDDEN and no event', async () => {
    const { s, url, globalId } = await runningJob();
    const stream = await openSse(
      url,
      JOB_UPDATED,
      { id: globalId },
      {
        authorization: `Token ${FAKE_OUTSIDER_TOKEN}`,
      },
    );
    await stream.ended;
    expect(stream.events).toHaveLength(1);
    const [event] = stream.events as {
      data?: unknown;
      errors?: { extensions: { code: string } }[];
    }[];
    expect(event?.data ?? null).toBeNull();
    expect(['NOT_FOUND', 'FORBIDDEN']).toContain(event?.errors?.[0]?.extensions.code);
    expect(s.live.hub.stats().streams).toBe(0);
  });
});
