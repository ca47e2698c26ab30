/**
 * One subscriber's stream: an async iterator over a bounded queue. Snapshots are offered by the
 * hub (a poll, a message from another replica, the read made when subscribing); a watcher keeps
 * only those newer than the last it queued (by fetch time) that differ from it (by fingerprint),
 * so the same change arriving twice, or an older read arriving late, is never an event. After a
 * final snapshot, or an end, the stream completes. A client that does not read is never buffered
 * without bound: past `maxQueued` items its stream ends, and the hub forgets it.
 */
import type { UpstreamCounts } from '../upstreams/call-budget.ts';
import type { LiveHubOptions, Watcher, WatchOptions } from './hub-types.ts';
import { snapshotOf } from './poller.ts';
import type { Resource } from './resources.ts';
import type { LiveItem, Snapshot } from './types.ts';

export type { Watcher } from './hub-types.ts';

export interface WatcherOptions {
  owner: string;
  maxQueued: number;
  /** Runs once when the stream is over: completed, returned early, or its signal aborted. */
  onClose(reason: 'done' | 'left' | 'slow'): void;
  /** Called for each item the consumer takes. */
  onItem?(): void;
  /** Aborts when the client goes away: the watcher is freed at once. */
  signal?: AbortSignal;
}

export function createWatcher(options: WatcherOptions): Watcher {
  const queue: LiveItem[] = [];
  let last: Snapshot | undefined;
  let ending = false;
  let closed = false;
  let waiting: ((result: IteratorResult<LiveItem>) => void) | undefined;

  const close = (reason: 'done' | 'left' | 'slow') => {
    if (closed) return;
    closed = true;
    ending = true;
    options.signal?.removeEventListener('abort', onAbort);
    if (reason !== 'done') queue.length = 0;
    if (queue.length === 0) settle({ done: true, value: undefined });
    options.onClose(reason);
  };
  const onAbort = () => close('left');
  const settle = (result: IteratorResult<LiveItem>) => {
    const resolve = waiting;
    waiting = undefined;
    resolve?.(result);
  };
  const push = (item: LiveItem) => {
    if (waiting) {
      options.onItem?.();
      settle({ done: false, value: item });
    } else queue.push(item);
    if (queue.length > options.maxQueued) close('slow');
  };

  if (options.signal?.aborted) queueMicrotask(onAbort);
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const watcher: Watcher = {
    owner: options.owner,
    get closed() {
      return closed;
    },
    offer(snapshot) {
      if (ending) return;
      if (
        last &&
        (snapshot.fetchedAt < last.fetchedAt || snapshot.fingerprint === last.fingerprint)
      )
        return;
      last = snapshot;
      push({ snapshot });
      if (snapshot.final) watcher.end();
    },
    end(end) {
      if (ending) return;
      ending = true;
      if (end) push({ end });
      if (queue.length === 0) close('done');
    },
    next() {
      const item = queue.shift();
      if (item) {
        options.onItem?.();
        if (ending && queue.length === 0) close('done');
        return Promise.resolve({ done: false, value: item });
      }
      if (ending || closed) {
        close('done');
        return Promise.resolve({ done: true, value: undefined });
      }
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      close('left');
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return watcher;
    },
  };
  return watcher;
}

/** Each client watching pays the calls of the poll made for it (once per poll). */
export async function chargeOwners(
  watchers: Set<Watcher>,
  calls: UpstreamCounts,
  charge: NonNullable<LiveHubOptions['charge']>,
): Promise<void> {
  if (calls.beluga + calls.wickson === 0) return;
  const owners = new Set([...watchers].map((watcher) => watcher.owner));
  for (const owner of owners) {
    const end = await charge(owner, calls);
    if (!end) continue;
    for (const watcher of watchers) if (watcher.owner === owner) watcher.end(end);
  }
}

/** After close: the read made when subscribing, then the end. */
export function endedWatcher(resource: Resource, watch: WatchOptions): Watcher {
  const watcher = createWatcher({ owner: watch.owner, maxQueued: 1, onClose: () => {} });
  watcher.offer(snapshotOf(resource, watch.initial.value, watch.initial.fetchedAt));
  watcher.end();
  return watcher;
}
