/**
 * Made-up tokens are nobody: a flood of requests from one address, each with a fresh invented
 * `Token`, spends no more of the shared Wickson hour than that address's share, a second address
 * doing the same gets a smaller part of what is left (pacing), and afterwards a member and an
 * anonymous caller elsewhere still get uncached Wickson reads.
 */
import { afterEach, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { NO_SHARED_CACHE } from '../helpers/no-cache.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { member } from '../helpers/writes.ts';

const BUDGET = 40;
const UNKNOWN_NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Collection { name } } }`;
const WICKSON_ONE = '{ collection(source: WICKSON, sourceId: "research_papers") { name } }';
const BELUGA_ONE = '{ collection(source: BELUGA, sourceId: "21") { name } }';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const from = (address: string) => ({ 'x-forwarded-for': address });
const unknownIds = (batch: number) =>
  Array.from({ length: 100 }, (_, i) =>
    encodeGlobalId('Collection', `WICKSON:no_such_set_${batch}_${i}`),
  );

/** Eleven requests of 100 unknown Wickson ids, each with its own invented token; Wickson calls. */
async function flood(s: Stack, address: string, round: number) {
  s.resetLedgers();
  for (let i = 0; i < 11; i++) {
    const headers = { ...from(address), authorization: `Token invented-${round}-${i}` };
    await s.query(UNKNOWN_NODES, { ids: unknownIds(round * 100 + i) }, headers);
  }
  return s.calls().wickson;
}

it('invented tokens spend one address share; members and anonymous callers elsewhere still read Wickson', async () => {
  stack = await startStack({
    config: { TRUST_PROXY: '1', WICKSON_HOURLY_BUDGET: String(BUDGET), ...NO_SHARED_CACHE },
  });
  const s = stack;
  // The first address may hold half the hour; the second, half of what is then left.
  expect(await flood(s, '198.51.100.1', 1)).toBe(BUDGET / 2);
  expect(await flood(s, '198.51.100.2', 2)).toBe(BUDGET / 4);

  const vouched = await s.query(BELUGA_ONE, {}, { ...member, ...from('203.0.113.7') });
  expect(vouched.body.errors).toBeUndefined();
  for (const headers of [{ ...member, ...from('203.0.113.7') }, from('192.0.2.55')]) {
    s.resetLedgers();
    const read = await s.query(WICKSON_ONE, {}, headers);
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data).toEqual({ collection: { name: expect.any(String) } });
    expect(s.calls().wickson).toBe(1);
  }
});
