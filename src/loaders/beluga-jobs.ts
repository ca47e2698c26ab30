import type DataLoader from 'dataloader';
import type { JobDto } from '../upstreams/beluga/schemas.ts';
import { listThenDetail, makeLoader, mapBounded, WHOLE_LIST } from './batch.ts';
import type { Learn, LoaderDeps, Relations } from './types.ts';

/**
 * Job by id (`"1146"`). Where each job lives comes from the capture sets seen so far: two or more
 * jobs of one set → one `jobs/?source_image_collection=ID&limit=N` (N = the set's job count);
 * else two or more of one project → one `jobs/?project_id=P&limit=1000`; the rest, and ids a
 * list missed, → a detail GET each.
 */
export function createJobLoader(
  deps: LoaderDeps,
  relations: Relations,
  learn: Learn,
): DataLoader<string, JobDto | null, string> {
  const { beluga } = deps.clients;
  return makeLoader(deps, (keys) =>
    listThenDetail(keys, {
      group: (id) => {
        const place = relations.setOfJob(id);
        return place ? [`set:${place.captureSetId}`, `project:${place.projectId}`] : [];
      },
      list: async (group, ids) => {
        const [tier, value] = group.split(':') as [string, string];
        const params =
          tier === 'set'
            ? {
                captureSetId: Number(value),
                limit: Math.max(...ids.map((id) => relations.setOfJob(id)?.setJobCount ?? 1)),
              }
            : { projectId: Number(value), limit: WHOLE_LIST };
        const page = await beluga.listJobs({ ...params, offset: 0 }, deps.scope);
        for (const dto of page.results) learn.job(dto);
        return { items: page.results, complete: false };
      },
      detail: async (id) => {
        const dto = await beluga.getJob(Number(id), deps.scope);
        if (dto) learn.job(dto);
        return dto;
      },
      idOf: { key: (id) => id, item: (dto) => String(dto.id) },
      concurrency: deps.config.beluga.concurrency,
    }),
  );
}

/** A capture set's jobs; `jobCount` is how many it embeds, so one page holds them all. */
export interface JobsOfSetKey {
  id: string;
  jobCount: number;
}

/** Every job of a capture set in one list call. */
export function createJobsByCaptureSetLoader(
  deps: LoaderDeps,
  learn: Learn,
): DataLoader<JobsOfSetKey, JobDto[] | null, string> {
  const { beluga } = deps.clients;
  return makeLoader(
    deps,
    (keys) =>
      mapBounded(keys, deps.config.beluga.concurrency, async (key) => {
        const page = await beluga.listJobs(
          { captureSetId: Number(key.id), limit: Math.max(1, key.jobCount), offset: 0 },
          deps.scope,
        );
        for (const dto of page.results) learn.job(dto);
        return page.results;
      }),
    (key) => key.id,
  );
}
