/**
 * The watch hub alone (src/live/hub.ts), on one process: a read function stands in for the
 * upstream client and a manual clock for time, so polls happen exactly when the clock moves.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLocalBus } from '../../src/live/bus.ts';
import { createLiveHub, type LiveHubOptions } from '../../src/live/hub.ts';
import { soleLease } from '../../src/live/lease.ts';
import { createResources, INTERVALS } from '../../src/live/resources.ts';
import type { LiveItem, TopicSpec } from '../../src/live/types.ts';
import type { Watcher } from '../../src/live/watcher.ts';
import { UnauthenticatedError } from '../../src/upstreams/errors.ts';
import type { BelugaClient, UpstreamScope, WicksonClient } from '../../src/upstreams/types.ts';
import { createManualClock } from '../helpers/manual-clock.ts';

const BASE = 1_000;

interface FakeJob {
  status: string;
  progress: number;
}

/** A Beluga client whose job 7 is what `job` says; `reads` records each read's scope. */
function setup(overrides: Partial<LiveHubOptions> = {}) {
  const clock = createManualClock();
  const state = { job: { status: 'PENDING', progress: 0 } as FakeJob | null | Error };
  const reads: UpstreamScope[] = [];
  const beluga = {
    getJob: async (_id: number, scope: UpstreamScope) => {
      reads.push(scope);
      const call = { upstream: 'beluga', method: 'GET', route: '/api/v2/jobs/{id}/' } as const;
      scope.onCall?.({ ...call, status: 200, durationMs: 1, errorCode: undefined, attempts: 1 });
      if (state.job instanceof Error) throw state.job;
      return state.job && dto(state.job);
    },
  } as unknown as BelugaClient;
  const hub = createLiveHub({
    resources: createResources({ beluga, wickson: {} as WicksonClient }),
    scopeOf: (authorization) => authorization ?? 'anon',
    bus: createLocalBus(),
    lease: soleLease,
    clock,
    logger: pino({ level: 'silent' }),
    baseIntervalMs: BASE,
    maxQueued: 8,
    keyPrefix: 'test:live:',
    pollTimeoutMs: 1_000,
    ...overrides,
  });
  return { clock, state, reads, hub };
}

const dto = (job: FakeJob) => ({
  status: job.status,
  finished_at: null,
  name: 'j',
  progress: { summary: { status: job.status, progress: job.progress }, stages: [] },
});

const spec = (authorization?: string): TopicSpec => ({
  kind: 'job',
  id: '7',
  authorization,
  credentialSource: authorization ? 'client' : 'none',
});

/** A `next()` still waiting when `drain` stopped: the next drain takes its item. */
const pending = new WeakMap<Watcher, Promise<IteratorResult<LiveItem>>>();

/** Reads what the watcher has queued without waiting for more. */
async function drain(watcher: Watcher, items: LiveItem[] = []): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const promise = pending.get(watcher) ?? watcher.next();
    pending.set(watcher, promise);
    const next = await Promise.race([promise, new Promise((r) => setImmediate(r, 'idle'))]);
    if (next === 'idle') return seen;
    pending.delete(watcher);
    const result = next as IteratorResult<LiveItem>;
    if (result.done) return [...seen, 'done'];
    items.push(result.value);
    const { value } = result;
    seen.push(
      'snapshot' in value
        ? `${(value.snapshot.value as ReturnType<typeof dto>).status}:${
            (value.snapshot.value as ReturnType<typeof dto>).progress.summary.progress
          }`
        : `end:${value.end.code}`,
    );
  }
}

/** Lets the polls the clock started finish. */
const settle = () => new Promise((r) => setTimeout(r, 5));

const watch = (hub: ReturnType<typeof setup>['hub'], job: FakeJob, owner = 'c1', auth?: string) =>
  hub.watch(spec(auth), { initial: { value: dto(job), fetchedAt: 0 }, owner });

