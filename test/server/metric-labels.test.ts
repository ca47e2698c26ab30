/**
 * Metrics a stranger cannot blind: 205 junk operation names from callers nobody vouched for fill
 * no label (they count as `other`), so a member's operation and a persisted one still get their
 * own series afterwards.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMetrics, type GatewayMetrics } from '../../src/server/metrics.ts';
import { sha256Hex } from '../../src/server/plugins/persisted-manifest.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { member } from '../helpers/writes.ts';
import { createManifestDir, manifestOf } from './persisted/manifest-file.ts';

const PERSISTED = 'query FromTheApp { collection(source: BELUGA, sourceId: "21") { name } }';
const dir = createManifestDir();
let stack: Stack;
let metrics: GatewayMetrics;
beforeAll(async () => {
  metrics = createMetrics({});
  stack = await startStack({
    config: {
      PERSISTED_OPERATIONS_FILE: dir.write(manifestOf([{ name: 'FromTheApp', body: PERSISTED }])),
    },
    gateway: { metrics },
  });
});
afterAll(async () => {
  await stack?.close();
  dir.remove();
});

const series = async (operation: string) => {
  const text = await metrics.render();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`gateway_graphql_requests_total{operation="${operation}",`));
  return line ? Number(line.split(' ').pop()) : 0;
};

it('junk names from strangers count as other; vouched and persisted names get their series', async () => {
  for (let i = 0; i < 205; i++) {
    const headers = { authorization: `Token invented-${i}` };
    await stack.query(`query Junk${i} { __typename }`, {}, headers);
  }
  expect(await series('Junk0')).toBe(0);
  expect(await series('other')).toBe(205);

  // The member's first request makes Beluga vouch for its token; its names count from then on.
  await stack.query(
    'query Hello { collection(source: BELUGA, sourceId: "21") { name } }',
    {},
    member,
  );
  await stack.query('query MemberView { __typename }', {}, member);
  expect(await series('MemberView')).toBe(1);

  const persisted = await stack.post(
    { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(PERSISTED) } } },
    {},
  );
  expect(persisted.status).toBe(200);
  expect(await series('FromTheApp')).toBe(1);
});
