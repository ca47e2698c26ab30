/** Who a client is: the token's keyed hash, else the address, X-Forwarded-For by trusted hops. */
import { describe, expect, it } from 'vitest';
import { clientAddress, createClientId } from '../../src/server/client-id.ts';

const input = (forwardedFor: string | null, remoteAddress = '10.0.0.9') => ({
  authorization: null,
  forwardedFor,
  remoteAddress,
});

describe('client address', () => {
  it('is the TCP peer without trusted proxies, whatever X-Forwarded-For says', () => {
    expect(clientAddress(input('203.0.113.1'), 0)).toBe('10.0.0.9');
    expect(clientAddress(input(null, '::ffff:10.0.0.9'), 0)).toBe('10.0.0.9');
  });

  it('counts trusted hops from the right', () => {
    const chain = 'spoofed, 203.0.113.1, 10.0.0.2';
    expect(clientAddress(input(chain), 1)).toBe('10.0.0.2');
    expect(clientAddress(input(chain), 2)).toBe('203.0.113.1');
    // Fewer entries than trusted hops: the furthest one listed.
    expect(clientAddress(input('203.0.113.1'), 3)).toBe('203.0.113.1');
    expect(clientAddress(input(null, ''), 1)).toBe('unknown');
  });
});

describe('client id', () => {
  const id = createClientId({ secret: 'a-secret-of-16-chars', trustProxy: 0 });
  it('hashes a DRF token with the key; never contains the token', () => {
    const a = id({ ...input(null), authorization: 'Token abc123' }).token;
    expect(a).toMatch(/^t:[A-Za-z0-9_-]{22}$/);
    expect(a).not.toContain('abc123');
    expect(id({ ...input(null, '10.9.9.9'), authorization: 'Token abc123' }).token).toBe(a);
    const other = createClientId({ secret: 'another-secret-16-ch', trustProxy: 0 });
    expect(other({ ...input(null), authorization: 'Token abc123' }).token).not.toBe(a);
  });

  it('another scheme is no token: the address names the client', () => {
    expect(id({ ...input(null), authorization: 'Bearer abc123' })).toEqual({
      token: undefined,
      address: 'a:10.0.0.9',
    });
  });

  it('an IPv6 address counts by its /64', () => {
    expect(clientAddress(input(null, '2001:db8:0:1:aaaa::1'), 0)).toBe('2001:db8:0:1::/64');
    expect(clientAddress(input(null, '2001:db8::1:2'), 0)).toBe('2001:db8:0:0::/64');
    expect(clientAddress(input(null, '2001:0db8:0000:0001:ffff:1:2:3'), 0)).toBe(
      '2001:db8:0:1::/64',
    );
    expect(clientAddress(input(null, '::1'), 0)).toBe('0:0:0:0::/64');
  });
});
