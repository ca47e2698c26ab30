/** Deadlines, refused/reset, truncated/slow/huge bodies, abort, DNS, redirects. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Fakes } from '../../src/fakes/index.ts';
import {
  CallAbandonedError,
  UpstreamBadResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../src/upstreams/errors.ts';
import { useFakes } from '../helpers/fakes.ts';
import { pollUntil } from '../helpers/poll.ts';
import { closedPort, closeHarnesses, harness, rejection, startRecorder, timed } from './helpers.ts';

let fakes: Fakes;
const started = useFakes();
beforeAll(() => {
  fakes = started();
});
afterEach(closeHarnesses);

describe('deadlines', () => {
  it('a hanging Wickson GET times out within the deadline, once, while Beluga resolves', async () => {
    const h = await harness(fakes);
    fakes.wickson.control.addFault({ route: 'collections.detail', kind: 'hang' });
    const { value, ms } = await timed(() =>
      Promise.allSettled([
        h.upstreams.wickson.getCollection('research_papers', h.scope()),
        h.upstreams.beluga.getCaptureSet(21, h.scope()),
      ]),
    );
    const [wickson, beluga] = value;
    expect(wickson.status === 'rejected' && wickson.reason).toBeInstanceOf(UpstreamTimeoutError);
    expect(beluga.status === 'fulfilled' && beluga.value?.id).toBe(21);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(1200);
    expect(fakes.wickson.control.ledger.count({ route: 'collections.detail' })).toBe(1);
    expect(h.calls.find((c) => c.upstream === 'wickson')).toMatchObject({
      errorCode: 'UPSTREAM_TIMEOUT',
      attempts: 1,
    });
    const closed = await pollUntil(
      () =>
        fakes.wickson.control.ledger.entries({ route: 'collections.detail' })[0]?.closedEarly ===
        true,
    );
    expect(closed).toBe(true);
  });

  it('a body dripped slower than the deadline times out, without retry', async () => {
    const h = await harness(fakes);
    fakes.beluga.control.addFault({ route: 'collections.detail', kind: 'slow', chunkDelayMs: 150 });
    const { value: error, ms } = await timed(() =>
      rejection(h.upstreams.beluga.getCaptureSet(21, h.scope())),
    );
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(ms).toBeLessThan(1200);
    expect(fakes.beluga.control.ledger.count({ route: 'collections.detail' })).toBe(1);
  });

  /**
   * A Beluga job read that hangs at the fake, and `abort(reason)` for its caller signal, to call
   * once the request is at the fake (not on a timer that a loaded machine may outrun).
   */
  async function hangingCall() {
    const h = await harness(fakes, { UPSTREAM_TIMEOUT_MS: '3000' });
    fakes.beluga.control.reset();
    fakes.beluga.control.addFault({ route: 'jobs.detail', kind: 'hang' });
    const controller = new AbortController();
    const pending = rejection(
      h.upstreams.beluga.getJob(1146, h.scope({ signal: controller.signal })),
    );
    expect(
      await pollUntil(
        () => fakes.beluga.control.ledger.count({ route: 'jobs.detail' }) === 1,
        2500,
      ),
    ).toBe(true);
    const abort = (reason?: unknown) => {
      controller.abort(reason);
      return pending;
    };
    return { h, abort };
  }

  it('aborting the caller signal stops the upstream request and nothing retries', async () => {
    const { h, abort } = await hangingCall();
    const { value: error, ms } = await timed(() => abort());
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    // Far below the 3 s deadline: the abort ended the wait, the timeout did not.
    expect(ms).toBeLessThan(2000);
    const closed = await pollUntil(
      () => fakes.beluga.control.ledger.entries({ route: 'jobs.detail' })[0]?.closedEarly === true,
    );
    expect(closed).toBe(true);
    // The call is reported once it settled: one attempt, so nothing was retried.
    expect(h.calls).toMatchObject([{ attempts: 1, errorCode: 'UPSTREAM_TIMEOUT' }]);
    expect(fakes.beluga.control.ledger.count({ route: 'jobs.detail' })).toBe(1);
  });

  it('logs a call abandoned by a client that went away at debug, and a deadline abort as a warning', async () => {
    const levels = async (reason: unknown) => {
      const { h, abort } = await hangingCall();
      const error = await abort(reason);
      expect(error).toBeInstanceOf(UpstreamTimeoutError);
      const lines = h.logs
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((line) => line.msg.includes('/api/v2/jobs/1146/'));
      return { error, lines: lines.map((l) => `${l.level} ${l.msg.replace(/^.*\/ /, '')}`) };
    };
    const gone = await levels(new DOMException('This operation was aborted', 'AbortError'));
    expect(gone.error).toBeInstanceOf(CallAbandonedError);
    expect(gone.lines).toEqual(['20 was abandoned: the client went away']);
    const deadline = await levels(new DOMException('request deadline passed', 'TimeoutError'));
    expect(deadline.error).not.toBeInstanceOf(CallAbandonedError);
    expect(deadline.lines).toEqual(['40 was aborted by the caller']);
  });

  it('an already aborted signal sends nothing', async () => {
    const h = await harness(fakes);
    const error = await rejection(
      h.upstreams.beluga.getJob(1146, h.scope({ signal: AbortSignal.abort() })),
    );
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(fakes.beluga.control.ledger.count()).toBe(0);
    expect(h.calls[0]).toMatchObject({ attempts: 0, errorCode: 'UPSTREAM_TIMEOUT' });
  });
});

