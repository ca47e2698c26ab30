/**
 * The fetch time travels on the records themselves (`fetchedAt`), written once per upstream
 * answer by the client that knows where its records are: through the shared cache an answer keeps
 * its first fetch's time; without it each read is dated anew. Real sockets to the fakes, an
 * injected wall clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN } from '../../src/fakes/index.ts';
import { CaptureSetDto } from '../../src/upstreams/beluga/schemas.ts';
import type { UpstreamScope } from '../../src/upstreams/types.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const scope: UpstreamScope = {
  authorization: `Token ${FAKE_MEMBER_TOKEN}`,
  signal: undefined,
  requestId: undefined,
};

const open: Stack[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function stackAt(config: Record<string, string>) {
  let clock = T0;
  const stack = await startStack({ config, now: () => clock });
  open.push(stack);
  const { dataset } = stack.fakes;
  const set = [...dataset.captureSets.values()][0]!;
  const job = [...dataset.jobs.values()].find((j) => j.project === set.project)!;
  const advance = (ms: number) => {
    clock += ms;
  };
  return { stack, set, job, advance };
}

describe('fetchedAt on loaded records', () => {
  it('through the cache: every record of an answer carries its fetch time, a hit the same', async () => {
    const { stack, set, job, advance } = await stackAt({
      BELUGA_CACHE_TTL_S: '60',
      WICKSON_CACHE_TTL_S: '60',
    });
    const { beluga, wickson } = stack.upstreams;
    const read = () =>
      Promise.all([
        beluga.listCaptureSets({ projectId: set.project, limit: 5, offset: 0 }, scope),
        beluga.getCaptureSet(set.id, scope),
        beluga.getJob(job.id, scope),
        wickson.listCollections(scope),
        wickson.getCollection('research_papers', scope),
      ]);
    const times = ([page, detail, jobDetail, list, collection]: Awaited<
      ReturnType<typeof read>
    >) => [
      ...page.results.map((dto) => dto.fetchedAt),
      detail?.fetchedAt,
      jobDetail?.fetchedAt,
      ...Object.values(list.collection_details).map((item) => item.fetchedAt),
      collection?.fetchedAt,
    ];
    const first = await read();
    expect(first[0].results.length).toBeGreaterThan(0);
    expect(new Set(times(first))).toEqual(new Set([T0]));

    advance(30_000);
    stack.resetLedgers();
    const second = await read();
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
    expect(new Set(times(second))).toEqual(new Set([T0]));
  });

  it('without the cache each read is dated when it is fetched', async () => {
    const { stack, set, advance } = await stackAt({
      BELUGA_CACHE_TTL_S: '0',
      WICKSON_CACHE_TTL_S: '0',
    });
    expect((await stack.upstreams.beluga.getCaptureSet(set.id, scope))?.fetchedAt).toBe(T0);
    advance(1_000);
    expect((await stack.upstreams.beluga.getCaptureSet(set.id, scope))?.fetchedAt).toBe(T0 + 1_000);
  });

  it('an upstream cannot set it: the wire schema drops a `fetchedAt` it sends', async () => {
    const { stack, set } = await stackAt({});
    const response = await fetch(
      `${stack.fakes.beluga.url}/api/v2/captures/collections/${set.id}/`,
      {
        headers: { authorization: scope.authorization! },
      },
    );
    const body = { ...((await response.json()) as object), fetchedAt: 1 };
    expect(CaptureSetDto.parse(body)).not.toHaveProperty('fetchedAt');
  });
});
