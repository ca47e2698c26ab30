/**
 * `npm run demo` and `npm run fakes` list a Beluga token per Antenna project role, the superuser
 * and the outsider in their banners, and each token works as that role on the fake.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  FAKE_OUTSIDER_TOKEN,
  FAKE_ROLE_TOKENS,
  FAKE_SUPERUSER_TOKEN,
  ROLE_DISPLAY_NAMES,
  ROLE_NAMES,
} from '../src/fakes/index.ts';

/** Runs a script on ephemeral ports until its banner's last line, then stops it. */
function banner(script: string, last: RegExp): Promise<string> {
  const child = spawn(process.execPath, [script], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      BELUGA_FAKE_PORT: '0',
      WICKSON_FAKE_PORT: '0',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
    if (last.test(stdout)) child.kill('SIGTERM');
  });
  return new Promise((resolve) => child.on('exit', () => resolve(stdout)));
}

function expectTokens(stdout: string) {
  const lines = stdout.split('\n');
  const lineOf = (token: string) => lines.filter((l) => l.includes(`Token ${token}`));
  for (const role of ROLE_NAMES) {
    const found = lineOf(FAKE_ROLE_TOKENS[role]);
    expect(found, role).toHaveLength(1);
    expect(found[0]).toContain(ROLE_DISPLAY_NAMES[role]);
  }
  expect(lineOf(FAKE_SUPERUSER_TOKEN)[0]).toContain('Superuser');
  expect(lineOf(FAKE_OUTSIDER_TOKEN)[0]).toContain('Outsider');
}

describe('banners', () => {
  it('npm run demo prints a token per role', async () => {
    expectTokens(await banner('src/demo.ts', /Ctrl-C stops everything/));
  });

  it('npm run fakes prints a token per role', async () => {
    expectTokens(await banner('src/fakes/main.ts', /^Control: /m));
  });
});
