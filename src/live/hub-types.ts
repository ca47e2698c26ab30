/**
 * The watch hub's public face (./hub.ts): what it is built from and what it offers.
 */
import type { Logger } from 'pino';
import type { UpstreamCounts } from '../upstreams/call-budget.ts';
import type { Bus } from './bus.ts';
import type { Lease } from './lease.ts';
import type { Resource } from './resources.ts';
import type { LiveClock, LiveEnd, LiveItem, Snapshot, TopicKind, TopicSpec } from './types.ts';

export interface LiveHubOptions {
  resources: Record<TopicKind, Resource>;
  /** The Beluga credential scope of an `Authorization` value (the shared cache's keyer). */
  scopeOf(authorization: string | undefined): string;
  bus: Bus;
  lease: Lease;
  clock: LiveClock;
  logger: Logger;
  /** JOB_POLL_INTERVAL_MS: the interval while a job runs; the others are multiples. */
  baseIntervalMs: number;
  /** Items a watcher may hold unread before its stream ends. */
  maxQueued: number;
  /** Prefix of channel and lease names (REDIS_KEY_PREFIX + `live:`). */
  keyPrefix: string;
  /** Bound of one poll (UPSTREAM_TIMEOUT_MS covers its one call). */
  pollTimeoutMs: number;
  /** Charges a poll's calls to a client watching it; an end stops that client's watchers of it. */
  charge?(owner: string, calls: UpstreamCounts): Promise<LiveEnd | undefined>;
}

export interface WatchOptions {
  /** The read the subscriber made when subscribing (its authorization check). */
  initial: { value: unknown; fetchedAt: number };
  /** The client watching (per-client limits). */
  owner: string;
  /** Aborts when the client goes away. */
  signal?: AbortSignal;
}

export interface LiveStats {
  streams: number;
  topics: number;
  /** Topics this replica polls (holds the lease of). */
  pollers: number;
  polls: number;
  events: number;
}

export interface LiveHub {
  watch(spec: TopicSpec, options: WatchOptions): Promise<Watcher>;
  stats(): LiveStats;
  /** Completes every stream and stops every poller. */
  close(): Promise<void>;
}

export interface Watcher extends AsyncIterableIterator<LiveItem> {
  /** Who watches (the per-client limits' client id), for charging polls. */
  readonly owner: string;
  /** Queues the snapshot if it is newer and different; completes the stream after a final one. */
  offer(snapshot: Snapshot): void;
  /** Ends the stream: with `end` an error item is queued last; without, it just completes. */
  end(end?: LiveEnd): void;
  readonly closed: boolean;
}