describe('watch hub', () => {
  it('shares one poll per interval among all watchers and stops after the final status', async () => {
    const { clock, state, reads, hub } = setup();
    const watchers = await Promise.all(
      Array.from({ length: 50 }, () => watch(hub, { status: 'PENDING', progress: 0 })),
    );
    for (const w of watchers) expect(await drain(w)).toEqual(['PENDING:0']);
    expect(hub.stats()).toMatchObject({ streams: 50, topics: 1, pollers: 0 });

    // Queued: one poll per 4 intervals.
    clock.advance(BASE * INTERVALS.queued - 1);
    await settle();
    expect(reads).toHaveLength(0);
    state.job = { status: 'STARTED', progress: 0.25 };
    clock.advance(1);
    await settle();
    expect(reads).toHaveLength(1);
    expect(reads[0]?.maxAgeMs).toBe(BASE * INTERVALS.queued);
    expect(hub.stats().pollers).toBe(1);

    // Running: one poll per interval; an unchanged poll is no event.
    clock.advance(BASE);
    await settle();
    state.job = { status: 'STARTED', progress: 0.5 };
    clock.advance(BASE);
    await settle();
    state.job = { status: 'SUCCESS', progress: 1 };
    clock.advance(BASE);
    await settle();
    expect(reads).toHaveLength(4);
    for (const w of watchers) {
      expect(await drain(w)).toEqual(['STARTED:0.25', 'STARTED:0.5', 'SUCCESS:1', 'done']);
    }
    expect(hub.stats()).toMatchObject({ streams: 0, topics: 0, pollers: 0, polls: 4 });
    expect(clock.pending()).toBe(0);
    expect(hub.stats().events).toBe(50 * 4);
  });

  it('frees a watcher that leaves at once; the last one leaving stops the poller', async () => {
    const { clock, reads, hub } = setup();
    const controller = new AbortController();
    const first = await hub.watch(spec(), {
      initial: { value: dto({ status: 'STARTED', progress: 0 }), fetchedAt: 0 },
      owner: 'c1',
      signal: controller.signal,
    });
    const second = await watch(hub, { status: 'STARTED', progress: 0 });
    controller.abort();
    expect(first.closed).toBe(true);
    expect(hub.stats().streams).toBe(1);
    clock.advance(BASE);
    await settle();
    expect(reads).toHaveLength(1);
    await second.return?.();
    expect(hub.stats()).toMatchObject({ streams: 0, topics: 0 });
    expect(clock.pending()).toBe(0);
    clock.advance(BASE * 10);
    await settle();
    expect(reads).toHaveLength(1);
  });

  it('ends the streams with UNAUTHENTICATED when the token is revoked, NOT_FOUND when hidden', async () => {
    const { clock, state, hub } = setup();
    const a = await watch(hub, { status: 'STARTED', progress: 0 }, 'c1', 'Token a');
    const b = await watch(hub, { status: 'STARTED', progress: 0 }, 'c2', 'Token b');
    expect(hub.stats().topics).toBe(2);
    state.job = new UnauthenticatedError(
      { upstream: 'beluga', method: 'GET', path: '/api/v2/jobs/7/' },
      'returned 401',
    );
    clock.advance(BASE);
    await settle();
    expect(await drain(a)).toEqual(['STARTED:0', 'end:UNAUTHENTICATED', 'done']);
    expect(await drain(b)).toEqual(['STARTED:0', 'end:UNAUTHENTICATED', 'done']);
    const c = await watch(hub, { status: 'STARTED', progress: 0 }, 'c1', 'Token c');
    state.job = null;
    clock.advance(BASE);
    await settle();
    expect(await drain(c)).toEqual(['STARTED:0', 'end:NOT_FOUND', 'done']);
    expect(clock.pending()).toBe(0);
  });

  it('polls once per credential scope and keeps polling through transient failures', async () => {
    const { clock, state, reads, hub } = setup();
    state.job = { status: 'STARTED', progress: 0 };
    await watch(hub, { status: 'STARTED', progress: 0 }, 'c1', 'Token a');
    await watch(hub, { status: 'STARTED', progress: 0 }, 'c2', 'Token a');
    await watch(hub, { status: 'STARTED', progress: 0 }, 'c3');
    clock.advance(BASE);
    await settle();
    expect(reads.map((r) => r.authorization).sort()).toEqual(['Token a', undefined]);
    state.job = new Error('socket hang up');
    clock.advance(BASE);
    await settle();
    expect(reads).toHaveLength(4);
    // Backing off: the next poll waits two intervals.
    clock.advance(BASE);
    await settle();
    expect(reads).toHaveLength(4);
    clock.advance(BASE);
    await settle();
    expect(reads).toHaveLength(6);
    expect(hub.stats().streams).toBe(3);
  });

  it('ends the stream of a client that does not read, and of a client over its call limit', async () => {
    const refused = new Set(['greedy']);
    const { clock, state, hub } = setup({
      charge: async (owner) =>
        refused.has(owner) ? { code: 'RATE_LIMITED', retryAfterSeconds: 9 } : undefined,
    });
    const slow = await watch(hub, { status: 'STARTED', progress: 0 }, 'slow');
    const greedy = await watch(hub, { status: 'STARTED', progress: 0 }, 'greedy');
    const fine = await watch(hub, { status: 'STARTED', progress: 0 }, 'fine');
    state.job = { status: 'STARTED', progress: 0 };
    expect(await drain(fine)).toEqual(['STARTED:0']);
    const items: LiveItem[] = [];
    expect(await drain(greedy, items)).toEqual(['STARTED:0']);
    for (let i = 1; i <= 10; i++) {
      state.job = { status: 'STARTED', progress: i / 20 };
      clock.advance(BASE);
      await settle();
      if (i === 1) {
        expect(await drain(greedy, items)).toEqual(['STARTED:0.05', 'end:RATE_LIMITED', 'done']);
        expect(items.at(-1)).toEqual({ end: { code: 'RATE_LIMITED', retryAfterSeconds: 9 } });
      }
      await drain(fine);
    }
    expect(slow.closed).toBe(true);
    expect(hub.stats().streams).toBe(1);
  });

  it('polls for its own watchers when the bus cannot hear the lease holder', async () => {
    const { clock, reads, hub } = setup({
      bus: { ...createLocalBus(), subscribe: async () => false },
      lease: { hold: async () => false, release: async () => {} },
    });
    await watch(hub, { status: 'STARTED', progress: 0 });
    clock.advance(BASE);
    await settle();
    expect(reads).toHaveLength(1);
  });

  it('completes every stream and stops every poller on close', async () => {
    const { clock, hub } = setup();
    const a = await watch(hub, { status: 'STARTED', progress: 0 }, 'c1', 'Token a');
    const b = await watch(hub, { status: 'PENDING', progress: 0 }, 'c2');
    await hub.close();
    expect(await drain(a)).toEqual(['STARTED:0', 'done']);
    expect(await drain(b)).toEqual(['PENDING:0', 'done']);
    expect(clock.pending()).toBe(0);
    const late = await watch(hub, { status: 'STARTED', progress: 0 });
    expect(await drain(late)).toEqual(['STARTED:0', 'done']);
  });
});
