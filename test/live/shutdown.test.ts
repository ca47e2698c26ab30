/**
 * Shutdown with subscriptions open: every SSE and WebSocket stream gets its `complete`, every
 * poller stops (no timer left), and the server then closes.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { FAKE_MEMBER_TOKEN, startFakes } from '../../src/fakes/index.ts';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { startServer } from '../../src/server/main.ts';
import { createManualClock } from '../helpers/manual-clock.ts';
import { openSse } from '../helpers/sse.ts';
import { openWs } from '../helpers/ws-client.ts';

const JOB_UPDATED = `subscription ($id: ID!) { jobUpdated(id: $id) { status } }`;
const MEMBER = `Token ${FAKE_MEMBER_TOKEN}`;

describe('shutdown with open subscriptions', () => {
  it('completes every stream and stops every poller', async () => {
    const fakes = await startFakes({ manualClock: true, jobSeconds: 60 });
    const clock = createManualClock();
    const config = configFrom({
      HOST: '127.0.0.1',
      PORT: '0',
      BELUGA_URL: fakes.beluga.url,
      WICKSON_URL: fakes.wickson.url,
      SHUTDOWN_TIMEOUT_MS: '2000',
    });
    const running = await startServer(config, {
      logger: pino({ level: 'silent' }),
      liveClock: clock,
    });
    try {
      const id = fakes.dataset.ids.draftJobs.find(
        (job) => fakes.dataset.jobs.get(job)!.jobType.key === 'ml',
      )!;
      await fetch(`${fakes.beluga.url}/api/v2/jobs/${id}/run/`, {
        method: 'POST',
        headers: { authorization: MEMBER },
      });
      const variables = { id: encodeGlobalId('Job', `BELUGA:${id}`) };
      const sse = await openSse(running.url, JOB_UPDATED, variables, { authorization: MEMBER });
      const ws = openWs(running.url, JOB_UPDATED, variables, { authorization: MEMBER });
      await Promise.all([sse.received(1), ws.received(1)]);
      expect(running.live.hub.stats()).toMatchObject({ streams: 2, topics: 1 });
      expect(clock.pending()).toBe(1);

      await running.close();
      await Promise.all([sse.ended, ws.ended]);
      expect(sse.completed()).toBe(true);
      expect(ws.completed()).toBe(true);
      expect(ws.error()).toBeUndefined();
      expect(running.live.hub.stats()).toMatchObject({ streams: 0, topics: 0, pollers: 0 });
      expect(clock.pending()).toBe(0);
      await ws.close();
    } finally {
      await running.close();
      await fakes.close();
    }
  });
});
