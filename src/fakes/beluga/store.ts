/**
 * What the Beluga fake's writes share: the clock (naive America/New_York timestamps, as Django
 * renders them with USE_TZ=False), new ids, and a snapshot taken before the first write so a
 * control reset brings the seeded dataset back. Every write forgets the cached lists.
 */
import { DateTime } from 'luxon';
import type { Dataset } from '../dataset.ts';
import { formatNaive } from '../time.ts';
import { forgetLists } from './list-cache.ts';

const ZONE = 'America/New_York';

export interface WriteStore {
  /** The current time as Beluga renders it, e.g. `2026-12-01T04:05:06.789000`. */
  timestamp(): string;
  /** The same rendering of another instant (Unix ms). */
  timestampAt(ms: number): string;
  nextCaptureSetId(): number;
  nextJobId(): number;
  /** Call before changing the dataset. */
  beforeWrite(): void;
  /** Restores the dataset as it was before the first write since the last reset. */
  reset(): void;
}

type Snapshot = Pick<Dataset, 'projects' | 'captureSets' | 'jobs'>;

function refill<K, V>(target: Map<K, V>, source: Map<K, V>): void {
  target.clear();
  for (const [key, value] of source) target.set(key, value);
}

export function createWriteStore(dataset: Dataset, now: () => number = Date.now): WriteStore {
  let snapshot: Snapshot | null = null;
  const maxId = (ids: Iterable<number>) => Math.max(0, ...ids);
  const timestampAt = (ms: number) => {
    const offsetMinutes = DateTime.fromMillis(ms, { zone: ZONE }).offset;
    return formatNaive(ms + offsetMinutes * 60_000);
  };
  return {
    timestamp: () => timestampAt(now()),
    timestampAt,
    nextCaptureSetId: () => maxId(dataset.captureSets.keys()) + 1,
    nextJobId: () => maxId(dataset.jobs.keys()) + 1,
    beforeWrite() {
      snapshot ??= structuredClone({
        projects: dataset.projects,
        captureSets: dataset.captureSets,
        jobs: dataset.jobs,
      });
      forgetLists(dataset);
    },
    reset() {
      if (!snapshot) return;
      refill(dataset.projects, snapshot.projects);
      refill(dataset.captureSets, snapshot.captureSets);
      refill(dataset.jobs, snapshot.jobs);
      snapshot = null;
      forgetLists(dataset);
    },
  };
}
