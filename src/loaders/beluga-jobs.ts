import type DataLoader from 'dataloader';
import type { JobDto } from '../upstreams/beluga/schemas.ts';
import { asError, groupBy, makeLoader, mapBounded, type Slot } from './batch.ts';
import type { JobHint, LoaderDeps } from './types.ts';

const WHOLE_LIST = 1000;

/**
 * Job by id (`"1146"`). Beluga has no id filter, so the batch uses what it knows about where each
 * job lives (hints registered from capture-set payloads): two or more jobs of one capture set →
 * one `jobs/?source_image_collection=ID&limit=N`; else two or more of one project → one
 * `jobs/?project_id=P&limit=1000`; the rest (and ids a list missed) → detail GETs, bounded.
 */
export function createJobLoader(
  deps: LoaderDeps,
  hints: Map<string, JobHint>,
  prime: (dto: JobDto) => void,
): DataLoader<string, JobDto | null> {
  const { beluga } = deps.clients;
  return makeLoader(deps, async (keys) => {
    const results = new Map<string, Slot<JobDto>>();
    const pending = new Set(keys);
    const hinted = keys.filter((key) => hints.has(key));
    const bySet = groupBy(hinted, (key) => String(hints.get(key)!.captureSetId));
    const listCalls: Promise<void>[] = [];
    const takeFromList = (group: string[], load: () => Promise<JobDto[]>) => {
      for (const key of group) pending.delete(key);
      listCalls.push(
        load().then(
          (jobs) => {
            for (const dto of jobs) prime(dto);
            const byId = new Map(jobs.map((dto) => [String(dto.id), dto]));
            for (const key of group) {
              const dto = byId.get(key);
              if (dto) results.set(key, dto);
              else pending.add(key);
            }
          },
          (error) => {
            for (const key of group) results.set(key, asError(error));
          },
        ),
      );
    };
    const singles: string[] = [];
    for (const [setId, group] of bySet) {
      if (group.length >= 2) {
        const limit = Math.max(...group.map((key) => hints.get(key)!.setJobCount));
        takeFromList(group, async () => {
          const page = await beluga.listJobs(
            { captureSetId: Number(setId), limit, offset: 0 },
            deps.scope,
          );
          return page.results;
        });
      } else singles.push(...group);
    }
    for (const [projectId, group] of groupBy(singles, (key) => String(hints.get(key)!.projectId))) {
      if (group.length < 2) continue;
      takeFromList(group, async () => {
        const page = await beluga.listJobs(
          { projectId: Number(projectId), limit: WHOLE_LIST, offset: 0 },
          deps.scope,
        );
        return page.results;
      });
    }
    await Promise.all(listCalls);
    const rest = [...pending].filter((key) => !results.has(key));
    const fetched = await mapBounded(rest, deps.config.beluga.concurrency, (key) =>
      beluga.getJob(Number(key), deps.scope),
    );
    rest.forEach((key, i) => {
      results.set(key, fetched[i] as Slot<JobDto>);
    });
    return keys.map((key) => results.get(key) ?? null);
  });
}

/** Every job of a capture set (`"21"`) in one list call; `limit` comes from the set's summaries. */
export function createJobsByCaptureSetLoader(
  deps: LoaderDeps,
  limits: Map<string, number>,
  prime: (dto: JobDto) => void,
): DataLoader<string, JobDto[] | null> {
  const { beluga } = deps.clients;
  return makeLoader(deps, (keys) =>
    mapBounded(keys, deps.config.beluga.concurrency, async (setId) => {
      const limit = Math.max(1, limits.get(setId) ?? WHOLE_LIST);
      const page = await beluga.listJobs(
        { captureSetId: Number(setId), limit, offset: 0 },
        deps.scope,
      );
      for (const dto of page.results) prime(dto);
      return page.results;
    }),
  );
}
