/**
 * Who a request is, for the per-client limits: the keyed hash of its Beluga token (`Token <key>`,
 * the only form forwarded) once Beluga has vouched for it (vouched.ts), else its address.
 * `X-Forwarded-For` counts only with `trustProxy` hops in front: the address is the entry that
 * many hops from the right, so entries a client prepended itself are never believed. An IPv6
 * address counts by its /64, the block one subscriber holds, so rotating through it is one client.
 */
import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';

const CLIENT_TOKEN = /^Token ([^\s]+)$/;

export interface ClientIdInput {
  authorization: string | null;
  forwardedFor: string | null;
  /** The TCP peer; undefined when there is no socket (in-process `fetch` in tests). */
  remoteAddress: string | undefined;
}

/** What a request claims to be: its token's hash (unproven) and its address (`a:…`). */
export interface ClientClaim {
  /** `t:<hash>`, or undefined without a DRF token. */
  token: string | undefined;
  address: string;
}

export function createClientId(options: { secret: string; trustProxy: number }) {
  return (input: ClientIdInput): ClientClaim => {
    const token = input.authorization?.match(CLIENT_TOKEN)?.[1];
    return {
      token: token
        ? `t:${createHmac('sha256', options.secret).update(token).digest('base64url').slice(0, 22)}`
        : undefined,
      address: `a:${clientAddress(input, options.trustProxy)}`,
    };
  };
}

export function clientAddress(input: ClientIdInput, trustProxy: number): string {
  const hops = [normalize(input.remoteAddress ?? '')];
  if (trustProxy > 0 && input.forwardedFor) {
    const listed = input.forwardedFor.split(',').map((entry) => normalize(entry.trim()));
    hops.push(...listed.filter(Boolean).reverse());
  }
  return hops[Math.min(trustProxy, hops.length - 1)] || 'unknown';
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client; so are the addresses of one IPv6 /64. */
function normalize(address: string): string {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isIPv6(plain) ? ipv6Prefix(plain) : plain;
}

/** The first four groups of an IPv6 address, written out: `2001:db8:0:1::/64`. */
export function ipv6Prefix(address: string): string {
  const [head = '', tail = ''] = address.split('%', 1)[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}
