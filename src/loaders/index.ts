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

/**
 * One request's loaders, each built on first use: a query touches two or three of the fifteen,
 * and building all of them per request was a measurable share of a small query's allocations.
 */
class RequestLoaders implements Loaders {
  readonly #deps: LoaderDeps;
  readonly #learn: Learn;
  readonly #relations: Relations;
  readonly #setProjects = new Map<string, number>();
  readonly #jobPlaces = new Map<string, JobPlace>();
  /** Sets seen whose jobs are not in #jobPlaces yet: indexed when a job's place is first asked. */
  #unindexedSets: CaptureSetDto[] = [];
  #captureSet?: Loaders['captureSet'];
  #captureSetCounts?: Loaders['captureSetCounts'];
  #captureDate?: Loaders['captureDate'];
  #project?: Loaders['project'];
  #job?: Loaders['job'];
  #jobsByCaptureSet?: Loaders['jobsByCaptureSet'];
  #wicksonCollection?: Loaders['wicksonCollection'];
  #lists?: ListLoaders;
  #items?: ItemLoaders;

  constructor(deps: LoaderDeps) {
    this.#deps = deps;
    this.#relations = {
      projectOfSet: (setId) => this.#setProjects.get(setId),
      setOfJob: (jobId) => this.#jobPlace(jobId),
    };
    // Runs only once a batch has a payload: primes the other loaders, records where things belong.
    this.#learn = {
      captureSet: (dto, withCounts) => {
        const id = String(dto.id);
        this.captureSet.prime({ id }, dto);
        if (withCounts) this.captureSet.prime({ id, counts: true }, dto);
        if (dto.occurrences_count !== null || dto.taxa_count !== null) {
          this.captureSetCounts.prime({ id, projectId: dto.project }, countsOf(dto));
        }
        if (dto.jobs.length > 0) this.#unindexedSets.push(dto);
      },
      project: (dto) => {
        this.project.prime(String(dto.id), dto);
      },
      job: (dto) => {
        this.job.prime(String(dto.id), dto);
        const set = dto.source_image_collection;
        if (set) this.#setProjects.set(String(set.id), dto.project.id);
      },
    };
  }

  /**
   * Where a job belongs, from the sets seen so far. A page of 50 sets embeds ~200 job summaries
   * that most queries never look up by job: they are indexed on the first lookup, not as learnt.
   */
  #jobPlace(jobId: string): JobPlace | undefined {
    if (this.#unindexedSets.length > 0) {
      for (const dto of this.#unindexedSets) {
        const place = {
          captureSetId: dto.id,
          projectId: dto.project,
          setJobCount: dto.jobs.length,
        };
        for (const job of dto.jobs) this.#jobPlaces.set(String(job.id), place);
      }
      this.#unindexedSets = [];
    }
    return this.#jobPlaces.get(jobId);
  }

  get captureSet() {
    this.#captureSet ??= createCaptureSetLoader(this.#deps, this.#relations, this.#learn);
    return this.#captureSet;
  }
  get captureSetCounts() {
    this.#captureSetCounts ??= createCaptureSetCountsLoader(this.#deps, this.#learn);
    return this.#captureSetCounts;
  }
  get captureDate() {
    this.#captureDate ??= createCaptureDateLoader(this.#deps);
    return this.#captureDate;
  }
  get project() {
    this.#project ??= createProjectLoader(this.#deps, this.#learn);
    return this.#project;
  }
  get job() {
    this.#job ??= createJobLoader(this.#deps, this.#relations, this.#learn);
    return this.#job;
  }
  get jobsByCaptureSet() {
    this.#jobsByCaptureSet ??= createJobsByCaptureSetLoader(this.#deps, this.#learn);
    return this.#jobsByCaptureSet;
  }
  get wicksonCollection() {
    this.#wicksonCollection ??= createWicksonCollectionLoader(this.#deps);
    return this.#wicksonCollection;
  }
  get #listLoaders(): ListLoaders {
    this.#lists ??= createListLoaders(this.#deps, this.#learn);
    return this.#lists;
  }
  get #itemLoaders(): ItemLoaders {
    this.#items ??= createItemLoaders(this.#deps);
    return this.#items;
  }
  get captureSetList() {
    return this.#listLoaders.captureSetList;
  }
  get projectList() {
    return this.#listLoaders.projectList;
  }
  get jobList() {
    return this.#listLoaders.jobList;
  }
  get wicksonCollectionList() {
    return this.#listLoaders.wicksonCollectionList;
  }
  get captureList() {
    return this.#itemLoaders.captureList;
  }
  get capture() {
    return this.#itemLoaders.capture;
  }
  get mediaList() {
    return this.#itemLoaders.mediaList;
  }
  get media() {
    return this.#itemLoaders.media;
  }

  afterWrite(answer?: { captureSet?: CaptureSetDto; job?: JobDto }): void {
    // Loaders not built yet hold nothing to forget.
    for (const loader of [
      this.#captureSet,
      this.#captureSetCounts,
      this.#captureDate,
      this.#job,
      this.#jobsByCaptureSet,
      this.#lists?.captureSetList,
      this.#lists?.jobList,
      this.#items?.captureList,
      this.#items?.capture,
    ]) {
      loader?.clearAll();
    }
    this.#setProjects.clear();
    this.#jobPlaces.clear();
    this.#unindexedSets = [];
    if (answer?.captureSet) this.#learn.captureSet(answer.captureSet, false);
    if (answer?.job) this.#learn.job(answer.job);
  }
}

export function createLoaders(deps: LoaderDeps): Loaders {
  return new RequestLoaders(deps);
}
