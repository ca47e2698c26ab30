/**
 * Idempotency-Key on one gateway (in-memory store): a keyed mutation reaches Beluga once per
 * client and key, its repeats get the stored response (an UNKNOWN outcome included), a repeat
 * while it runs gets 409, another body 422, bad keys 400, and the key lapses after 24 h.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_SUPERUSER_TOKEN } from '../../src/fakes/index.ts';
import { holdNext } from '../helpers/hold.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { member } from '../helpers/writes.ts';

const CREATE = `mutation Create($name: String!) {
  createCollection(input: {projectId: 90, name: $name, method: FULL}) {
    collection { sourceId name } userErrors { field message } } }`;
const DAY_MS = 24 * 60 * 60 * 1000;

let stack: Stack;
let clock = Date.UTC(2026, 0, 1);
beforeAll(async () => {
  stack = await startStack({ gateway: { clock: () => clock } });
});
afterAll(() => stack?.close());
beforeEach(() => stack.fakes.beluga.control.reset());

const posts = () => stack.fakes.beluga.control.ledger.count({ method: 'POST' });
const create = (name: string, key: string, headers: Record<string, string> = member) =>
  stack.post({ query: CREATE, variables: { name } }, { ...headers, 'idempotency-key': key });

describe('a keyed mutation runs once', () => {
  it('a repeat replays the stored response and sends nothing upstream', async () => {
    const first = await create('Idem once', 'key-once');
    expect(first.body.data.createCollection.collection.name).toBe('Idem once');
    const again = await create('Idem once', 'key-once');
    expect(posts()).toBe(1);
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('x-request-id')).toBeTruthy();
  });

  it('a spoiled first answer (outcome UNKNOWN) is replayed, not retried', async () => {
    stack.fakes.beluga.control.addFault({
      route: 'collections.list',
      method: 'POST',
      kind: 'django',
      page: 'server-error',
      times: 1,
    });
    const first = await create('Idem spoiled', 'key-spoiled');
    expect(first.body.errors[0].extensions.outcome).toBe('UNKNOWN');
    const again = await create('Idem spoiled', 'key-spoiled');
    expect(posts()).toBe(1);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('a repeat while the first still runs gets 409 IDEMPOTENCY_KEY_IN_USE', async () => {
    const { arrived, release } = holdNext(stack.fakes.beluga.control, {
      route: 'collections.list',
      method: 'POST',
    });
    const first = create('Idem busy', 'key-busy');
    await arrived;
    // Straight to the gateway: the stack's helpers wait for Beluga calls in flight (the held one).
    const busy = await stack.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { ...member, 'content-type': 'application/json', 'idempotency-key': 'key-busy' },
      body: JSON.stringify({ query: CREATE, variables: { name: 'Idem busy' } }),
    });
    release();
    expect((await first).body.data.createCollection.collection.name).toBe('Idem busy');
    expect(busy.status).toBe(409);
    const { errors } = (await busy.json()) as { errors: { extensions: { code: string } }[] };
    expect(errors[0]?.extensions.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(posts()).toBe(1);
  });

  it('the same key with another body gets 422 IDEMPOTENCY_KEY_REUSED', async () => {
    await create('Idem body one', 'key-reused');
    const other = await create('Idem body two', 'key-reused');
    expect(other.status).toBe(422);
    expect(other.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(posts()).toBe(1);
  });

  it('another client with the same key runs its own request, and has its own replay', async () => {
    const superuser = { authorization: `Token ${FAKE_SUPERUSER_TOKEN}` };
    const mine = await create('Idem member', 'key-shared');
    const theirs = await create('Idem member', 'key-shared', superuser);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body).not.toEqual(mine.body);
    expect(posts()).toBe(2);
    const theirsAgain = await create('Idem member', 'key-shared', superuser);
    const mineAgain = await create('Idem member', 'key-shared');
    expect(theirsAgain.body).toEqual(theirs.body);
    expect(mineAgain.body).toEqual(mine.body);
    expect(posts()).toBe(2);
  });

  it('the key lapses after 24 h: the same request runs again', async () => {
    await create('Idem lapses', 'key-lapses');
    clock += DAY_MS - 1;
    expect((await create('Idem lapses', 'key-lapses')).headers.get('idempotent-replayed')).toBe(
      'true',
    );
    clock += 1;
    const later = await create('Idem lapses', 'key-lapses');
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(posts()).toBe(2);
  });
});

describe('what the header does not cover', () => {
  it.each([
    ['too long', 'k'.repeat(256)],
    ['empty', ''],
    ['an empty quoted string', '""'],
    ['not ASCII', 'clé'],
  ])('a key %s: 400 BAD_USER_INPUT, nothing sent', async (_label, key) => {
    const { status, body } = await create('Idem bad key', key);
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(posts()).toBe(0);
  });

  it('255 characters and a quoted key are accepted', async () => {
    const long = await create('Idem long key', 'k'.repeat(255));
    expect(long.body.data.createCollection.collection.name).toBe('Idem long key');
    const quoted = await create('Idem quoted key', '"quoted-key"');
    expect(quoted.body.data.createCollection.collection.name).toBe('Idem quoted key');
    expect((await create('Idem quoted key', 'quoted-key')).headers.get('idempotent-replayed')).toBe(
      'true',
    );
  });

  it('a query ignores the header: the key stays free for a mutation', async () => {
    const headers = { ...member, 'idempotency-key': 'key-query' };
    const query = await stack.post({ query: '{ project(sourceId: 90) { name } }' }, headers);
    expect(query.body.data.project.name).toBeTruthy();
    const first = await create('Idem after a query', 'key-query');
    expect(first.body.data.createCollection.collection.name).toBe('Idem after a query');
    const again = await create('Idem after a query', 'key-query');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(posts()).toBe(1);
  });

  it('a response not kept (an incremental one) leaves a marker: the retry gets 409', async () => {
    const deferred = `mutation Create($name: String!) {
      createCollection(input: {projectId: 90, name: $name, method: FULL}) {
        collection { sourceId ... @defer { name } } } }`;
    const headers = { ...member, 'idempotency-key': 'key-deferred', accept: 'multipart/mixed' };
    const first = await stack.post(
      { query: deferred, variables: { name: 'Idem deferred' } },
      headers,
    );
    expect(first.status).toBe(200);
    const again = await stack.post(
      { query: deferred, variables: { name: 'Idem deferred' } },
      headers,
    );
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).toContain('IDEMPOTENCY_RESPONSE_NOT_STORED');
    expect(posts()).toBe(1);
  });
});
