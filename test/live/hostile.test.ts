/**
 * Hostile input at the subscription doors: ids that are not a Job's (or not ids at all), a
 * made-up token, a WebSocket upgrade on another path, an oversized WebSocket message. Each is
 * refused with a closed code (or the socket is refused) before any watcher or poll exists.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { configFrom } from '../../src/config.ts';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { type RunningServer, startServer } from '../../src/server/main.ts';
import { createManualClock } from '../helpers/manual-clock.ts';
import { openSse } from '../helpers/sse.ts';
import { openWs } from '../helpers/ws-client.ts';

const JOB = `subscription ($id: ID!) { jobUpdated(id: $id) { status } }`;
type Event = { data?: unknown; errors?: { extensions: { code: string } }[] };

let fakes: Fakes;
let running: RunningServer;
beforeAll(async () => {
  fakes = await startFakes();
  running = await startServer(
    configFrom({
      HOST: '127.0.0.1',
      PORT: '0',
      BELUGA_URL: fakes.beluga.url,
      WICKSON_URL: fakes.wickson.url,
      MAX_BODY_BYTES: '4096',
    }),
    { logger: pino({ level: 'silent' }), liveClock: createManualClock() },
  );
});
afterAll(async () => {
  await running?.close();
  await fakes?.close();
});

async function refusal(id: string, headers: Record<string, string> = {}) {
  const sse = await openSse(running.url, JOB, { id }, headers);
  await sse.ended;
  const ws = openWs(running.url, JOB, { id }, headers);
  await ws.ended;
  await ws.close();
  return [sse.events, ws.events].map((events) => {
    expect(events).toHaveLength(1);
    expect((events[0] as Event).data ?? null).toBeNull();
    return (events[0] as Event).errors?.[0]?.extensions.code;
  });
}

describe('hostile subscriptions', () => {
  it('refuses ids that are not a Job global id with BAD_USER_INPUT, without a call', async () => {
    fakes.beluga.control.ledger.reset();
    for (const id of [
      'not-an-id',
      encodeGlobalId('Collection', 'BELUGA:21'),
      encodeGlobalId('Job', 'BELUGA:0'),
      encodeGlobalId('Job', 'BELUGA:99999999999'),
      'x'.repeat(3000),
    ]) {
      expect(await refusal(id)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    }
    expect(fakes.beluga.control.ledger.entries()).toHaveLength(0);
    expect(running.live.hub.stats().streams).toBe(0);
  });

  it('a made-up token is UNAUTHENTICATED, with no watcher', async () => {
    const id = encodeGlobalId('Job', `BELUGA:${fakes.dataset.ids.draftJobs[0]}`);
    const codes = await refusal(id, { authorization: 'Token made-up-token-0000' });
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(running.live.hub.stats()).toMatchObject({ streams: 0, topics: 0 });
  });

  it('refuses a WebSocket upgrade on another path and an oversized message', async () => {
    const other = new WebSocket(
      `${running.url.replace('http', 'ws')}/elsewhere`,
      'graphql-transport-ws',
    );
    const failed = await new Promise<boolean>((resolve) => {
      other.on('error', () => resolve(true));
      other.on('open', () => resolve(false));
    });
    expect(failed).toBe(true);

    const socket = new WebSocket(
      `${running.url.replace('http', 'ws')}/graphql`,
      'graphql-transport-ws',
    );
    await new Promise((resolve) => socket.on('open', resolve));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(10_000) } }));
    expect(await closed).toBe(1009);
  });
});
