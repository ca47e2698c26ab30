import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN } from '../../src/fakes/index.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

const gid = (text: string) => Buffer.from(text).toString('base64url');
const member = { authorization: `Token ${FAKE_MEMBER_TOKEN}` };
const CREATE = `mutation { createCollection(input: {projectId: 90, name: "Honest", method: FULL}) {
  collection { sourceId } userErrors { message } } }`;
const JOB = gid('Job:BELUGA:1329');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ config: { UPSTREAM_TIMEOUT_MS: '300' } });
});
afterAll(() => stack?.close());
beforeEach(() => stack.fakes.beluga.control.reset());

const control = () => stack.fakes.beluga.control;
const posts = () => control().ledger.count({ method: 'POST' });
const created = () =>
  [...stack.fakes.dataset.captureSets.values()].filter((s) => s.name === 'Honest').length;

describe('a failed write says whether it may have been applied', () => {
  it('503: one POST, never retried, UPSTREAM_UNAVAILABLE with outcome UNKNOWN', async () => {
    control().addFault({ route: 'collections.list', method: 'POST', kind: 'status', status: 503 });
    const { body } = await stack.query(CREATE, undefined, member);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      outcome: 'UNKNOWN',
    });
    expect(posts()).toBe(1);
    expect(control().ledger.count()).toBe(1);
  });

  it('timeout: one POST, UPSTREAM_TIMEOUT with outcome UNKNOWN', async () => {
    control().addFault({ route: 'collections.list', method: 'POST', kind: 'hang' });
    const { body } = await stack.query(CREATE, undefined, member);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      outcome: 'UNKNOWN',
    });
    expect(posts()).toBe(1);
  });

  it('a reset after Beluga applied it: UNKNOWN is the honest answer (the set exists)', async () => {
    control().addFault({ route: 'collections.list', kind: 'reset', afterHandler: true });
    const { body } = await stack.query(CREATE, undefined, member);
    expect(body.errors?.[0]?.extensions).toMatchObject({ outcome: 'UNKNOWN' });
    expect(posts()).toBe(1);
    expect(created()).toBe(1);
  });

  it('a job action timing out is UNKNOWN too, and is not repeated', async () => {
    control().addFault({ route: 'jobs.cancel', kind: 'hang' });
    const { body } = await stack.query(
      `mutation { cancelJob(input: {id: "${JOB}"}) { job { status } } }`,
      undefined,
      member,
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      outcome: 'UNKNOWN',
    });
    expect(control().ledger.count({ route: 'jobs.cancel' })).toBe(1);
  });

  it('reads keep no outcome: a failed query has none', async () => {
    control().addFault({ route: 'collections.detail', kind: 'status', status: 503 });
    const { body } = await stack.query('{ collection(source: BELUGA, sourceId: "21") { name } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(body.errors?.[0]?.extensions).not.toHaveProperty('outcome');
  });
});

describe('a write that cannot leave', () => {
  it('the breaker open: NOT_SENT, and no POST leaves', async () => {
    const tripped = await startStack();
    const beluga = tripped.fakes.beluga.control;
    const breaker = () => tripped.upstreams.health().find((h) => h.upstream === 'beluga')?.breaker;
    try {
      beluga.addFault({ kind: 'status', status: 503 });
      for (let i = 0; i < 20 && breaker() !== 'open'; i++) {
        await tripped.query('{ collection(source: BELUGA, sourceId: "21") { name } }');
      }
      expect(breaker()).toBe('open');
      const before = beluga.ledger.count();
      const { body } = await tripped.query(CREATE, undefined, member);
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        outcome: 'NOT_SENT',
      });
      expect(beluga.ledger.count()).toBe(before);
      expect(beluga.ledger.count({ method: 'POST' })).toBe(0);
    } finally {
      await tripped.close();
    }
  });

  it('connection refused: UPSTREAM_UNAVAILABLE with outcome NOT_SENT', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await startStack({ config: { BELUGA_URL: `http://127.0.0.1:${port}` } });
    try {
      const { body } = await refused.query(CREATE, undefined, member);
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        outcome: 'NOT_SENT',
      });
    } finally {
      await refused.close();
    }
  });
});

describe('mutations over HTTP', () => {
  const url = (query: string) => `http://gateway.test/graphql?query=${encodeURIComponent(query)}`;

  it('a mutation over GET is refused (405) and calls nothing', async () => {
    const response = await stack.gateway.fetch(url(CREATE), {
      method: 'GET',
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1', ...member },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('POST');
    expect(control().ledger.count()).toBe(0);
  });

  it('CSRF prevention covers mutations: a simple POST without the header is refused', async () => {
    const response = await stack.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...member },
      body: JSON.stringify({ query: CREATE }),
    });
    expect(response.status).toBe(403);
    expect(control().ledger.count()).toBe(0);
  });

  it('mutation fields run one after another', async () => {
    control().setLatency({ fixedMs: 100 });
    const { body } = await stack.query(
      `mutation { a: runJob(input: {id: "${JOB}"}) { job { status } }
                  b: cancelJob(input: {id: "${JOB}"}) { job { status } } }`,
      undefined,
      member,
    );
    expect(body.data).toEqual({
      a: { job: { status: 'PENDING' } },
      b: { job: { status: 'REVOKED' } },
    });
    const [run, cancel] = control().ledger.entries();
    expect([run?.route, cancel?.route]).toEqual(['jobs.run', 'jobs.cancel']);
    // Serial: the second request leaves only after the first answered (≥ the fake's latency).
    expect(cancel!.startedAt - run!.startedAt).toBeGreaterThanOrEqual(100);
  });
});