describe('transport errors', () => {
  it('connection refused is retried once after a jitter, then unavailable', async () => {
    const port = await closedPort();
    const h = await harness(fakes, { BELUGA_URL: `http://127.0.0.1:${port}` });
    const { value: error, ms } = await timed(() =>
      rejection(h.upstreams.beluga.getProject(23, h.scope())),
    );
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(h.calls[0]).toMatchObject({ attempts: 2, errorCode: 'UPSTREAM_UNAVAILABLE' });
    expect(ms).toBeGreaterThanOrEqual(45);
    expect(ms).toBeLessThan(450);
  });

  it('a reset before headers is retried once, then unavailable', async () => {
    const h = await harness(fakes);
    fakes.beluga.control.addFault({ route: 'projects.detail', kind: 'reset' });
    const { value: error, ms } = await timed(() =>
      rejection(h.upstreams.beluga.getProject(23, h.scope())),
    );
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(fakes.beluga.control.ledger.count({ route: 'projects.detail' })).toBe(2);
    expect(ms).toBeLessThan(450);
  });

  it('a single reset is absorbed by the retry', async () => {
    const h = await harness(fakes);
    fakes.beluga.control.addFault({ route: 'collections.detail', kind: 'reset', times: 1 });
    const set = await h.upstreams.beluga.getCaptureSet(21, h.scope());
    expect(set?.id).toBe(21);
    expect(fakes.beluga.control.ledger.count({ route: 'collections.detail' })).toBe(2);
    expect(h.calls[0]).toMatchObject({ attempts: 2, status: 200, errorCode: undefined });
  });

  it('a truncated body is a bad response and is not retried', async () => {
    const h = await harness(fakes);
    fakes.beluga.control.addFault({ route: 'collections.detail', kind: 'truncate' });
    const { value: error, ms } = await timed(() =>
      rejection(h.upstreams.beluga.getCaptureSet(21, h.scope())),
    );
    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect(ms).toBeLessThan(600);
    expect(fakes.beluga.control.ledger.count({ route: 'collections.detail' })).toBe(1);
  });

  it('a body over maxResponseSize is a bad response, also with a Content-Length lie', async () => {
    const h = await harness(fakes, {
      UPSTREAM_MAX_RESPONSE_BYTES: String(256 * 1024),
      UPSTREAM_TIMEOUT_MS: '2000',
    });
    fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'huge',
      megabytes: 8,
      times: 1,
    });
    const { value: error, ms } = await timed(() =>
      rejection(h.upstreams.wickson.listCollections(h.scope())),
    );
    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect(ms).toBeLessThan(1500);
    fakes.wickson.control.addFault({
      route: 'collections.list',
      kind: 'huge',
      megabytes: 8,
      contentLengthLie: 10,
      times: 1,
    });
    expect(await rejection(h.upstreams.wickson.listCollections(h.scope()))).toBeInstanceOf(
      UpstreamBadResponseError,
    );
    expect(fakes.wickson.control.ledger.count({ route: 'collections.list' })).toBe(2);
  });

  it('a DNS failure is unavailable, quickly', async () => {
    const h = await harness(fakes, {
      BELUGA_URL: 'http://nonexistent.invalid',
      UPSTREAM_TIMEOUT_MS: '3000',
    });
    const { value: error, ms } = await timed(() =>
      rejection(h.upstreams.beluga.listProjects({ limit: 1, offset: 0 }, h.scope())),
    );
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(h.calls[0]?.attempts).toBe(1);
    expect(ms).toBeLessThan(2500);
  });

  it('a redirect to another origin is not followed and carries no credential there', async () => {
    const recorder = await startRecorder();
    try {
      const h = await harness(fakes);
      fakes.wickson.control.addFault({
        route: 'collections.detail',
        kind: 'redirect',
        location: `${recorder.url}/steal`,
      });
      fakes.beluga.control.addFault({
        route: 'jobs.detail',
        kind: 'redirect',
        location: `${recorder.url}/steal`,
        status: 301,
      });
      const token = `Token ${'a'.repeat(40)}`;
      expect(
        await rejection(h.upstreams.wickson.getCollection('research_papers', h.scope())),
      ).toBeInstanceOf(UpstreamBadResponseError);
      expect(
        await rejection(h.upstreams.beluga.getJob(1146, h.scope({ authorization: token }))),
      ).toBeInstanceOf(UpstreamBadResponseError);
      await new Promise((r) => setTimeout(r, 100));
      expect(recorder.seen).toEqual([]);
      expect(fakes.wickson.control.ledger.count()).toBe(1);
      expect(fakes.beluga.control.ledger.count()).toBe(1);
    } finally {
      await recorder.close();
    }
  });
});
