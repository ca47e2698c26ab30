/**
 * Every fault kind against a write: the fake applies the POST once when the fault runs after the
 * route (`afterHandler`, or a kind that runs the route itself), never twice, and not at all when
 * the fault answers instead of the route. Jobs created are counted in the dataset, one POST each.
 */
import { request } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import type { FaultSpec } from '../../src/fakes/index.ts';
import { FAKE_MEMBER_TOKEN, useFakes } from '../helpers/fakes.ts';

const JOBS = '/api/v2/jobs/';

/** Each kind, and whether it runs the route even without `afterHandler`. */
const KINDS: [string, FaultSpec, boolean][] = [
  ['status 503', { kind: 'status', status: 503 }, false],
  ['rate-limit', { kind: 'rate-limit' }, false],
  ['hang', { kind: 'hang' }, false],
  ['reset', { kind: 'reset' }, false],
  ['malformed', { kind: 'malformed' }, false],
  ['html 500', { kind: 'html', status: 500 }, false],
  ['truncate', { kind: 'truncate' }, true],
  ['slow', { kind: 'slow', chunkDelayMs: 1 }, true],
  ['huge', { kind: 'huge', megabytes: 1 }, false],
  ['redirect', { kind: 'redirect', location: 'https://elsewhere.example/' }, false],
  ['drift', { kind: 'drift', mutate: (body) => ({ ...(body as object), id: 'x' }) }, true],
  ['django server-error', { kind: 'django', page: 'server-error' }, true],
  ['django technical-500', { kind: 'django', page: 'technical-500' }, true],
  ['django not-found', { kind: 'django', page: 'not-found' }, false],
  ['django append-slash', { kind: 'django', page: 'append-slash' }, false],
  ['hold', { kind: 'hold', release: Promise.resolve() }, true],
];

describe('a faulted write applies at most once', () => {
  const fakes = useFakes();
  const named = (name: string) =>
    [...fakes().dataset.jobs.values()].filter((job) => job.name === name).length;

  /** One POST creating a job called `name` (names need not be unique); the client gives up once the fake has it. */
  async function post(name: string): Promise<void> {
    const control = fakes().beluga.control;
    const before = control.ledger.count();
    const abort = new AbortController();
    const sent = request(`${fakes().beluga.url}${JOBS}`, {
      method: 'POST',
      headers: {
        authorization: `Token ${FAKE_MEMBER_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name, project_id: 90, delay: 0 }),
      signal: abort.signal,
    })
      .then((res) => res.body.text())
      .catch(() => undefined);
    // The route and the fault run in the tick that records the request (no latency is set).
    await vi.waitFor(() => expect(control.ledger.count()).toBe(before + 1));
    abort.abort();
    await sent;
  }

  for (const [label, kind, runsRoute] of KINDS) {
    it(`${label}: after the handler, one POST creates one job`, async () => {
      const name = `after ${label}`;
      const spec = { ...kind, route: 'jobs.list', method: 'POST', afterHandler: true };
      fakes().beluga.control.addFault(spec as FaultSpec);
      await post(name);
      expect(fakes().beluga.control.ledger.count({ method: 'POST' })).toBe(1);
      expect(named(name)).toBe(1);
    });

    it(`${label}: before the handler, the POST creates ${runsRoute ? 'one job' : 'nothing'}`, async () => {
      const name = `before ${label}`;
      fakes().beluga.control.addFault({ ...kind, route: 'jobs.list', method: 'POST' } as FaultSpec);
      await post(name);
      expect(fakes().beluga.control.ledger.count({ method: 'POST' })).toBe(1);
      expect(named(name)).toBe(runsRoute ? 1 : 0);
    });
  }
});
