/**
 * The watch hub: the registry of topics (./topic.ts) this replica has watchers for, each with one
 * poll loop however many watchers it has, wherever they are connected. A topic lives exactly as
 * long as it has local watchers: the last one leaving stops its timer, gives up its lease and its
 * channel. The interval adapts to the resource (./resources.ts) and stops after a final state.
 */
import type { LiveHub, LiveHubOptions } from './hub-types.ts';
import { snapshotOf } from './poller.ts';
import { drop, endTopic, type HubCore, intervalOf, openTopic, schedule } from './topic.ts';
import { createWatcher, endedWatcher } from './watcher.ts';

export type { LiveHub, LiveHubOptions, LiveStats, WatchOptions } from './hub-types.ts';

export function createLiveHub(options: LiveHubOptions): LiveHub {
  const core: HubCore = { options, topics: new Map(), counts: { polls: 0, events: 0 } };
  let closing = false;

  return {
    async watch(spec, watch) {
      if (closing) return endedWatcher(options.resources[spec.kind], watch);
      const scope =
        spec.kind === 'wicksonCollection' ? 'shared' : options.scopeOf(spec.authorization);
      const key = `${spec.kind}:${spec.id}#${scope}`;
      const existing = core.topics.get(key);
      const topic = existing ?? openTopic(core, spec, key);
      const watcher = createWatcher({
        owner: watch.owner,
        maxQueued: options.maxQueued,
        signal: watch.signal,
        onClose: (reason) => {
          if (reason === 'slow') {
            options.logger.warn(
              { topic: topic.channel },
              'live: a watcher that does not read was ended',
            );
          }
          topic.watchers.delete(watcher);
          if (topic.watchers.size === 0) drop(core, topic);
        },
        onItem: () => {
          core.counts.events += 1;
        },
      });
      topic.watchers.add(watcher);
      const initial = snapshotOf(topic.resource, watch.initial.value, watch.initial.fetchedAt);
      watcher.offer(initial);
      await topic.ready;
      if (!topic.latest || initial.fetchedAt > topic.latest.fetchedAt) topic.latest = initial;
      watcher.offer(topic.latest);
      if (!existing && !topic.latest.final) schedule(core, topic, intervalOf(core, topic));
      return watcher;
    },
    stats() {
      let streams = 0;
      let pollers = 0;
      for (const topic of core.topics.values()) {
        streams += topic.watchers.size;
        if (topic.leader && !topic.done) pollers += 1;
      }
      return { streams, topics: core.topics.size, pollers, ...core.counts };
    },
    async close() {
      closing = true;
      for (const topic of [...core.topics.values()]) endTopic(core, topic);
      await options.bus.close();
    },
  };
}
