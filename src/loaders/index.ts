/**
 * The request's loaders: one instance per GraphQL request (credentials differ per caller, so
 * nothing is shared across requests). Plain functions over the upstream clients, no GraphQL.
 */
import type DataLoader from 'dataloader';
import type { CaptureSetDto, JobDto, ProjectDto } from '../upstreams/beluga/schemas.ts';
import type { CollectionDetailDataDto } from '../upstreams/wickson/schemas.ts';
import {
  countsOf,
  createCaptureDateLoader,
  createCaptureSetCountsLoader,
  createCaptureSetLoader,
} from './beluga-capture-sets.ts';
import { createJobLoader, createJobsByCaptureSetLoader } from './beluga-jobs.ts';
import { createProjectLoader } from './beluga-projects.ts';
import { createListLoaders, type ListLoaders } from './lists.ts';
import { createItemLoaders, type ItemLoaders } from './media-items.ts';
import type { CaptureSetCounts, JobHint, LoaderDeps, Primers } from './types.ts';
import { createWicksonCollectionLoader } from './wickson-collections.ts';

export type { CaptureSetCounts, JobHint, LoaderDeps, Primers } from './types.ts';

export interface CoreLoaders {
  /** True for the benchmark baseline: no batching, no caching, no hydration shortcuts. */
  baseline: boolean;
  prime: Primers;
  captureSet: DataLoader<string, CaptureSetDto | null>;
  /** Key `"<projectId>:<setId>"`. */
  captureSetCounts: DataLoader<string, CaptureSetCounts | null>;
  /** Key `"<projectId>:<setId>:first|last"`; value is a naive Beluga timestamp. */
  captureDate: DataLoader<string, string | null>;
  project: DataLoader<string, ProjectDto | null>;
  job: DataLoader<string, JobDto | null>;
  /** Every job of a capture set, key `"<setId>"`. */
  jobsByCaptureSet: DataLoader<string, JobDto[] | null>;
  wicksonCollection: DataLoader<string, CollectionDetailDataDto | null>;
  /** Tells the job batcher which set/project a job id belongs to (from embedded summaries). */
  hintJobs(dto: CaptureSetDto): void;
  /** Tells the capture-set batcher a set's project (from a job's summary), for one list call. */
  hintCaptureSet(setId: number, projectId: number): void;
  /** Asks that set's coming load to carry occurrence/taxon counts (a counts field is selected). */
  wantCaptureSetCounts(setId: string): void;
}

export type Loaders = CoreLoaders & ListLoaders & ItemLoaders;

export function createLoaders(deps: LoaderDeps): Loaders {
  const baseline = deps.config.mode === 'baseline';
  const jobHints = new Map<string, JobHint>();
  const setJobCounts = new Map<string, number>();
  const hintJobs = (dto: CaptureSetDto) => {
    if (baseline) return;
    setJobCounts.set(String(dto.id), dto.jobs.length);
    for (const job of dto.jobs) {
      jobHints.set(String(job.id), {
        captureSetId: dto.id,
        projectId: dto.project,
        setJobCount: dto.jobs.length,
      });
    }
  };
  const setProjects = new Map<string, number>();
  const wantCounts = new Set<string>();
  const hintCaptureSet = (setId: number, projectId: number) => {
    if (!baseline) setProjects.set(String(setId), projectId);
  };
  const wantCaptureSetCounts = (setId: string) => {
    if (!baseline) wantCounts.add(setId);
  };
  // Primers refer to the loaders below; they run only after construction.
  const prime: Primers = {
    captureSet: (dto) => {
      if (baseline) return;
      loaders.captureSet.prime(String(dto.id), dto);
      hintJobs(dto);
      if (dto.occurrences_count !== null || dto.taxa_count !== null) {
        loaders.captureSetCounts.prime(`${dto.project}:${dto.id}`, countsOf(dto));
      }
    },
    project: (dto) => {
      if (!baseline) loaders.project.prime(String(dto.id), dto);
    },
    job: (dto) => {
      if (!baseline) loaders.job.prime(String(dto.id), dto);
    },
  };
  const core: CoreLoaders = {
    baseline,
    prime,
    captureSet: createCaptureSetLoader(deps, setProjects, wantCounts, (dto) =>
      prime.captureSet(dto),
    ),
    captureSetCounts: createCaptureSetCountsLoader(deps, (dto) => prime.captureSet(dto)),
    captureDate: createCaptureDateLoader(deps),
    project: createProjectLoader(deps, (dto) => prime.project(dto)),
    job: createJobLoader(deps, jobHints, (dto) => prime.job(dto)),
    jobsByCaptureSet: createJobsByCaptureSetLoader(deps, setJobCounts, (dto) => prime.job(dto)),
    wicksonCollection: createWicksonCollectionLoader(deps),
    hintJobs,
    hintCaptureSet,
    wantCaptureSetCounts,
  };
  const loaders: Loaders = {
    ...core,
    ...createListLoaders(deps, prime),
    ...createItemLoaders(deps),
  };
  return loaders;
}
