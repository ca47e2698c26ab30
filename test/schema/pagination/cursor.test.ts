import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, listKey } from '../../../src/schema/connections/cursor.ts';

function codeOf(fn: () => unknown): { code: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const e = error as GraphQLError;
    return { code: e.extensions.code, message: e.message };
  }
  throw new Error('expected a GraphQLError');
}

describe('cursor codec', () => {
  const key = listKey(['collections', 'NAME', 'ASC']);

  it('round-trips an opaque base64url cursor', () => {
    const raw = encodeCursor({ k: key, p: [3, 7], s: 1 });
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(raw, key, 2)).toEqual({ k: key, p: [3, 7], s: 1 });
  });

  it.each([
    ['not base64', '!!!'],
    ['empty', ''],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['wrong shape', Buffer.from(JSON.stringify({ k: key, p: [1] })).toString('base64url')],
    ['negative offset', encodeCursor({ k: key, p: [-1, 0], s: 0 })],
    ['fractional offset', encodeCursor({ k: key, p: [1.5, 0], s: 0 })],
    ['source out of range', encodeCursor({ k: key, p: [1, 0], s: 2 })],
    [
      'extra keys',
      Buffer.from(JSON.stringify({ k: key, p: [0, 0], s: 0, x: 1 })).toString('base64url'),
    ],
    [
      'another list',
      encodeCursor({ k: listKey(['collections', 'NAME', 'DESC']), p: [0, 0], s: 0 }),
    ],
    ['too long', 'A'.repeat(5000)],
  ])('rejects %s with BAD_USER_INPUT and a constant message', (_name, raw) => {
    const { code, message } = codeOf(() => decodeCursor(raw, key, 2));
    expect(code).toBe('BAD_USER_INPUT');
    expect(message).toBe('Invalid cursor: use a cursor returned by this connection.');
  });

  it('rejects a cursor with a different number of sources', () => {
    const raw = encodeCursor({ k: key, p: [1], s: 0 });
    expect(codeOf(() => decodeCursor(raw, key, 2)).code).toBe('BAD_USER_INPUT');
  });

  it('never echoes the input', () => {
    const raw = Buffer.from('<script>secret</script>').toString('base64url');
    expect(codeOf(() => decodeCursor(raw, key, 2)).message).not.toContain('secret');
    expect(codeOf(() => decodeCursor('secret-token', key, 2)).message).not.toContain('secret');
  });

  it('derives distinct, stable list keys', () => {
    expect(listKey(['a', 1])).toBe(listKey(['a', 1]));
    expect(listKey(['a', 1])).not.toBe(listKey(['a', 2]));
    expect(listKey(['a', undefined])).toBe(listKey(['a', null]));
  });
});
