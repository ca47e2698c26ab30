import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../../src/schema/connections/cursor.ts';
import { parsePageArgs, positionAfter } from '../../../src/schema/connections/page-args.ts';

const key = 'k1';

function errorCode(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: { code?: unknown } }).extensions?.code;
  }
  return 'no error';
}

describe('parsePageArgs', () => {
  it('defaults to the first 20', () => {
    expect(parsePageArgs({}, key, 2)).toEqual({
      direction: 'forward',
      size: 20,
      after: null,
      before: null,
    });
  });

  it('reads first/after and last/before', () => {
    const after = encodeCursor({ k: key, p: [2, 1], s: 0 });
    expect(parsePageArgs({ first: 5, after }, key, 2)).toMatchObject({
      direction: 'forward',
      size: 5,
      after: { p: [2, 1], s: 0 },
    });
    expect(parsePageArgs({ last: 100, before: after }, key, 2)).toMatchObject({
      direction: 'backward',
      size: 100,
      before: { p: [2, 1], s: 0 },
    });
    expect(parsePageArgs({ first: 0 }, key, 2).size).toBe(0);
  });

  it.each([
    [{ first: 101 }],
    [{ last: 101 }],
    [{ first: -1 }],
    [{ last: -5 }],
    [{ first: 1, last: 1 }],
    [{ after: '' }],
    [{ before: 'nope' }],
  ])('rejects %j with BAD_USER_INPUT, never clamping', (args) => {
    expect(errorCode(() => parsePageArgs(args, key, 2))).toBe('BAD_USER_INPUT');
  });

  it('positions after a cursor advance only its own source', () => {
    expect(positionAfter({ k: key, p: [4, 9], s: 1 })).toEqual([4, 10]);
    expect(positionAfter({ k: key, p: [4, 9], s: 0 })).toEqual([5, 9]);
  });
});
