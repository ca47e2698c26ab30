import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { lazyChild } from '../../src/server/lazy-logger.ts';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = pino({ level, redact: ['authorization'] }, stream);
  return { logger, lines };
}

describe('lazyChild', () => {
  it('makes no pino child until something is logged at an enabled level', () => {
    const { logger, lines } = capture('warn');
    const child = vi.spyOn(logger, 'child');
    const lazy = lazyChild(logger, { requestId: 'r1' });
    lazy.debug({ a: 1 }, 'filtered');
    lazy.info('filtered too');
    expect(lazy.isLevelEnabled('debug')).toBe(false);
    expect(lazy.isLevelEnabled('warn')).toBe(true);
    expect(lazy.level).toBe('warn');
    expect(child).not.toHaveBeenCalled();
    lazy.warn({ code: 'X', authorization: 'secret' }, 'kept');
    lazy.error('also kept');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ requestId: 'r1', code: 'X', msg: 'kept' });
    expect(lines[0]?.authorization).toBe('[Redacted]');
    expect(lines[1]).toMatchObject({ requestId: 'r1', msg: 'also kept' });
  });
  it('writes the same line as an eager child, nested children included', () => {
    const eager = capture('debug');
    const lazy = capture('debug');
    eager.logger.child({ requestId: 'r2' }).child({ component: 'c' }).debug({ n: 1 }, 'm');
    lazyChild(lazy.logger, { requestId: 'r2' }).child({ component: 'c' }).debug({ n: 1 }, 'm');
    const strip = ({ time: _t, ...rest }: Record<string, unknown>) => rest;
    expect(lazy.lines.map(strip)).toEqual(eager.lines.map(strip));
    expect(lazy.lines[0]).toMatchObject({ requestId: 'r2', component: 'c', n: 1 });
  });
});
