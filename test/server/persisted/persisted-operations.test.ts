import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/server/plugins/persisted-manifest.ts';
import { type GraphQLBody, type Stack, startStack } from '../../helpers/stack.ts';
import { createManifestDir, manifestOf } from './manifest-file.ts';

const PROJECT = 'query ProjectName($id: Int!) { project(sourceId: $id) { sourceId name } }';
const WICKSON = `query WicksonNames { collections(first: 3, filter: { sources: [WICKSON] }) {
  edges { node { ...Named } } } }
fragment Named on Collection { sourceId name }`;
const CUSTOM_ID = 'wickson-names@v2';

const dir = createManifestDir();
const file = dir.write(
  manifestOf([
    { name: 'ProjectName', body: PROJECT },
    { id: CUSTOM_ID, name: 'WicksonNames', body: WICKSON },
  ]),
);
afterAll(() => dir.remove());

async function post(stack: Stack, body: unknown, headers: Record<string, string> = {}) {
  const response = await stack.gateway.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}

const persisted = (id: string, variables?: Record<string, unknown>) => ({
  variables,
  extensions: { persistedQuery: { version: 1, sha256Hash: id } },
});

const codes = (body: GraphQLBody) => body.errors?.map((e) => e.extensions?.code);

describe('PERSISTED_OPERATIONS_ONLY=true', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      config: { PERSISTED_OPERATIONS_FILE: file, PERSISTED_OPERATIONS_ONLY: 'true' },
    });
  });
  afterAll(() => stack?.close());
  beforeEach(() => stack.resetLedgers());

  it('runs a manifest operation named by its sha256 hash, with variables', async () => {
    const { status, body } = await post(stack, persisted(sha256Hex(PROJECT), { id: 23 }));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ project: { sourceId: 23, name: expect.any(String) } });
    expect(stack.calls().routes).toEqual({ 'beluga:projects.detail': 1 });
  });

  it('accepts a custom (non-hash) id, fragments included', async () => {
    const { body } = await post(stack, persisted(CUSTOM_ID));
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      collections: {
        edges: Array(3).fill({ node: { sourceId: expect.any(String), name: expect.any(String) } }),
      },
    });
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 1 });
  });

  it('refuses any other document before parsing it, with no upstream call', async () => {
    for (const query of [
      '{ project(sourceId: 23) { name } }',
      PROJECT,
      'query { this is not graphql',
    ]) {
      const { status, body } = await post(stack, { query, variables: { id: 23 } });
      expect(status).toBe(200);
      expect(body.data).toBeUndefined();
      expect(codes(body)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    }
    // A document next to a known id is refused too: ids only.
    const both = await post(stack, {
      query: PROJECT,
      ...persisted(sha256Hex(PROJECT), { id: 23 }),
    });
    expect(codes(both.body)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
  });

  it('refuses an unknown id and a request with neither id nor document', async () => {
    const unknown = await post(stack, persisted(sha256Hex('{ __typename }')));
    expect(codes(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(unknown.body.errors?.[0]?.message).toBe('Unknown persisted operation.');
    const none = await post(stack, { variables: {} });
    expect(codes(none.body)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
  });

  it('answers 400 under application/graphql-response+json', async () => {
    const { status } = await post(
      stack,
      { query: '{ __typename }' },
      { accept: 'application/graphql-response+json' },
    );
    expect(status).toBe(400);
  });

  it('serves a persisted query over GET (cacheable URLs for a backend-for-frontend)', async () => {
    const params = new URLSearchParams({
      variables: JSON.stringify({ id: 23 }),
      extensions: JSON.stringify(persisted(sha256Hex(PROJECT)).extensions),
    });
    const response = await stack.gateway.fetch(`http://gateway.test/graphql?${params}`, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    const body = (await response.json()) as GraphQLBody;
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ project: { sourceId: 23 } });
  });
});

describe('PERSISTED_OPERATIONS_FILE without ONLY', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { PERSISTED_OPERATIONS_FILE: file } });
  });
  afterAll(() => stack?.close());
  beforeEach(() => stack.resetLedgers());

  it('serves persisted ids and arbitrary documents alike', async () => {
    const viaId = await post(stack, persisted(sha256Hex(PROJECT), { id: 23 }));
    expect(viaId.body.data).toMatchObject({ project: { sourceId: 23 } });
    const text = await stack.query('{ project(sourceId: 23) { sourceId } }');
    expect(text.body.data).toEqual({ project: { sourceId: 23 } });
    expect(text.body.errors).toBeUndefined();
    expect(stack.calls().routes).toEqual({ 'beluga:projects.detail': 2 });
  });

  it('answers exactly what the text document answers, variable errors included', async () => {
    for (const variables of [{ id: 23 }, { id: 'twenty-three' }]) {
      const viaId = await post(stack, persisted(sha256Hex(PROJECT), variables));
      const text = await stack.query(PROJECT, variables);
      expect(viaId.status).toBe(text.status);
      const withoutRequestIds = (body: GraphQLBody) =>
        JSON.parse(JSON.stringify(body).replace(/"requestId":"[^"]+"/g, '"requestId":"-"'));
      expect(withoutRequestIds(viaId.body)).toEqual(withoutRequestIds(text.body));
    }
    expect(stack.calls().routes).toEqual({ 'beluga:projects.detail': 2 });
  });

  it('refuses an unknown id, and a body with neither keeps yoga’s answer', async () => {
    const unknown = await post(stack, persisted('nope'));
    expect(codes(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    const none = await post(stack, {});
    expect(none.status).toBe(400);
    expect(codes(none.body)).toEqual(['BAD_REQUEST']);
    expect(stack.calls()).toMatchObject({ beluga: 0, wickson: 0 });
  });
});
