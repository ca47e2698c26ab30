/**
 * List reads for the connection fields: one DataLoader per list endpoint, keyed by the canonical
 * params string, so the same page asked twice in a request costs one upstream call (unless
 * `deps.dataLoader` turns caching off). Every payload goes to `learn` (priming the point
 * loaders), so a later lookup of a listed item is free.
 */
import DataLoader from 'dataloader';
import type {
  CaptureSetPage,
  JobPage,
  ListCaptureSetsParams,
  ListJobsParams,
  ProjectPage,
} from '../upstreams/types.ts';
import type { CollectionsListDataDto } from '../upstreams/wickson/schemas.ts';
import { asError } from './batch.ts';
import type { Learn, LoaderDeps } from './types.ts';

export interface ListProjectsParams {
  limit: number;
  offset: number;
  ordering?: string;
}

export interface ListLoaders {
  captureSetList: DataLoader<ListCaptureSetsParams, CaptureSetPage, string>;
  projectList: DataLoader<ListProjectsParams, ProjectPage, string>;
  jobList: DataLoader<ListJobsParams, JobPage, string>;
  /** Wickson's collection list is unpaginated: one key, `'all'`. */
  wicksonCollectionList: DataLoader<'all', CollectionsListDataDto, string>;
}

/** Params as a stable string: keys sorted, undefined dropped. */
export function canonicalParams(params: object): string {
  const entries = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

export function listLoader<K extends object | string, V>(
  deps: LoaderDeps,
  fetch: (key: K) => Promise<V>,
): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    (keys) => Promise.all(keys.map((key) => fetch(key).catch(asError))),
    {
      batch: false,
      cache: deps.dataLoader?.cache ?? true,
      cacheKeyFn: (key) => (typeof key === 'string' ? key : canonicalParams(key)),
    },
  );
}

export function createListLoaders(deps: LoaderDeps, learn: Learn): ListLoaders {
  const { beluga, wickson } = deps.clients;
  return {
    captureSetList: listLoader(deps, async (params: ListCaptureSetsParams) => {
      const page = await beluga.listCaptureSets(params, deps.scope);
      for (const dto of page.results) learn.captureSet(dto, params.withCounts === true);
      return page;
    }),
    projectList: listLoader(deps, async (params: ListProjectsParams) => {
      const page = await beluga.listProjects(params, deps.scope);
      for (const dto of page.results) learn.project(dto);
      return page;
    }),
    jobList: listLoader(deps, async (params: ListJobsParams) => {
      const page = await beluga.listJobs(params, deps.scope);
      for (const dto of page.results) learn.job(dto);
      return page;
    }),
    wicksonCollectionList: listLoader(deps, (_all: 'all') => wickson.listCollections(deps.scope)),
  };
}
