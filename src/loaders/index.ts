/**
 * The request's loaders: one instance per GraphQL request (credentials differ per caller, so
 * nothing is shared across requests). Plain functions over the upstream clients, no GraphQL.
 * Keys say what a batch needs; every payload a loader sees primes the others and records where
 * jobs and sets belong (`learn`), so the schema only asks for data.
 */
import type DataLoader from 'dataloader';
import type { CaptureSetDto, JobDto, ProjectDto } from '../upstreams/beluga/schemas.ts';
import type { CollectionDetailDataDto } from '../upstreams/wickson/schemas.ts';
import {
  type CaptureDateKey,
  countsOf,
  createCaptureDateLoader,
  createCaptureSetCountsLoader,
  createCaptureSetLoader,
} from './beluga-capture-sets.ts';
import { createJobLoader, createJobsByCaptureSetLoader, type JobsOfSetKey } from './beluga-jobs.ts';
import { createProjectLoader } from './beluga-projects.ts';
import { createListLoaders, type ListLoaders } from './lists.ts';
import { createItemLoaders, type ItemLoaders } from './media-items.ts';
import type {
  CaptureSetCounts,
  CaptureSetKey,
  JobPlace,
  Learn,
  LoaderDeps,
  Relations,
  SetInProject,
} from './types.ts';
import { createWicksonCollectionLoader } from './wickson-collections.ts';

export type { CaptureDateKey } from './beluga-capture-sets.ts';
export type { JobsOfSetKey } from './beluga-jobs.ts';
export type { CaptureSetCounts, CaptureSetKey, LoaderDeps, SetInProject } from './types.ts';

export interface CoreLoaders {
  /** True for the benchmark baseline: no batching, no caching, no hydration shortcuts. */
  baseline: boolean;
  captureSet: DataLoader<CaptureSetKey, CaptureSetDto | null, string>;
  captureSetCounts: DataLoader<SetInProject, CaptureSetCounts | null, string>;
  /** Value: Beluga's zone-less timestamp of the set's first or last capture. */
  captureDate: DataLoader<CaptureDateKey, string | null, string>;
  project: DataLoader<string, ProjectDto | null, string>;
  job: DataLoader<string, JobDto | null, string>;
  /** Every job of a capture set. */
  jobsByCaptureSet: DataLoader<JobsOfSetKey, JobDto[] | null, string>;
  wicksonCollection: DataLoader<string, CollectionDetailDataDto | null, string>;
  /**
   * After a Beluga write: forgets every Beluga read of this request except projects (sets,
   * counts, dates, jobs, lists, captures) and where jobs and sets belong, then learns the
   * write's answer, so later fields read the new state.
   */
  afterWrite(answer?: { captureSet?: CaptureSetDto; job?: JobDto }): void;
}

export type Loaders = CoreLoaders & ListLoaders & ItemLoaders;

const IGNORE: Learn = { captureSet: () => {}, project: () => {}, job: () => {} };

export function createLoaders(deps: LoaderDeps): Loaders {
  const baseline = deps.config.mode === 'baseline';
  const setProjects = new Map<string, number>();
  const jobPlaces = new Map<string, JobPlace>();
  const relations: Relations = {
    projectOfSet: (setId) => setProjects.get(setId),
    setOfJob: (jobId) => jobPlaces.get(jobId),
  };
  // Refers to the loaders below; runs only once a batch has a payload.
  const learn: Learn = baseline
    ? IGNORE
    : {
        captureSet: (dto, withCounts) => {
          const id = String(dto.id);
          loaders.captureSet.prime({ id }, dto);
          if (withCounts) loaders.captureSet.prime({ id, counts: true }, dto);
          if (dto.occurrences_count !== null || dto.taxa_count !== null) {
            loaders.captureSetCounts.prime({ id, projectId: dto.project }, countsOf(dto));
          }
          const place = {
            captureSetId: dto.id,
            projectId: dto.project,
            setJobCount: dto.jobs.length,
          };
          for (const job of dto.jobs) jobPlaces.set(String(job.id), place);
        },
        project: (dto) => {
          loaders.project.prime(String(dto.id), dto);
        },
        job: (dto) => {
          loaders.job.prime(String(dto.id), dto);
          const set = dto.source_image_collection;
          if (set) setProjects.set(String(set.id), dto.project.id);
        },
      };
  const core: CoreLoaders = {
    baseline,
    captureSet: createCaptureSetLoader(deps, relations, learn),
    captureSetCounts: createCaptureSetCountsLoader(deps, learn),
    captureDate: createCaptureDateLoader(deps),
    project: createProjectLoader(deps, learn),
    job: createJobLoader(deps, relations, learn),
    jobsByCaptureSet: createJobsByCaptureSetLoader(deps, learn),
    wicksonCollection: createWicksonCollectionLoader(deps),
    afterWrite: (answer) => {
      const { captureSet, captureSetCounts, captureDate, job, jobsByCaptureSet } = loaders;
      const { captureSetList, jobList, captureList, capture } = loaders;
      for (const loader of [captureSet, captureSetCounts, captureDate, job, jobsByCaptureSet]) {
        loader.clearAll();
      }
      for (const loader of [captureSetList, jobList, captureList, capture]) loader.clearAll();
      setProjects.clear();
      jobPlaces.clear();
      if (answer?.captureSet) learn.captureSet(answer.captureSet, false);
      if (answer?.job) learn.job(answer.job);
    },
  };
  const loaders: Loaders = {
    ...core,
    ...createListLoaders(deps, learn),
    ...createItemLoaders(deps),
  };
  return loaders;
}
