/**
 * The "done when" of live subscriptions, on real sockets: two gateways (each the composition
 * root, startServer, with its own upstream clients and Redis connections) share one real
 * redis-server and one set of fakes. Many SSE watchers and a few graphql-ws ones of one running
 * job, spread over both, make one Beluga job-detail call per poll interval in total; every watcher
 * sees every change in order and the final status; after they leave no poll is made. Time moves
 * only when the test steps the fakes' clock and the hubs' clock (one manual clock for both).
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import {
  FAKE_MEMBER_TOKEN,
  FAKE_OUTSIDER_TOKEN,
  type Fakes,
  startFakes,
} from '../../src/fakes/index.ts';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { type RunningServer, startServer } from '../../src/server/main.ts';
import { createManualClock } from '../helpers/manual-clock.ts';
import { PATIENT_REDIS, useRedisServer } from '../helpers/redis-server.ts';
import { openSse, type SseStream } from '../helpers/sse.ts';
import { openWs, type WsOperation } from '../helpers/ws-client.ts';

const SSE_WATCHERS = 100;
const WS_WATCHERS = 4;
const INTERVAL = 1_000;
const JOB_UPDATED = `subscription ($id: ID!) { jobUpdated(id: $id) { status progress { progress } } }`;
const MEMBER = `Token ${FAKE_MEMBER_TOKEN}`;

type Event = { data?: { jobUpdated: { status: string; progress: { progress: number } } } };

describe('live subscriptions on two replicas sharing Redis', () => {
  const redis = useRedisServer();
  const clock = createManualClock();
  let fakes: Fakes;
  const gateways: RunningServer[] = [];

  beforeAll(async () => {
    fakes = await startFakes({ manualClock: true, jobSeconds: 10 });
    for (let i = 0; i < 2; i++) {
      const config = configFrom({
        HOST: '127.0.0.1',
        PORT: '0',
        BELUGA_URL: fakes.beluga.url,
        WICKSON_URL: fakes.wickson.url,
        REDIS_URL: redis().url,
        ...PATIENT_REDIS,
        CACHE_KEY_SECRET: 'replicas-share-this-secret',
        // Each poll reaches the fake: the ledger counts them (the cache's clock is the wall's).
        BELUGA_CACHE_TTL_S: '0',
        JOB_POLL_INTERVAL_MS: String(INTERVAL),
        CLIENT_CALLS_PER_MINUTE: '0',
        SUBSCRIPTIONS_PER_CLIENT: String(SSE_WATCHERS + WS_WATCHERS),
      });
      gateways.push(
        await startServer(config, { logger: pino({ level: 'silent' }), liveClock: clock }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await fakes?.close();
  });

  const polls = () =>
    fakes.beluga.control.ledger.entries().filter((e) => e.route === 'jobs.detail').length;
  const pendingTimers = () => clock.pending();

  async function until(condition: () => boolean) {
    for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(condition(), String(condition)).toBe(true);
  }

  const used = new Set<number>();
  async function runJob(): Promise<string> {
    const id = fakes.dataset.ids.draftJobs.find(
      (job) => fakes.dataset.jobs.get(job)!.jobType.key === 'ml' && !used.has(job),
    )!;
    used.add(id);
    const run = await fetch(`${fakes.beluga.url}/api/v2/jobs/${id}/run/`, {
      method: 'POST',
      headers: { authorization: MEMBER },
    });
    expect(run.status).toBe(200);
    return encodeGlobalId('Job', `BELUGA:${id}`);
  }

  async function watchers(id: string) {
    const sse: SseStream[] = await Promise.all(
      Array.from({ length: SSE_WATCHERS }, (_, i) =>
        openSse(gateways[i % 2]!.url, JOB_UPDATED, { id }, { authorization: MEMBER }),
      ),
    );
    const ws: WsOperation[] = Array.from({ length: WS_WATCHERS }, (_, i) =>
      openWs(gateways[i % 2]!.url, JOB_UPDATED, { id }, { authorization: MEMBER }),
    );
    const all = [...sse, ...ws];
    await Promise.all(all.map((w) => w.received(1)));
    return all;
  }

  it('one job-detail call per interval for all watchers; each sees every change and the end', async () => {
    const id = await runJob();
    const all = await watchers(id);
    // Each hub has its timer: the lease decides which one polls.
    await until(() => pendingTimers() === 2);
    fakes.beluga.control.ledger.reset();

    fakes.clock.advance(2_000);
    clock.advance(4 * INTERVAL);
    await until(() => polls() === 1 && pendingTimers() === 2);
    for (let step = 1; step <= 7; step++) {
      fakes.clock.advance(1_000);
      clock.advance(INTERVAL);
      await until(() => polls() === 1 + step && pendingTimers() === 2);
    }
    fakes.clock.advance(1_000);
    clock.advance(INTERVAL);
    await Promise.all(all.map((w) => w.ended));
    expect(polls()).toBe(9);

    const expected = ['PENDING:0', ...[1, 2, 3, 4, 5, 6, 7, 8].map(() => 'STARTED'), 'SUCCESS:1'];
    for (const watcher of all) {
      const seen = (watcher.events as Event[]).map((e) => e.data!.jobUpdated);
      expect(seen.map((j) => j.status)).toEqual(expected.map((s) => s.split(':')[0]));
      const progress = seen.map((j) => j.progress.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(watcher.completed()).toBe(true);
    }
    expect(pendingTimers()).toBe(0);
  });

  it('after the watchers leave, no poll is made', async () => {
    const id = await runJob();
    const all = await watchers(id);
    await until(() => pendingTimers() === 2);
    for (const watcher of all) await watcher.close();
    await until(() => gateways.every((g) => g.live.hub.stats().streams === 0));
    expect(pendingTimers()).toBe(0);
    fakes.beluga.control.ledger.reset();
    fakes.clock.advance(5_000);
    clock.advance(60 * INTERVAL);
    await new Promise((r) => setImmediate(r));
    expect(polls()).toBe(0);
  });

  it('an outsider on a draft project job gets NOT_FOUND or FORBIDDEN and no event, on both doors', async () => {
    const id = await runJob();
    const sse = await openSse(
      gateways[0]!.url,
      JOB_UPDATED,
      { id },
      {
        authorization: `Token ${FAKE_OUTSIDER_TOKEN}`,
      },
    );
    const ws = openWs(
      gateways[1]!.url,
      JOB_UPDATED,
      { id },
      { authorization: `Token ${FAKE_OUTSIDER_TOKEN}` },
    );
    await Promise.all([sse.ended, ws.ended]);
    for (const events of [sse.events, ws.events] as {
      data?: unknown;
      errors?: { extensions: { code: string } }[];
    }[][]) {
      expect(events).toHaveLength(1);
      expect(events[0]?.data ?? null).toBeNull();
      expect(['NOT_FOUND', 'FORBIDDEN']).toContain(events[0]?.errors?.[0]?.extensions.code);
    }
    expect(gateways.map((g) => g.live.hub.stats().streams)).toEqual([0, 0]);
  });
});
