/**
 * Per-client limits: a client flooding gets HTTP 429 with Retry-After and RATE_LIMITED before any
 * upstream call, while another client's queries keep succeeding. A client is its Beluga token's
 * hash once Beluga accepted the token, else its address (X-Forwarded-For only with TRUST_PROXY).
 * Exact calls from the ledger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startListening } from '../helpers/listening.ts';
import { NO_SHARED_CACHE } from '../helpers/no-cache.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { member, outsider } from '../helpers/writes.ts';

const WICKSON_LIST =
  '{ collections(filter: { sources: [WICKSON] }, first: 2) { edges { node { name } } } }';
const BFF = `{
  sets: collections(first: 50, filter: { sources: [BELUGA] }, orderBy: { field: NAME }) {
    edges { node { id name project { sourceId name } } }
  }
  media: collections(first: 100, filter: { sources: [WICKSON] }) {
    edges { node { id name createdAt stats { itemCount firstItemDate lastItemDate mediaTypeDistribution { mediaType count } } } }
  }
}`;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(config: Record<string, string>) {
  stack = await startStack({ config });
  return stack;
}

async function send(s: Stack, query: string, headers: Record<string, string>) {
  s.resetLedgers();
  const response = await s.gateway.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  const { beluga, wickson } = s.calls();
  return { status: response.status, headers: response.headers, body, calls: beluga + wickson };
}

const BELUGA_ONE = '{ collection(source: BELUGA, sourceId: "21") { name } }';

/** One Beluga call with the token: Beluga accepts it, so the token becomes its own client. */
async function vouch(s: Stack, headers: Record<string, string>) {
  const result = await send(s, BELUGA_ONE, headers);
  expect([result.status, result.body.errors]).toEqual([200, undefined]);
}

function expectRefused(result: Awaited<ReturnType<typeof send>>, message: RegExp) {
  expect(result.status).toBe(429);
  expect(result.calls).toBe(0);
  expect(result.body.data).toBeUndefined();
  expect(result.body.errors).toHaveLength(1);
  const [error] = result.body.errors!;
  expect(error!.message).toMatch(message);
  expect(error!.extensions?.code).toBe('RATE_LIMITED');
  const seconds = Number(result.headers.get('retry-after'));
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(error!.extensions?.retryAfterSeconds).toBe(seconds);
  return seconds;
}

describe('upstream calls per minute per client', () => {
  it('a flooding client gets 429s with 0 upstream calls; another client keeps succeeding', async () => {
    const s = await start({ CLIENT_CALLS_PER_MINUTE: '5' });
    await vouch(s, member);
    await vouch(s, outsider);
    for (let i = 0; i < 5; i++) {
      const ok = await send(s, WICKSON_LIST, member);
      expect([ok.status, ok.body.errors, ok.calls]).toEqual([200, undefined, 1]);
    }
    for (let i = 0; i < 3; i++) {
      const refused = await send(s, WICKSON_LIST, member);
      expect(expectRefused(refused, /limit of upstream calls per minute/)).toBeLessThanOrEqual(60);
      const other = await send(s, WICKSON_LIST, outsider);
      expect([other.status, other.body.errors, other.calls]).toEqual([200, undefined, 1]);
    }
  });

  it('reserves the predicted calls and gives back what a query did not use', async () => {
    // The BFF query predicts 2 + 101 calls and makes 2 + 5: with 150 per minute, seven fit
    // (6 × 7 used + 103 reserved = 145); reserving without giving back would refuse the second.
    const s = await start({ CLIENT_CALLS_PER_MINUTE: '150' });
    await vouch(s, member);
    for (let i = 0; i < 7; i++) {
      const ok = await send(s, BFF, member);
      expect([ok.status, ok.body.errors, ok.calls]).toEqual([200, undefined, 7]);
    }
    expectRefused(await send(s, BFF, member), /per minute/);
    const small = await send(s, WICKSON_LIST, member);
    expect([small.status, small.calls]).toEqual([200, 1]);
  });

  it('the defaults let a backend-for-frontend run its query many times', async () => {
    const s = await start({});
    for (let i = 0; i < 40; i++) {
      const ok = await send(s, BFF, {});
      expect([ok.status, ok.body.errors, ok.calls]).toEqual([200, undefined, 7]);
    }
  });
});

