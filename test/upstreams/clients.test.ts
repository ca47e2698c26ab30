/** Requests the clients send: paths, query params, credentials, call records. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN, type Fakes } from '../../src/fakes/index.ts';
import { requestIdFrom } from '../../src/server/request-state.ts';
import { useFakes } from '../helpers/fakes.ts';
import { closeHarnesses, harness, startRecorder } from './helpers.ts';

let fakes: Fakes;
const started = useFakes();
beforeAll(() => {
  fakes = started();
});
afterEach(closeHarnesses);

const member = `Token ${FAKE_MEMBER_TOKEN}`;
const outsider = `Token ${FAKE_OUTSIDER_TOKEN}`;

describe('Beluga requests', () => {
  it('sends the documented paths and query parameters', async () => {
    const h = await harness(fakes);
    const s = h.scope();
    const b = h.upstreams.beluga;
    await b.listCaptureSets(
      {
        projectId: 23,
        method: 'random',
        ordering: '-name',
        withCounts: true,
        limit: 7,
        offset: 14,
      },
      s,
    );
    await b.getCaptureSet(21, s);
    await b.listProjects({ limit: 3, offset: 0, ordering: 'name' }, s);
    await b.getProject(23, s);
    await b.listJobs(
      {
        projectId: 23,
        captureSetId: 21,
        status: 'SUCCESS',
        jobTypeKey: 'ml',
        ordering: '-created_at',
        limit: 2,
        offset: 4,
      },
      s,
    );
    await b.getJob(987_654, s);
    await b.listCaptures({ projectId: 23, captureSetId: 21, ordering: 'timestamp', limit: 1 }, s);
    const seen = fakes.beluga.control.ledger
      .entries()
      .map((e) => ({ path: e.path, query: e.query }));
    expect(seen).toEqual([
      {
        path: '/api/v2/captures/collections/',
        query: {
          project_id: '23',
          method: 'random',
          ordering: '-name',
          with_counts: 'true',
          limit: '7',
          offset: '14',
        },
      },
      { path: '/api/v2/captures/collections/21/', query: {} },
      { path: '/api/v2/projects/', query: { limit: '3', offset: '0', ordering: 'name' } },
      { path: '/api/v2/projects/23/', query: { with_charts: 'false' } },
      {
        path: '/api/v2/jobs/',
        query: {
          project_id: '23',
          source_image_collection: '21',
          status: 'SUCCESS',
          job_type_key: 'ml',
          ordering: '-created_at',
          limit: '2',
          offset: '4',
        },
      },
      { path: '/api/v2/jobs/987654/', query: {} },
      {
        path: '/api/v2/captures/',
        query: { project_id: '23', collections: '21', ordering: 'timestamp', limit: '1' },
      },
    ]);
    expect(h.calls.map((c) => c.route)).toEqual([
      '/api/v2/captures/collections/',
      '/api/v2/captures/collections/{id}/',
      '/api/v2/projects/',
      '/api/v2/projects/{id}/',
      '/api/v2/jobs/',
      '/api/v2/jobs/{id}/',
      '/api/v2/captures/',
    ]);
    expect(
      h.calls.every((c) => c.upstream === 'beluga' && c.method === 'GET' && c.durationMs >= 0),
    ).toBe(true);
  });

  it('refuses a non-integer id without calling', async () => {
    const h = await harness(fakes);
    await expect(h.upstreams.beluga.getJob(Number.NaN, h.scope())).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(h.upstreams.beluga.getJob(-1, h.scope())).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(fakes.beluga.control.ledger.count()).toBe(0);
  });

  it('forwards the caller token (or none), plus Accept and X-Request-Id', async () => {
    const h = await harness(fakes);
    await h.upstreams.beluga.listProjects({ limit: 1, offset: 0 }, h.scope());
    await h.upstreams.beluga.listProjects(
      { limit: 1, offset: 0 },
      h.scope({ authorization: member }),
    );
    const [anon, authed] = fakes.beluga.control.ledger.entries();
    expect(anon!.headers.authorization).toBeUndefined();
    expect(anon!.headers['x-api-key']).toBeUndefined();
    expect(authed!.headers.authorization).toBe(member);
    expect(authed!.headers.accept).toBe('application/json');
    expect(authed!.headers['x-request-id']).toBe('test-request');
    expect(h.logs.join('')).not.toContain(FAKE_MEMBER_TOKEN);
  });

  it('sends X-Request-Id only in the shape the gateway itself accepts from clients', async () => {
    const h = await harness(fakes);
    const ids = ['ok_id-1.2', 'with:colon', 'a b', 'x'.repeat(129)];
    for (const requestId of ids) {
      await h.upstreams.beluga.listProjects({ limit: 1, offset: 0 }, h.scope({ requestId }));
      // The inbound check (request-state) and the outbound one agree on every id.
      const inbound = requestIdFrom(requestId) === requestId;
      const sent = fakes.beluga.control.ledger.entries().at(-1)!.headers['x-request-id'];
      expect(sent === requestId).toBe(inbound);
    }
    expect(fakes.beluga.control.ledger.entries().map((e) => e.headers['x-request-id'])).toEqual([
      'ok_id-1.2',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('two concurrent callers with different tokens never cross', async () => {
    const h = await harness(fakes);
    const draft = fakes.dataset.ids.draftCaptureSets[0]!;
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => {
        const authorization = i % 2 === 0 ? member : outsider;
        return h.upstreams.beluga
          .getCaptureSet(draft, h.scope({ authorization }))
          .then((v) => ({ authorization, v }));
      }),
    );
    for (const { authorization, v } of runs) {
      expect(v?.id ?? null).toBe(authorization === member ? draft : null);
    }
    const entries = fakes.beluga.control.ledger.entries();
    expect(entries).toHaveLength(6);
    expect(entries.filter((e) => e.headers.authorization === member)).toHaveLength(3);
    expect(entries.filter((e) => e.headers.authorization === outsider)).toHaveLength(3);
  });

  it('a `next` URL pointing at another host is never fetched; offsets are computed', async () => {
    const recorder = await startRecorder();
    try {
      const h = await harness({ options: { belugaPublicUrl: recorder.url } });
      const first = await h.upstreams.beluga.listCaptureSets(
        { limit: 5, offset: 0 },
        h.scope({ authorization: member }),
      );
      expect(first.next?.startsWith(recorder.url)).toBe(true);
      const second = await h.upstreams.beluga.listCaptureSets(
        { limit: 5, offset: 5 },
        h.scope({ authorization: member }),
      );
      expect(second.results[0]?.id).not.toBe(first.results[0]?.id);
      expect(recorder.seen).toEqual([]);
      expect(h.fakes.beluga.control.ledger.entries().map((e) => e.query.offset)).toEqual([
        '0',
        '5',
      ]);
    } finally {
      await closeHarnesses();
      await recorder.close();
    }
  });
});

describe('Wickson requests', () => {
  it('sends X-Api-Key from config only, never the caller credentials', async () => {
    const h = await harness(fakes);
    await h.upstreams.wickson.listCollections(h.scope({ authorization: 'Token attacker' }));
    const [entry] = fakes.wickson.control.ledger.entries();
    expect(entry!.headers['x-api-key']).toBe('demo-key');
    expect(entry!.headers.authorization).toBeUndefined();
    expect(entry!.headers['x-request-id']).toBe('test-request');
  });

  it('sends the documented paths and params, encoding ids as one segment', async () => {
    const h = await harness(fakes);
    const s = h.scope();
    const list = await h.upstreams.wickson.listCollections(s);
    expect(list.collections[0]).toBe('default');
    const detail = await h.upstreams.wickson.getCollection('research_papers', s);
    expect(detail?.stats.item_count).toBe(17);
    const media = await h.upstreams.wickson.listMedia(
      { page: 2, pageSize: 5, collection: 'research_papers', mediaType: 'document' },
      s,
    );
    expect(media.pagination.page).toBe(2);
    expect(await h.upstreams.wickson.getCollection('a/b c?d', s)).toBeNull();
    const firstId = media.items[0]?.id;
    if (firstId) expect((await h.upstreams.wickson.getMedia(firstId, s))?.id).toBe(firstId);
    const seen = fakes.wickson.control.ledger
      .entries()
      .map((e) => ({ path: e.path, query: e.query }));
    expect(seen.slice(0, 4)).toEqual([
      { path: '/v1/media/collections', query: {} },
      { path: '/v1/media/collections/research_papers', query: {} },
      {
        path: '/v1/media',
        query: { page: '2', page_size: '5', collection: 'research_papers', media_type: 'document' },
      },
      { path: '/v1/media/collections/a%2Fb%20c%3Fd', query: {} },
    ]);
  });

  it('health reports both upstreams, closed and unblocked', async () => {
    const h = await harness(fakes);
    expect(h.upstreams.health()).toEqual([
      { upstream: 'beluga', breaker: 'closed' },
      { upstream: 'wickson', breaker: 'closed' },
    ]);
  });
});
