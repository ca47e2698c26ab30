import type DataLoader from 'dataloader';
import type { ProjectDto } from '../upstreams/beluga/schemas.ts';
import { listThenDetail, makeLoader, WHOLE_LIST } from './batch.ts';
import type { Learn, LoaderDeps } from './types.ts';

/**
 * Project by id (`"23"`). One key → the detail; several → one `projects/?limit=1000` list call.
 * A complete list that lacks an id means the caller cannot see it (null, no call); past the
 * first 1000, missing ids get their detail.
 */
export function createProjectLoader(
  deps: LoaderDeps,
  learn: Learn,
): DataLoader<string, ProjectDto | null, string> {
  const { beluga } = deps.clients;
  return makeLoader(deps, (keys) =>
    listThenDetail(keys, {
      group: () => ['all'],
      list: async () => {
        const page = await beluga.listProjects({ limit: WHOLE_LIST, offset: 0 }, deps.scope);
        for (const dto of page.results) learn.project(dto);
        return {
          items: page.results,
          complete: page.next === null && page.count <= page.results.length,
        };
      },
      detail: async (id) => {
        const dto = await beluga.getProject(Number(id), deps.scope);
        if (dto) learn.project(dto);
        return dto;
      },
      idOf: { key: (id) => id, item: (dto) => String(dto.id) },
      concurrency: deps.config.beluga.concurrency,
    }),
  );
}
