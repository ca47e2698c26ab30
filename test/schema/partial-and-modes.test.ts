import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN } from '../../src/fakes/index.ts';
import { ERROR_CODES } from '../../src/upstreams/errors.ts';
import { plainLoaders } from '../helpers/plain-loaders.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack;
let baseline: Stack;
beforeAll(async () => {
  [stack, baseline] = await Promise.all([
    startStack(),
    startStack({ gateway: { loaders: plainLoaders } }),
  ]);
});
afterAll(() => Promise.all([stack?.close(), baseline?.close()]));
beforeEach(() => {
  for (const s of [stack, baseline]) {
    s.resetLedgers();
    s.fakes.beluga.control.clearFaults();
    s.fakes.wickson.control.clearFaults();
  }
});

const DRAFT_PROJECT = 90;

describe('partial results and credentials', () => {
  it('keeps Beluga data when Wickson fails, nulling only the Wickson field', async () => {
    stack.fakes.wickson.control.addFault({ kind: 'status', status: 503, route: '*' });
    const { status, body } = await stack.query(`{
      b: collection(source: BELUGA, sourceId: "21") { name stats { itemCount } }
      w: collection(source: WICKSON, sourceId: "research_papers") { name } }`);
    expect(status).toBe(200);
    expect(body.data).toEqual({
      b: { name: 'Insectarium, End of every night', stats: { itemCount: 403 } },
      w: null,
    });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.path).toEqual(['w']);
    expect(ERROR_CODES).toContain(body.errors?.[0]?.extensions?.code);
    expect(JSON.stringify(body)).not.toContain(stack.fakes.wickson.url);
  });

  it('shows a draft project to a member and null to anonymous callers', async () => {
    const q = `{ project(sourceId: ${DRAFT_PROJECT}) { sourceId draft } }`;
    const member = await stack.query(q, undefined, { authorization: `Token ${FAKE_MEMBER_TOKEN}` });
    expect(member.body.data?.project).toEqual({ sourceId: DRAFT_PROJECT, draft: true });
    const anonymous = await stack.query(q);
    expect(anonymous.body).toMatchObject({ data: { project: null } });
    expect(anonymous.body.errors).toBeUndefined();
  });

  it('maps enum values the upstream added later to UNKNOWN and logs them', async () => {
    stack.fakes.beluga.control.addFault({
      kind: 'drift',
      route: 'collections.detail',
      mutate: (body) => {
        const dto = body as {
          method: string;
          jobs: { status: string; job_type: { key: string } }[];
        };
        return {
          ...dto,
          method: 'quantum_sampling',
          jobs: dto.jobs.map((j, i) =>
            i === 0 ? { ...j, status: 'PAUSED', job_type: { ...j.job_type, key: 'teleport' } } : j,
          ),
        };
      },
    });
    const { body } = await stack.query(`{ collection(source: BELUGA, sourceId: "21") {
      method jobs { sourceId status type { key } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.collection).toMatchObject({
      method: 'UNKNOWN',
      jobs: [{ sourceId: 1146, status: 'UNKNOWN', type: { key: 'UNKNOWN' } }, {}, {}],
    });
    expect(stack.logs.some((line) => line.includes('quantum_sampling'))).toBe(true);
  });
});

describe('loaders without batching or caching (the bench baseline)', () => {
  it('answer the same with more upstream calls', async () => {
    const q = `{ collection(source: BELUGA, sourceId: "21") {
      project { name } jobs { status project { name } } stats { occurrencesCount } } }`;
    const [standardResult, baselineResult] = await Promise.all([stack.query(q), baseline.query(q)]);
    expect(baselineResult.body.data).toEqual(standardResult.body.data);
    expect(baselineResult.body.errors).toEqual(standardResult.body.errors);
    expect(stack.calls().beluga).toBe(2);
    // The set, its project, then the project again for each of its 3 jobs (nothing cached).
    expect(baseline.calls().beluga).toBe(5);
  });
});
