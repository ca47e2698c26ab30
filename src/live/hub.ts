/**
 * The watch hub: the registry of topics this replica has watchers for, each with one poll loop
 * however many watchers it has. On every interval the replica holding the topic's lease
 * (./lease.ts) polls (./poller.ts) and publishes what changed to its own watchers and, over the
 * bus (./bus.ts), to the other replicas' watchers; the others stand by and take the lease when
 * its holder dies or leaves. A topic lives exactly as long as it has local watchers: the last one
 * leaving stops its timer, gives up its lease and its channel. The interval adapts to the
 * resource (./resources.ts) and stops after a final state.
 */
import { createHash } from 'node:crypto';
import type { LiveMessage } from './bus.ts';
import type { LiveHub, LiveHubOptions } from './hub-types.ts';
import { backoffMs, pollOnce, snapshotOf } from './poller.ts';
import type { Resource } from './resources.ts';
import type { LiveEnd, Snapshot, TopicSpec } from './types.ts';
import { chargeOwners, createWatcher, endedWatcher, type Watcher } from './watcher.ts';

export type { LiveHub, LiveHubOptions, LiveStats, WatchOptions } from './hub-types.ts';

interface Topic {
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
}

export function createLiveHub(options: LiveHubOptions): LiveHub {
  const { bus, lease, clock, logger } = options;
  const topics = new Map<string, Topic>();
  const counts = { polls: 0, events: 0 };
  let closing = false;

  const intervalOf = (topic: Topic) =>
    topic.latest
      ? topic.resource.intervalMs(topic.latest.value, options.baseIntervalMs)
      : options.baseIntervalMs;
  const leaseMs = (intervalMs: number) => Math.max(10_000, 3 * intervalMs);

  const schedule = (topic: Topic, ms: number) => {
    if (topic.closed || topic.done) return;
    topic.timer = clock.setTimeout(() => void tick(topic), ms);
  };
  const stop = (topic: Topic) => {
    if (topic.timer !== undefined) clock.clearTimeout(topic.timer);
    topic.timer = undefined;
    if (topic.leader) void lease.release(topic.leaseKey);
    topic.leader = false;
  };

  /** Hands a snapshot to the local watchers; newer ones become the topic's latest. */
  const deliver = (topic: Topic, snapshot: Snapshot) => {
    if (!topic.latest || snapshot.fetchedAt >= topic.latest.fetchedAt) topic.latest = snapshot;
    for (const watcher of topic.watchers) watcher.offer(snapshot);
    if (snapshot.final) {
      topic.done = true;
      stop(topic);
    }
  };
  /** Ends every stream of the topic; a later watcher of the same key starts a new topic. */
  const endTopic = (topic: Topic, end?: LiveEnd) => {
    topic.done = true;
    stop(topic);
    for (const watcher of [...topic.watchers]) watcher.end(end);
    drop(topic);
  };
  /** Forgets the topic: no timer, no lease, no channel. Its watchers may still drain. */
  const drop = (topic: Topic) => {
    if (topic.closed) return;
    topic.closed = true;
    stop(topic);
    topics.delete(topic.key);
    bus.unsubscribe(topic.channel);
  };
  const onMessage = (topic: Topic, message: LiveMessage) => {
    if (topic.closed) return;
    if (message.snapshot) deliver(topic, message.snapshot);
    else if (message.end) endTopic(topic, message.end);
  };

  const tick = async (topic: Topic) => {
    topic.timer = undefined;
    const interval = intervalOf(topic);
    const held = await lease.hold(topic.leaseKey, leaseMs(interval));
    if (topic.closed || topic.done) {
      if (held) void lease.release(topic.leaseKey);
      return;
    }
    // No answer from Redis: poll for this replica's own watchers rather than let them starve.
    topic.leader = held !== false;
    if (!topic.leader) return schedule(topic, interval);
    counts.polls += 1;
    const outcome = await pollOnce(topic.resource, topic.spec, {
      intervalMs: interval,
      timeoutMs: options.pollTimeoutMs,
      now: clock.now,
    });
    if (topic.closed) return;
    if ('snapshot' in outcome) {
      topic.failures = 0;
      const changed = topic.latest?.fingerprint !== outcome.snapshot.fingerprint;
      const newer = !topic.latest || outcome.snapshot.fetchedAt >= topic.latest.fetchedAt;
      if (changed && newer) bus.publish(topic.channel, { from: bus.replica, ...outcome });
      if (newer) deliver(topic, outcome.snapshot);
    } else if ('end' in outcome) {
      bus.publish(topic.channel, { from: bus.replica, end: outcome.end });
      endTopic(topic, outcome.end);
    } else topic.failures += 1;
    if (options.charge) await chargeOwners(topic.watchers, outcome.calls, options.charge);
    schedule(topic, topic.failures ? backoffMs(interval, topic.failures) : intervalOf(topic));
  };

  const open = (spec: TopicSpec, key: string): Topic => {
    const hash = createHash('sha256').update(key).digest('base64url').slice(0, 32);
    const topic: Topic = {
      spec,
      resource: options.resources[spec.kind],
      key,
      channel: `${options.keyPrefix}${hash}`,
      leaseKey: `${options.keyPrefix}lease:${hash}`,
      watchers: new Set(),
      leader: false,
      failures: 0,
      ready: Promise.resolve(),
      done: false,
      closed: false,
    };
    topic.ready = (async () => {
      await bus.subscribe(topic.channel, (message) => onMessage(topic, message));
      const last = await bus.last(topic.channel);
      if (last) onMessage(topic, last);
    })();
    topics.set(key, topic);
    return topic;
  };
  const leave = (topic: Topic, watcher: Watcher) => {
    topic.watchers.delete(watcher);
    if (topic.watchers.size === 0) drop(topic);
  };

  return {
    async watch(spec, watch) {
      const scope =
        spec.kind === 'wicksonCollection' ? 'shared' : options.scopeOf(spec.authorization);
      const key = `${spec.kind}:${spec.id}#${scope}`;
      if (closing) return endedWatcher(options.resources[spec.kind], watch);
      let topic = topics.get(key);
      const created = !topic;
      topic ??= open(spec, key);
      const owned = topic;
      const watcher = createWatcher({
        owner: watch.owner,
        maxQueued: options.maxQueued,
        signal: watch.signal,
        onClose: (reason) => {
          if (reason === 'slow')
            logger.warn({ topic: owned.channel }, 'live: a watcher that does not read was ended');
          leave(owned, watcher);
        },
        onItem: () => {
          counts.events += 1;
        },
      });
      topic.watchers.add(watcher);
      const initial = snapshotOf(topic.resource, watch.initial.value, watch.initial.fetchedAt);
      watcher.offer(initial);
      await topic.ready;
      if (!topic.latest || initial.fetchedAt > topic.latest.fetchedAt) topic.latest = initial;
      watcher.offer(topic.latest);
      if (created && !topic.latest.final) schedule(topic, intervalOf(topic));
      return watcher;
    },
    stats() {
      let streams = 0;
      let pollers = 0;
      for (const topic of topics.values()) {
        streams += topic.watchers.size;
        if (topic.leader && !topic.done) pollers += 1;
      }
      return { streams, topics: topics.size, pollers, ...counts };
    },
    async close() {
      closing = true;
      for (const topic of [...topics.values()]) endTopic(topic);
      await bus.close();
    },
  };
}
