/**
 * One topic of the watch hub (./hub.ts): a resource seen with one credential scope, its local
 * watchers, its latest snapshot and its poll loop. On every interval the replica holding the
 * topic's lease (./lease.ts) polls (./poller.ts), hands what changed to its own watchers and
 * publishes it on the bus (./bus.ts) for the other replicas'; the others stand by and take the
 * lease when its holder dies or leaves.
 */
import { createHash } from 'node:crypto';
import type { LiveMessage } from './bus.ts';
import type { LiveHubOptions } from './hub-types.ts';
import { backoffMs, pollOnce } from './poller.ts';
import type { Resource } from './resources.ts';
import type { LiveEnd, Snapshot, TopicSpec } from './types.ts';
import { chargeOwners, type Watcher } from './watcher.ts';

export interface Topic {
  spec: TopicSpec;
  resource: Resource;
  key: string;
  channel: string;
  leaseKey: string;
  watchers: Set<Watcher>;
  latest?: Snapshot;
  leader: boolean;
  timer?: unknown;
  failures: number;
  /** Subscribed on the bus and caught up with its last message. */
  ready: Promise<void>;
  /** No more polls: final, or ended. */
  done: boolean;
  closed: boolean;
  /** The bus did not confirm the channel: this replica polls for its own watchers. */
  solo: boolean;
}

/** What the topics of one hub share. */
export interface HubCore {
  options: LiveHubOptions;
  topics: Map<string, Topic>;
  counts: { polls: number; events: number };
}

export function intervalOf(core: HubCore, topic: Topic): number {
  const base = core.options.baseIntervalMs;
  return topic.latest ? topic.resource.intervalMs(topic.latest.value, base) : base;
}

const leaseMs = (intervalMs: number) => Math.max(10_000, 3 * intervalMs);

export function schedule(core: HubCore, topic: Topic, ms: number): void {
  if (topic.closed || topic.done) return;
  topic.timer = core.options.clock.setTimeout(() => void tick(core, topic), ms);
}

function stop(core: HubCore, topic: Topic): void {
  if (topic.timer !== undefined) core.options.clock.clearTimeout(topic.timer);
  topic.timer = undefined;
  if (topic.leader) void core.options.lease.release(topic.leaseKey);
  topic.leader = false;
}

/** Hands a snapshot to the local watchers; newer ones become the topic's latest. */
function deliver(core: HubCore, topic: Topic, snapshot: Snapshot): void {
  if (!topic.latest || snapshot.fetchedAt >= topic.latest.fetchedAt) topic.latest = snapshot;
  for (const watcher of topic.watchers) watcher.offer(snapshot);
  if (snapshot.final) {
    topic.done = true;
    stop(core, topic);
  }
}

/** Ends every stream of the topic; a later watcher of the same key starts a new topic. */
export function endTopic(core: HubCore, topic: Topic, end?: LiveEnd): void {
  topic.done = true;
  stop(core, topic);
  for (const watcher of [...topic.watchers]) watcher.end(end);
  drop(core, topic);
}

/** Forgets the topic: no timer, no lease, no channel. Its watchers may still drain. */
export function drop(core: HubCore, topic: Topic): void {
  if (topic.closed) return;
  topic.closed = true;
  stop(core, topic);
  core.topics.delete(topic.key);
  core.options.bus.unsubscribe(topic.channel);
}

function onMessage(core: HubCore, topic: Topic, message: LiveMessage): void {
  if (topic.closed) return;
  if (message.snapshot) deliver(core, topic, message.snapshot);
  else if (message.end) endTopic(core, topic, message.end);
}

/** One interval: take or renew the lease; the holder polls, publishes and delivers. */
async function tick(core: HubCore, topic: Topic): Promise<void> {
  const { options } = core;
  const { bus, lease } = options;
  topic.timer = undefined;
  const interval = intervalOf(core, topic);
  const held = await lease.hold(topic.leaseKey, leaseMs(interval));
  if (topic.closed || topic.done) {
    if (held) void lease.release(topic.leaseKey);
    return;
  }
  // No answer from Redis, or no channel to hear the holder on: poll for this replica's own
  // watchers rather than let them starve.
  topic.leader = held !== false || topic.solo;
  if (!topic.leader) return schedule(core, topic, interval);
  core.counts.polls += 1;
  const outcome = await pollOnce(topic.resource, topic.spec, {
    intervalMs: interval,
    timeoutMs: options.pollTimeoutMs,
    now: options.clock.now,
  });
  if (topic.closed) return;
  if ('snapshot' in outcome) {
    topic.failures = 0;
    const changed = topic.latest?.fingerprint !== outcome.snapshot.fingerprint;
    const newer = !topic.latest || outcome.snapshot.fetchedAt >= topic.latest.fetchedAt;
    if (changed && newer) bus.publish(topic.channel, { from: bus.replica, ...outcome });
    if (newer) deliver(core, topic, outcome.snapshot);
  } else if ('end' in outcome) {
    bus.publish(topic.channel, { from: bus.replica, end: outcome.end });
    endTopic(core, topic, outcome.end);
  } else topic.failures += 1;
  if (options.charge) await chargeOwners(topic.watchers, outcome.calls, options.charge);
  const next = topic.failures ? backoffMs(interval, topic.failures) : intervalOf(core, topic);
  schedule(core, topic, next);
}

/** A new topic, subscribed on the bus and caught up with its channel's last message. */
export function openTopic(core: HubCore, spec: TopicSpec, key: string): Topic {
  const { bus, keyPrefix, resources } = core.options;
  const hash = createHash('sha256').update(key).digest('base64url').slice(0, 32);
  const topic: Topic = {
    spec,
    resource: resources[spec.kind],
    key,
    channel: `${keyPrefix}${hash}`,
    leaseKey: `${keyPrefix}lease:${hash}`,
    watchers: new Set(),
    leader: false,
    failures: 0,
    ready: Promise.resolve(),
    done: false,
    closed: false,
    solo: false,
  };
  topic.ready = (async () => {
    const heard = await bus.subscribe(topic.channel, (message) => onMessage(core, topic, message));
    topic.solo = !heard;
    const last = await bus.last(topic.channel);
    if (last) onMessage(core, topic, last);
  })();
  core.topics.set(key, topic);
  return topic;
}
