import type DataLoader from 'dataloader';
import type { CaptureSetDto } from '../upstreams/beluga/schemas.ts';
import { listThenDetail, makeLoader, mapBounded, WHOLE_LIST } from './batch.ts';
import type {
  CaptureSetCounts,
  CaptureSetKey,
  Learn,
  LoaderDeps,
  Relations,
  SetInProject,
} from './types.ts';

/** A set loaded with counts is a different value from one without: the two are cached apart. */
export const captureSetCacheKey = (key: CaptureSetKey): string =>
  key.counts ? `${key.id}+counts` : key.id;

const setInProjectKey = (key: SetInProject): string => `${key.projectId}:${key.id}`;

/**
 * Capture set by id. Sets of one project (from the key, else from the jobs seen so far) share one
 * `?project_id=P&limit=1000` list call, with `with_counts=true` when a key of that group asks
 * for counts; the rest, and ids the list missed, get a detail GET each (details carry counts).
 */
export function createCaptureSetLoader(
  deps: LoaderDeps,
  relations: Relations,
  learn: Learn,
): DataLoader<CaptureSetKey, CaptureSetDto | null, string> {
  const { beluga } = deps.clients;
  return makeLoader(
    deps,
    (keys) =>
      listThenDetail(keys, {
        group: (key) => {
          const projectId = key.projectId ?? relations.projectOfSet(key.id);
          return [projectId === undefined ? undefined : String(projectId)];
        },
        list: async (projectId, group) => {
          const withCounts = group.some((key) => key.counts === true);
          const page = await beluga.listCaptureSets(
            {
              projectId: Number(projectId),
              limit: WHOLE_LIST,
              offset: 0,
              ...(withCounts ? { withCounts: true } : {}),
            },
            deps.scope,
          );
          for (const dto of page.results) learn.captureSet(dto, withCounts);
          return { items: page.results, complete: false };
        },
        detail: (key) => detailOf(deps, learn, key.id),
        idOf: { key: (key) => key.id, item: (dto) => String(dto.id) },
        concurrency: deps.config.beluga.concurrency,
      }),
    captureSetCacheKey,
  );
}

/**
 * Counts of a set within its project. Two or more sets of one project → one
 * `with_counts=true&project_id=P` list call; a single set, or one the list missed, → its detail,
 * which computes counts.
 */
export function createCaptureSetCountsLoader(
  deps: LoaderDeps,
  learn: Learn,
): DataLoader<SetInProject, CaptureSetCounts | null, string> {
  const { beluga } = deps.clients;
  return makeLoader(
    deps,
    async (keys) => {
      const sets = await listThenDetail(keys, {
        group: (key) => [String(key.projectId)],
        list: async (projectId) => {
          const page = await beluga.listCaptureSets(
            { projectId: Number(projectId), withCounts: true, limit: WHOLE_LIST, offset: 0 },
            deps.scope,
          );
          for (const dto of page.results) learn.captureSet(dto, true);
          return { items: page.results, complete: false };
        },
        detail: (key) => detailOf(deps, learn, key.id),
        idOf: { key: (key) => key.id, item: (dto) => String(dto.id) },
        concurrency: deps.config.beluga.concurrency,
      });
      return sets.map((slot) => (slot === null || slot instanceof Error ? slot : countsOf(slot)));
    },
    setInProjectKey,
  );
}

async function detailOf(deps: LoaderDeps, learn: Learn, id: string): Promise<CaptureSetDto | null> {
  const dto = await deps.clients.beluga.getCaptureSet(Number(id), deps.scope);
  if (dto) learn.captureSet(dto, true);
  return dto;
}

export function countsOf(dto: CaptureSetDto): CaptureSetCounts {
  return { occurrencesCount: dto.occurrences_count, taxaCount: dto.taxa_count };
}

export interface CaptureDateKey extends SetInProject {
  end: 'first' | 'last';
}

/**
 * Earliest or latest capture timestamp of a set: captures ordered by timestamp with limit 1, one
 * call per key (the upstream has no min/max aggregate). The value is Beluga's zone-less time.
 */
export function createCaptureDateLoader(
  deps: LoaderDeps,
): DataLoader<CaptureDateKey, string | null, string> {
  const { beluga } = deps.clients;
  return makeLoader(
    deps,
    (keys) =>
      mapBounded(keys, deps.config.beluga.concurrency, async (key) => {
        const page = await beluga.listCaptures(
          {
            projectId: key.projectId,
            captureSetId: Number(key.id),
            ordering: key.end === 'last' ? '-timestamp' : 'timestamp',
            limit: 1,
          },
          deps.scope,
        );
        return page.results[0]?.timestamp ?? null;
      }),
    (key) => `${setInProjectKey(key)}:${key.end}`,
  );
}