describe("each client's share of the Wickson hourly budget", () => {
  const MIXED = `{
    belugaC: collection(source: BELUGA, sourceId: "21") { name }
    wicksonC: collection(source: WICKSON, sourceId: "research_papers") { name }
  }`;

  it('past its share a client gets no Wickson call; Beluga answers; other clients reach Wickson', async () => {
    const s = await start({ WICKSON_HOURLY_BUDGET: '20', CLIENT_WICKSON_SHARE: '0.2' });
    await vouch(s, member);
    await vouch(s, outsider);
    for (let i = 0; i < 4; i++) expect((await send(s, WICKSON_LIST, member)).calls).toBe(1);
    s.resetLedgers();
    const capped = await send(s, MIXED, member);
    expect(capped.status).toBe(200);
    expect(s.calls()).toMatchObject({ beluga: 1, wickson: 0 });
    expect(capped.body.data).toEqual({ belugaC: { name: expect.any(String) }, wicksonC: null });
    expect(capped.body.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    const seconds = capped.body.errors?.[0]?.extensions?.retryAfterSeconds as number;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(3600);
    const other = await send(s, MIXED, outsider);
    expect([other.status, other.body.errors, other.calls]).toEqual([200, undefined, 2]);
  });

  it('a prediction larger than what is left runs with the calls that are left', async () => {
    // Share 4: the BFF query predicts 101 Wickson calls; it may make 4, the 5th detail fails.
    const s = await start({ WICKSON_HOURLY_BUDGET: '20', CLIENT_WICKSON_SHARE: '0.2' });
    const first = await send(s, BFF, member);
    expect(s.calls()).toMatchObject({ beluga: 2, wickson: 4 });
    const codes = new Set(first.body.errors?.map((e) => e.extensions?.code));
    expect([...codes]).toEqual(['RATE_LIMITED']);
    const media = (first.body.data as { media: { edges: unknown[] } }).media;
    expect(media.edges).toHaveLength(4);
  });
});

describe('who a client is', () => {
  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('without TRUST_PROXY, X-Forwarded-For is ignored: anonymous callers share one address', async () => {
    const s = await start({ CLIENT_CALLS_PER_MINUTE: '2' });
    expect((await send(s, WICKSON_LIST, from('203.0.113.1'))).status).toBe(200);
    expect((await send(s, WICKSON_LIST, from('203.0.113.2'))).status).toBe(200);
    expectRefused(await send(s, WICKSON_LIST, from('203.0.113.3')), /per minute/);
  });

  it('with TRUST_PROXY=1, the address the proxy appended is the client', async () => {
    const s = await start({ CLIENT_CALLS_PER_MINUTE: '2', TRUST_PROXY: '1' });
    for (let i = 0; i < 2; i++)
      expect((await send(s, WICKSON_LIST, from('203.0.113.1'))).status).toBe(200);
    expectRefused(await send(s, WICKSON_LIST, from('203.0.113.1')), /per minute/);
    // Entries a client prepends itself are not believed: the rightmost one is.
    expectRefused(await send(s, WICKSON_LIST, from('198.51.100.7, 203.0.113.1')), /per minute/);
    expect((await send(s, WICKSON_LIST, from('203.0.113.2'))).status).toBe(200);
  });

  it('a token is a client of its own once Beluga accepted it; a made-up one is its address', async () => {
    const s = await start({ CLIENT_CALLS_PER_MINUTE: '1', TRUST_PROXY: '1' });
    const at = from('203.0.113.1');
    // Not yet accepted: the member's first call counts against its address (and vouches for it).
    await vouch(s, { ...member, ...at });
    expectRefused(await send(s, WICKSON_LIST, at), /per minute/);
    expectRefused(await send(s, WICKSON_LIST, { ...at, authorization: 'Token made-up' }), /minute/);
    expect((await send(s, WICKSON_LIST, { ...member, ...at })).status).toBe(200);
  });

  it('a token Beluga answers 401 is revoked: its calls count against its address again', async () => {
    const s = await start({ CLIENT_CALLS_PER_MINUTE: '2', TRUST_PROXY: '1' });
    const at = from('203.0.113.1');
    const made = { ...at, authorization: 'Token made-up' };
    const refused = await send(s, BELUGA_ONE, made);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await send(s, WICKSON_LIST, made)).status).toBe(200);
    expectRefused(await send(s, WICKSON_LIST, made), /per minute/);
  });
});

describe('over a real socket', () => {
  it('the peer address is the client', async () => {
    const { running, fakes, lines, close } = await startListening({
      CLIENT_CALLS_PER_MINUTE: '1',
      ...NO_SHARED_CACHE,
    });
    try {
      const post = () =>
        fetch(`${running.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: WICKSON_LIST }),
        });
      expect((await post()).status).toBe(200);
      const refused = await post();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'client limit reached');
      expect(logged).toMatchObject({ client: 'a:127.0.0.1', limit: 'calls' });
      expect(fakes.wickson.control.ledger.count()).toBe(1);
    } finally {
      await close();
    }
  });
});
