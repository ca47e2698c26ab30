/**
 * A real redis-server (Debian's package, /usr/bin/redis-server) for tests: 127.0.0.1 on a free
 * port, no persistence, its own temporary directory. `startRedisServer()` resolves once it
 * answers PING; `useRedisServer()` starts one in beforeAll and stops it in afterAll. `kill()`
 * simulates an outage (SIGKILL); `restart()` brings it back, empty, on the same port. `pause()`
 * freezes it with its connections open (SIGSTOP: a hung Redis); `resume()` thaws it (SIGCONT).
 *
 *   const redis = useRedisServer();
 *   it('...', async () => { startStack({ config: { REDIS_URL: redis().url } }) ... });
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './net.ts';

/**
 * For tests that are not about the timeout: on a loaded machine a Redis answer can take longer than
 * the 200 ms default, which the gateway rightly treats as an outage.
 */
export const PATIENT_REDIS = { REDIS_TIMEOUT_MS: '2000' };

export interface RedisServer {
  url: string;
  port: number;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit: Redis vanishes without closing anything. */
  kill(): Promise<void>;
  /** Starts again on the same port (empty) and waits until it answers. */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open, nothing answers until `resume` (or `stop`). */
  pause(): void;
  /** SIGCONT: it runs again, serving what was sent meanwhile first. */
  resume(): void;
}

const BINARY = 'redis-server';
const START_DEADLINE_MS = 10_000;
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gateway-redis-'));
  let child: ChildProcess | undefined;

  const launch = async () => {
    const spawned = spawn(
      BINARY,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    let failed: Error | undefined;
    spawned.once('error', (error) => {
      failed = error;
    });
    spawned.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    running.add(spawned);
    spawned.once('exit', () => running.delete(spawned));
    child = spawned;
    const deadline = Date.now() + START_DEADLINE_MS;
    while (!(await pings(port))) {
      if (failed)
        throw new Error(
          `cannot run ${BINARY} (${failed.message}): the Redis tests need Debian's redis-server package (apt-get install redis-server; .ci/run installs it when missing)`,
        );
      if (spawned.exitCode !== null || Date.now() > deadline) {
        spawned.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${port}: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const end = async (signal: NodeJS.Signals) => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill(signal);
    // A paused server acts on SIGTERM only once it runs again.
    current.kill('SIGCONT');
    await exited;
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
    pause: () => {
      child?.kill('SIGSTOP');
    },
    resume: () => {
      child?.kill('SIGCONT');
    },
    restart: async () => {
      await end('SIGKILL');
      await launch();
    },
  };
}

/** One redis-server per test file: started in beforeAll, stopped in afterAll. */
export function useRedisServer(): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('useRedisServer(): not started yet (use it inside a test)');
    return server;
  };
}

/** Whether something on `port` answers PING with +PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d: Buffer) => done(d.toString().startsWith('+PONG')));
  });
}
