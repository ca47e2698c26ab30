/**
 * Idempotency-Key at the edges: a claim whose request lost its answer (still `running` past the
 * longest a request can take) or whose response is too large to keep is never run again, and
 * browsers on allowed origins may send the header and read `Idempotent-Replayed`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdNext } from '../helpers/hold.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { member } from '../helpers/writes.ts';

const CREATE = `mutation Create($name: String!) {
  createCollection(input: {projectId: 90, name: $name, method: FULL}) { collection { name } } }`;
const ORIGIN = 'https://app.example.org';

let stack: Stack;
let clock = Date.UTC(2026, 0, 1);
beforeAll(async () => {
  stack = await startStack({
    config: { CORS_ORIGINS: ORIGIN },
    gateway: { clock: () => clock },
  });
});
afterAll(() => stack?.close());

const send = (name: string, key: string, headers: Record<string, string> = {}) =>
  stack.gateway.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { ...member, 'content-type': 'application/json', 'idempotency-key': key, ...headers },
    body: JSON.stringify({ query: CREATE, variables: { name } }),
  });

describe('a claim that lost its answer', () => {
  it('past REQUEST_TIMEOUT_MS + 10 s a running claim answers 409 NOT_STORED, never runs again', async () => {
    const control = stack.fakes.beluga.control;
    control.reset();
    const { arrived, release } = holdNext(control, { route: 'collections.list', method: 'POST' });
    const first = send('Edge lost', 'key-lost');
    await arrived;
    expect((await send('Edge lost', 'key-lost')).status).toBe(409);
    clock += stack.config.requestTimeoutMs + 10_000 + 1;
    const lost = await send('Edge lost', 'key-lost');
    release();
    await first;
    expect(lost.status).toBe(409);
    expect(await lost.text()).toContain('IDEMPOTENCY_RESPONSE_NOT_STORED');
    expect(control.ledger.count({ method: 'POST' })).toBe(1);
  });
});

describe('a response over 64 KiB', () => {
  it('is not kept: the retry gets 409 NOT_STORED and runs nothing', async () => {
    const control = stack.fakes.beluga.control;
    control.reset();
    const big = `mutation Big($description: String!) { createCollection(input: {projectId: 90,
      name: "Edge big", method: FULL, description: $description}) { collection { description } } }`;
    const body = JSON.stringify({ query: big, variables: { description: 'x'.repeat(70_000) } });
    const post = () =>
      stack.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { ...member, 'content-type': 'application/json', 'idempotency-key': 'key-big' },
        body,
      });
    const first = await post();
    expect((await first.text()).length).toBeGreaterThan(64 * 1024);
    const again = await post();
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('IDEMPOTENCY_RESPONSE_NOT_STORED');
    expect(control.ledger.count({ method: 'POST' })).toBe(1);
  });
});

describe('CORS', () => {
  it('a preflight allows Idempotency-Key; a replay exposes Idempotent-Replayed', async () => {
    const preflight = await stack.gateway.fetch('http://gateway.test/graphql', {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    await send('Edge CORS', 'key-cors', { origin: ORIGIN });
    const replay = await send('Edge CORS', 'key-cors', { origin: ORIGIN });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('access-control-expose-headers')).toContain('idempotent-replayed');
    expect(replay.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });
});
