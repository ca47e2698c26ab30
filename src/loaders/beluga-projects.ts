import type DataLoader from 'dataloader';
import type { ProjectDto } from '../upstreams/beluga/schemas.ts';
import { asError, makeLoader, mapBounded, type Slot } from './batch.ts';
import type { LoaderDeps } from './types.ts';

/** Beluga's projects list has no max page size: one call returns every visible project. */
const WHOLE_LIST = 1000;

/**
 * Project by id (`"23"`). One key → the detail; several → one `projects/?limit=1000` list call,
 * with detail GETs for ids the list did not contain (e.g. past the first 1000).
 */
export function createProjectLoader(
  deps: LoaderDeps,
  prime: (dto: ProjectDto) => void,
): DataLoader<string, ProjectDto | null> {
  const { beluga } = deps.clients;
  const detail = (key: string) => beluga.getProject(Number(key), deps.scope);
  return makeLoader(deps, async (keys) => {
    if (keys.length === 1) {
      try {
        return [await detail(keys[0]!)];
      } catch (error) {
        return [asError(error)];
      }
    }
    let listed: Map<string, ProjectDto>;
    let complete = false;
    try {
      const page = await beluga.listProjects({ limit: WHOLE_LIST, offset: 0 }, deps.scope);
      listed = new Map(page.results.map((dto) => [String(dto.id), dto]));
      complete = page.next === null && page.count <= page.results.length;
      for (const dto of page.results) prime(dto);
    } catch (error) {
      return keys.map(() => asError(error));
    }
    const missing = keys.filter((key) => !listed.has(key));
    // A complete list that lacks an id means the caller cannot see it: null without a detail GET.
    const fetched = complete
      ? []
      : await mapBounded(missing, deps.config.beluga.concurrency, detail);
    const byMissing = new Map(missing.map((key, i) => [key, fetched[i]]));
    return keys.map((key): Slot<ProjectDto> => listed.get(key) ?? byMissing.get(key) ?? null);
  });
}
