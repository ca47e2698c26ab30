/**
 * Graceful shutdown with SHUTDOWN_DELAY_MS: /ready answers 503 while GraphQL is still served,
 * and only then does the listener close.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.ts';
import { type Listening, startListening } from '../helpers/listening.ts';

let listening: Listening;
let running: RunningServer;
// The shutdown delay is the test's to end: it sees what is served during it, with no timer race.
const delays: number[] = [];
let endDelay: () => void = () => {};
const sleep = (ms: number) => {
  delays.push(ms);
  return new Promise<void>((resolve) => {
    endDelay = resolve;
  });
};
beforeAll(async () => {
  listening = await startListening({ SHUTDOWN_DELAY_MS: '700' }, { server: () => ({ sleep }) });
  running = listening.running;
});
afterAll(() => listening?.close());

const graphql = () =>
  fetch(`${running.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ collection(source: BELUGA, sourceId: "21") { name } }' }),
  });

it('keeps serving with /ready 503 for SHUTDOWN_DELAY_MS, then closes', async () => {
  expect((await fetch(`${running.url}/ready`)).status).toBe(200);
  let done = false;
  const closed = running.close().then(() => {
    done = true;
  });
  for (let i = 0; i < 3; i++) {
    const ready = await fetch(`${running.url}/ready`);
    expect(ready.status).toBe(503);
    const res = await graphql();
    expect(res.status).toBe(200);
    expect((await res.json()).data.collection).toEqual({ name: expect.any(String) });
  }
  expect(delays).toEqual([700]);
  expect(done).toBe(false);
  endDelay();
  await closed;
  await expect(fetch(`${running.url}/ready`)).rejects.toThrow();
});
