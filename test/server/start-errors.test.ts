/**
 * First-run mistakes give one line naming the variable and the fix, never a stack: a busy port
 * (gateway, demo, fakes), a host that is not this machine's, bad fake settings. Also what the
 * fakes' banner tells the user to paste.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { listenErrorMessage } from '../../src/listen-errors.ts';
import { useBusyPort } from '../helpers/net.ts';

const busyPort = useBusyPort();

/** Runs a script to its exit (or until `until` matches stdout, then stops it). */
function run(
  script: string,
  env: Record<string, string>,
  until?: RegExp,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
    if (until?.test(stdout)) child.kill('SIGTERM');
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

function expectOneLine(stderr: string, ...parts: string[]) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  for (const part of parts) expect(lines[0]).toContain(part);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('busy ports', () => {
  it('gateway: names PORT', async () => {
    const { code, stderr } = await run('src/server/main.ts', {
      PORT: String(busyPort()),
      HOST: '127.0.0.1',
      WICKSON_API_KEY: 'k',
      LOG_LEVEL: 'silent',
    });
    expect(code).toBe(1);
    expectOneLine(stderr, `PORT=${busyPort()}`, 'already in use', 'set PORT to a free port');
  });

  it('fakes: names BELUGA_FAKE_PORT', async () => {
    const { code, stderr } = await run('src/fakes/main.ts', {
      BELUGA_FAKE_PORT: String(busyPort()),
      WICKSON_FAKE_PORT: '0',
    });
    expect(code).toBe(1);
    expectOneLine(stderr, `BELUGA_FAKE_PORT=${busyPort()}`, 'set BELUGA_FAKE_PORT to a free port');
  });

  it('demo: names WICKSON_FAKE_PORT', async () => {
    const { code, stderr } = await run('src/demo.ts', {
      PORT: '0',
      BELUGA_FAKE_PORT: '0',
      WICKSON_FAKE_PORT: String(busyPort()),
    });
    expect(code).toBe(1);
    expectOneLine(stderr, `WICKSON_FAKE_PORT=${busyPort()}`, 'set WICKSON_FAKE_PORT');
  });
});

describe('hosts and fake settings', () => {
  it('HOST=999.1.1.1 is refused by name; an address of another machine too', async () => {
    const bad = await run('src/server/main.ts', { HOST: '999.1.1.1', WICKSON_API_KEY: 'k' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('HOST must be an IP address');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const foreign = await run('src/server/main.ts', {
      HOST: '192.0.2.1',
      PORT: '0',
      WICKSON_API_KEY: 'k',
      LOG_LEVEL: 'silent',
    });
    expect(foreign.code).toBe(1);
    expectOneLine(foreign.stderr, 'HOST=192.0.2.1 is not an address of this machine');
  });

  it('WICKSON_URL=not-a-url is refused by name, without a stack', async () => {
    const bad = await run('src/server/main.ts', { WICKSON_URL: 'not-a-url', WICKSON_API_KEY: 'k' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('WICKSON_URL Invalid URL');
    expect(bad.stderr).not.toContain('failed to start');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('FAKE_HOST and a too small FAKE_SCALE: one line each, no stack', async () => {
    const host = await run('src/fakes/main.ts', { FAKE_HOST: '999.1.1.1' });
    expect(host.code).toBe(1);
    expectOneLine(host.stderr, 'FAKE_HOST: must be an IP address');
    const foreign = await run('src/fakes/main.ts', {
      FAKE_HOST: '192.0.2.1',
      BELUGA_FAKE_PORT: '0',
      WICKSON_FAKE_PORT: '0',
    });
    expectOneLine(foreign.stderr, 'FAKE_HOST=192.0.2.1 is not an address of this machine');
    const scale = await run('src/fakes/main.ts', { FAKE_SCALE: 'captureSets=10' });
    expect(scale.code).toBe(1);
    expectOneLine(scale.stderr, 'FAKE_SCALE: captureSets must be at least 81');
  });

  it("the fakes' banner prints the key and the gateway's settings to paste", async () => {
    const { stdout } = await run(
      'src/fakes/main.ts',
      { BELUGA_FAKE_PORT: '0', WICKSON_FAKE_PORT: '0', WICKSON_API_KEY: 'my-key' },
      /npm start/,
    );
    expect(stdout).toContain('X-Api-Key: my-key');
    expect(stdout).not.toContain('<WICKSON_API_KEY>');
    const paste = /BELUGA_URL=(\S+) WICKSON_URL=(\S+) WICKSON_API_KEY=my-key npm start/.exec(
      stdout,
    );
    expect(paste?.[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(paste?.[2]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

it('listenErrorMessage: EACCES names the port variable; other errors are not its business', () => {
  const error = Object.assign(new Error('listen EACCES'), { code: 'EACCES', port: 80 });
  expect(listenErrorMessage(error, { ports: { PORT: 80 }, host: ['HOST', '0.0.0.0'] })).toBe(
    'PORT=80: not allowed to listen there; set PORT to a port above 1023',
  );
  expect(
    listenErrorMessage(new Error('boom'), { ports: { PORT: 80 }, host: ['HOST', '0.0.0.0'] }),
  ).toBeUndefined();
});
