/** Status mapping, auth, 404 → null, malformed bodies and schema drift. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, type Fakes, WICKSON_NO_READ_KEY } from '../../src/fakes/index.ts';
import {
  ForbiddenError,
  UnauthenticatedError,
  UpstreamAuthFailedError,
  UpstreamBadRequestError,
  UpstreamBadResponseError,
  UpstreamUnavailableError,
} from '../../src/upstreams/errors.ts';
import { useFakes } from '../helpers/fakes.ts';
import { closeHarnesses, harness, rejection, timed } from './helpers.ts';

let fakes: Fakes;
const started = useFakes();
beforeAll(() => {
  fakes = started();
});
afterEach(closeHarnesses);

const beluga = () => fakes.beluga.control;
const wickson = () => fakes.wickson.control;

describe('5xx', () => {
  it.each([502, 503, 504])('%i is retried once, then unavailable', async (status) => {
    const h = await harness(fakes);
    beluga().addFault({ route: 'jobs.detail', kind: 'status', status });
    const { value: error, ms } = await timed(() =>
      rejection(h.upstreams.beluga.getJob(1146, h.scope())),
    );
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).status).toBe(status);
    expect(beluga().ledger.count({ route: 'jobs.detail' })).toBe(2);
    expect(h.calls[0]).toMatchObject({ attempts: 2, status, route: '/api/v2/jobs/{id}/' });
    expect(ms).toBeLessThan(450);
  });

  it('Wickson 500 PROCESSING_ERROR (nested) gets one retry; request_id logged, body not', async () => {
    const h = await harness(fakes);
    wickson().addFault({ route: 'collections.detail', kind: 'status', status: 500 });
    const error = await rejection(h.upstreams.wickson.getCollection('research_papers', h.scope()));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    const requestId = (error as UpstreamUnavailableError).upstreamRequestId;
    expect(requestId).toBeTruthy();
    expect(wickson().ledger.count({ route: 'collections.detail' })).toBe(2);
    const logs = h.logs.join('');
    expect(logs).toContain(requestId);
    expect(logs).not.toContain('Injected error');
  });

  it('Wickson 500 processing_error (flat) gets one retry', async () => {
    const h = await harness(fakes);
    wickson().addFault({
      route: 'collections.list',
      kind: 'status',
      status: 500,
      body: {
        success: false,
        message: 'secret-ish detail',
        code: 'processing_error',
        status_code: 500,
        details: {},
        request_id: 'req_flat_1',
      },
    });
    const error = await rejection(h.upstreams.wickson.listCollections(h.scope()));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).upstreamRequestId).toBe('req_flat_1');
    expect(wickson().ledger.count({ route: 'collections.list' })).toBe(2);
    expect(h.logs.join('')).not.toContain('secret-ish');
  });

  it('an Antenna HTML 500 is a bad response without retry', async () => {
    const h = await harness(fakes);
    beluga().addFault({ route: 'collections.list', kind: 'html', status: 500 });
    const error = await rejection(
      h.upstreams.beluga.listCaptureSets({ limit: 5, offset: 0 }, h.scope()),
    );
    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect((error as Error).message).not.toContain('<');
    expect(beluga().ledger.count({ route: 'collections.list' })).toBe(1);
  });
});

describe('auth and absence', () => {
  it('Wickson 401 INVALID_API_KEY is upstream auth failed, no retry, key never logged', async () => {
    const key = 'wk_CANARY_5b1f0e';
    const h = await harness(fakes, { WICKSON_API_KEY: key });
    const error = await rejection(h.upstreams.wickson.listCollections(h.scope()));
    expect(error).toBeInstanceOf(UpstreamAuthFailedError);
    expect(wickson().ledger.count()).toBe(1);
    const line = h.logs.find((l) => l.includes('INVALID_API_KEY'));
    expect(line && JSON.parse(line).level).toBe(50);
    expect(h.logs.join('')).not.toContain(key);
  });

  it('Wickson 403 INSUFFICIENT_PERMISSIONS is upstream auth failed', async () => {
    const h = await harness(fakes, { WICKSON_API_KEY: WICKSON_NO_READ_KEY });
    const error = await rejection(h.upstreams.wickson.getCollection('research_papers', h.scope()));
    expect(error).toBeInstanceOf(UpstreamAuthFailedError);
    expect((error as UpstreamAuthFailedError).status).toBe(403);
    expect(wickson().ledger.count()).toBe(1);
  });

  it('Antenna 401 is unauthenticated and 403 forbidden (the caller, not us)', async () => {
    const h = await harness(fakes);
    const bad = `Token ${'f'.repeat(40)}`;
    const e401 = await rejection(
      h.upstreams.beluga.listProjects({ limit: 5, offset: 0 }, h.scope({ authorization: bad })),
    );
    expect(e401).toBeInstanceOf(UnauthenticatedError);
    beluga().addFault({ route: 'jobs.detail', kind: 'status', status: 403 });
    expect(await rejection(h.upstreams.beluga.getJob(1146, h.scope()))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(beluga().ledger.count()).toBe(2);
    expect(h.logs.join('')).not.toContain('f'.repeat(40));
  });

  it('Antenna 401/403 on the server BELUGA_TOKEN is upstream auth failed (ours)', async () => {
    const h = await harness(fakes);
    const bad = `Token ${'e'.repeat(40)}`;
    const server = h.scope({ authorization: bad, credentialSource: 'server' });
    const e401 = await rejection(h.upstreams.beluga.listProjects({ limit: 5, offset: 0 }, server));
    expect(e401).toBeInstanceOf(UpstreamAuthFailedError);
    expect((e401 as UpstreamAuthFailedError).status).toBe(401);
    beluga().addFault({ route: 'jobs.detail', kind: 'status', status: 403 });
    const e403 = await rejection(h.upstreams.beluga.getJob(1146, server));
    expect(e403).toBeInstanceOf(UpstreamAuthFailedError);
    const client = h.scope({ authorization: bad, credentialSource: 'client' });
    expect(
      await rejection(h.upstreams.beluga.listProjects({ limit: 5, offset: 0 }, client)),
    ).toBeInstanceOf(UnauthenticatedError);
    expect(beluga().ledger.count()).toBe(3);
  });

  it('a JSON 404 makes detail getters resolve null, not an error', async () => {
    const h = await harness(fakes);
    expect(await h.upstreams.beluga.getCaptureSet(987_654, h.scope())).toBeNull();
    expect(await h.upstreams.beluga.getJob(987_654, h.scope())).toBeNull();
    expect(await h.upstreams.beluga.getProject(987_654, h.scope())).toBeNull();
    expect(await h.upstreams.wickson.getCollection('no_such_collection', h.scope())).toBeNull();
    expect(beluga().ledger.count()).toBe(3);
    expect(wickson().ledger.count()).toBe(1);
    expect(
      h.calls.every((c) => c.status === 404 && c.errorCode === undefined && c.attempts === 1),
    ).toBe(true);
  });

  it('a draft capture set is null anonymously and visible to a member', async () => {
    const h = await harness(fakes);
    const id = fakes.dataset.ids.draftCaptureSets[0]!;
    expect(await h.upstreams.beluga.getCaptureSet(id, h.scope())).toBeNull();
    const member = await h.upstreams.beluga.getCaptureSet(
      id,
      h.scope({ authorization: `Token ${FAKE_MEMBER_TOKEN}` }),
    );
    expect(member?.id).toBe(id);
  });

  it('400 is a bad-request error, not retried', async () => {
    const h = await harness(fakes);
    beluga().addFault({
      route: 'jobs.list',
      kind: 'status',
      status: 400,
      body: { status: ['bad'] },
    });
    const error = await rejection(
      h.upstreams.beluga.listJobs({ status: 'FOO', limit: 5, offset: 0 }, h.scope()),
    );
    expect(error).toBeInstanceOf(UpstreamBadRequestError);
    expect(beluga().ledger.count()).toBe(1);
  });
});

describe('malformed bodies', () => {
  it.each([
    ['an unterminated JSON body', { kind: 'malformed' as const }],
    ['an HTML 200 page', { kind: 'html' as const, status: 200 }],
    ["Django's HTML 404 for an unknown route", { kind: 'html' as const, status: 404 }],
    ['a text/plain body', { kind: 'malformed' as const, body: 'hello', contentType: 'text/plain' }],
    ['an empty body', { kind: 'malformed' as const, body: '' }],
  ])('%s is a bad response, sent once, with no upstream bytes in the message', async (_, fault) => {
    const h = await harness(fakes);
    beluga().addFault({ route: 'collections.detail', ...fault });
    const error = await rejection(h.upstreams.beluga.getCaptureSet(21, h.scope()));
    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect((error as Error).message).not.toMatch(/<|hello/);
    expect(beluga().ledger.count()).toBe(1);
  });
});

describe('schema drift', () => {
  it('strips additive unknown fields', async () => {
    const h = await harness(fakes);
    beluga().addFault({
      route: 'collections.detail',
      kind: 'drift',
      mutate: (body) => ({ ...(body as object), surprise_field: 'x' }),
    });
    const set = await h.upstreams.beluga.getCaptureSet(21, h.scope());
    expect(set?.id).toBe(21);
    expect(set && 'surprise_field' in set).toBe(false);
  });

  it('a missing field or a changed type is a bad response with paths and codes, no values', async () => {
    const h = await harness(fakes);
    wickson().addFault({
      route: 'collections.detail',
      kind: 'drift',
      mutate: (body) => {
        const b = body as { data: { stats: Record<string, unknown>; collection_id: unknown } };
        delete b.data.stats.item_count;
        b.data.collection_id = 987_654_321;
        return b;
      },
    });
    const error = await rejection(h.upstreams.wickson.getCollection('research_papers', h.scope()));
    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    const issues = (error as UpstreamBadResponseError).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'data.stats.item_count', code: 'invalid_type' },
        { path: 'data.collection_id', code: 'invalid_type' },
      ]),
    );
    expect(h.logs.join('')).toContain('data.stats.item_count');
    expect(h.logs.join('')).not.toContain('987654321');
    expect(wickson().ledger.count()).toBe(1);
  });

  it('pagination envelope drift (results missing, count a string) is a bad response', async () => {
    const h = await harness(fakes);
    beluga().addFault({
      route: 'jobs.list',
      kind: 'drift',
      times: 1,
      mutate: (body) => ({ ...(body as object), results: undefined }),
    });
    beluga().addFault({
      route: 'jobs.list',
      kind: 'drift',
      times: 1,
      mutate: (body) => ({ ...(body as object), count: '12' }),
    });
    const params = { limit: 5, offset: 0 };
    expect(await rejection(h.upstreams.beluga.listJobs(params, h.scope()))).toBeInstanceOf(
      UpstreamBadResponseError,
    );
    expect(await rejection(h.upstreams.beluga.listJobs(params, h.scope()))).toBeInstanceOf(
      UpstreamBadResponseError,
    );
    expect((await h.upstreams.beluga.listJobs(params, h.scope())).results.length).toBeGreaterThan(
      0,
    );
  });
});
