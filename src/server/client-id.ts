/**
 * Who a request is, for the per-client limits: a keyed hash of its Beluga token (`Token <key>`,
 * the only form forwarded), else its address. `X-Forwarded-For` counts only with `trustProxy`
 * hops in front: the address is the entry that many hops from the right, so entries a client
 * prepended itself are never believed.
 */
import { createHmac } from 'node:crypto';

const CLIENT_TOKEN = /^Token ([^\s]+)$/;

export interface ClientIdInput {
  authorization: string | null;
  forwardedFor: string | null;
  /** The TCP peer; undefined when there is no socket (in-process `fetch` in tests). */
  remoteAddress: string | undefined;
}

export function createClientId(options: { secret: string; trustProxy: number }) {
  return (input: ClientIdInput): string => {
    const token = input.authorization?.match(CLIENT_TOKEN)?.[1];
    if (token) {
      return `t:${createHmac('sha256', options.secret).update(token).digest('base64url').slice(0, 22)}`;
    }
    return `a:${clientAddress(input, options.trustProxy)}`;
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

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
function normalize(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
