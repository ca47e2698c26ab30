/**
 * How replicas share what one of them polled: Redis pub/sub on one channel per topic, plus the
 * last message kept under a key so a replica that starts watching mid-stream catches up. The
 * subscriber is its own connection (a Redis connection in subscribe mode runs nothing else).
 * Names are hashes of the topic key, never ids or credentials; every key expires. Without
 * Redis the bus is the process alone: the hub delivers to its own watchers.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { type Redis, redisReady } from '../redis.ts';
import type { LiveEnd, Snapshot } from './types.ts';

export interface LiveMessage {
  /** The replica that polled. */
  from: string;
  snapshot?: Snapshot;
  end?: LiveEnd;
}

export interface Bus {
  /** This replica's id in messages and leases. */
  readonly replica: string;
  /** Resolves true once Redis confirmed the subscription, false when it did not answer. */
  subscribe(channel: string, onMessage: (message: LiveMessage) => void): Promise<boolean>;
  unsubscribe(channel: string): void;
  /** Sends to the other replicas (and keeps it as the channel's last message). */
  publish(channel: string, message: LiveMessage): void;
  /** The channel's last message, if one is kept. */
  last(channel: string): Promise<LiveMessage | undefined>;
  close(): Promise<void>;
}

/** How long a subscription waits for the subscriber connection to be ready. */
const READY_WAIT_MS = 2_000;
/** Messages larger than this are not read (a poll's payload is a few kilobytes). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export function createLocalBus(): Bus {
  return {
    replica: randomBytes(9).toString('base64url'),
    subscribe: async () => true,
    unsubscribe: () => {},
    publish: () => {},
    last: async () => undefined,
    close: async () => {},
  };
}

export function createRedisBus(options: {
  redis: Redis;
  /** REDIS_KEY_PREFIX + `live:`. */
  keyPrefix: string;
  /** How long the last message of a channel is kept. */
  keepMs: number;
  logger: Logger;
}): Bus {
  const { redis, keyPrefix, logger } = options;
  const replica = randomBytes(9).toString('base64url');
  const subscriber = redis.duplicate({ connectionName: 'gateway-live' });
  subscriber.on('error', () => {
    // The main client logs Redis outages once; this connection reconnects on its own.
  });
  const handlers = new Map<string, (message: LiveMessage) => void>();
  subscriber.on('message', (channel: string, text: string) => {
    const handler = handlers.get(channel);
    if (!handler || text.length > MAX_MESSAGE_BYTES) return;
    const message = parse(text);
    if (message && message.from !== replica) handler(message);
  });
  const lastKey = (channel: string) => `${keyPrefix}last:${channel.slice(keyPrefix.length)}`;

  return {
    replica,
    async subscribe(channel, onMessage) {
      handlers.set(channel, onMessage);
      // Its connection opens with the service: a first watcher may come before it is ready.
      if (!(await redisReady(subscriber, READY_WAIT_MS))) return false;
      try {
        await subscriber.subscribe(channel);
        return true;
      } catch (error) {
        logger.debug({ err: error }, 'live: subscribe failed; polling without the other replicas');
        return false;
      }
    },
    unsubscribe(channel) {
      handlers.delete(channel);
      subscriber.unsubscribe(channel).catch(() => {});
    },
    publish(channel, message) {
      const text = JSON.stringify(message);
      redis
        .multi()
        .set(lastKey(channel), text, 'PX', options.keepMs)
        .publish(channel, text)
        .exec()
        .catch(() => {});
    },
    async last(channel) {
      try {
        const text = await redis.get(lastKey(channel));
        return text && text.length <= MAX_MESSAGE_BYTES ? parse(text) : undefined;
      } catch {
        return undefined;
      }
    },
    async close() {
      handlers.clear();
      subscriber.disconnect(false);
    },
  };
}

function parse(text: string): LiveMessage | undefined {
  try {
    const message = JSON.parse(text) as LiveMessage;
    return typeof message?.from === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
