/**
 * A start that fails at listening (PORT or METRICS_PORT in use) closes what it opened before it
 * failed: its Redis connections, and the GraphQL port when only the metrics port was busy. A real
 * redis-server counts the gateway's connections (CLIENT LIST).
 */
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListening } from '../helpers/listening.ts';
import { freePort, useBusyPort } from '../helpers/net.ts';
import { pollUntil } from '../helpers/poll.ts';
import { PATIENT_REDIS, useRedisServer } from '../helpers/redis-server.ts';

const redis = useRedisServer();
const busyPort = useBusyPort();
let probe: Redis;
beforeAll(async () => {
  probe = new Redis(redis().url, { lazyConnect: true });
  await probe.connect();
});
afterAll(() => probe.disconnect());

/** Connections to the redis-server other than the probe's own. */
async function gatewayConnections(): Promise<number> {
  const list = String(await probe.call('CLIENT', 'LIST'));
  return list.trim().split('\n').length - 1;
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

const withRedis = () => ({
  REDIS_URL: redis().url,
  CACHE_KEY_SECRET: 'replicas-share-this-secret',
  ...PATIENT_REDIS,
});

describe('a start that fails to listen', () => {
  it('PORT in use: rejects with EADDRINUSE and leaves no Redis connection open', async () => {
    expect(await gatewayConnections()).toBe(0);
    await expect(
      startListening({ ...withRedis(), PORT: String(busyPort()) }),
    ).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    await pollUntil(async () => (await gatewayConnections()) === 0);
  });

  it('METRICS_PORT in use: the GraphQL port it had bound is free again, Redis closed', async () => {
    const port = await freePort();
    await expect(
      startListening({ ...withRedis(), PORT: String(port), METRICS_PORT: String(busyPort()) }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(await refused(port)).toBe(true);
    await pollUntil(async () => (await gatewayConnections()) === 0);
  });

  it('a start that succeeds holds its connections until close', async () => {
    const started = await startListening(withRedis());
    await pollUntil(async () => (await gatewayConnections()) > 0);
    await started.close();
    await pollUntil(async () => (await gatewayConnections()) === 0);
  });
});
