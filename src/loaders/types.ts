import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { CaptureSetDto, JobDto, ProjectDto } from '../upstreams/beluga/schemas.ts';
import type { BelugaClient, UpstreamScope, WicksonClient } from '../upstreams/types.ts';

/** What every loader factory receives: one request's clients, credentials and settings. */
export interface LoaderDeps {
  clients: { beluga: BelugaClient; wickson: WicksonClient };
  scope: UpstreamScope;
  config: Config;
  logger: Logger;
  /**
   * DataLoader's own `batch` and `cache` options for every loader of the request; both on
   * unless given. Off, each load is its own upstream call: what a resolver-per-call server does.
   */
  dataLoader?: { batch: boolean; cache: boolean };
}

/**
 * Every Beluga payload a loader receives, list item or detail, passes through here: it primes the
 * point loaders (a later lookup of the same item costs no call) and records where jobs and sets
 * belong (`Relations`), so later batches can share list calls.
 */
export interface Learn {
  /** `withCounts`: the call computed occurrence/taxon counts (a detail, or `with_counts=true`). */
  captureSet(dto: CaptureSetDto, withCounts: boolean): void;
  project(dto: ProjectDto): void;
  job(dto: JobDto): void;
}

/** What the request's payloads said about where jobs and capture sets belong. */
export interface Relations {
  /** A capture set's project (from a job's embedded set and project). */
  projectOfSet(setId: string): number | undefined;
  /** Where a job lives (from a capture set's embedded job summaries). */
  setOfJob(jobId: string): JobPlace | undefined;
}

export interface JobPlace {
  captureSetId: number;
  projectId: number;
  /** How many jobs the set embeds: all of them, so a list of that size returns every one. */
  setJobCount: number;
}

/**
 * A capture set to load. `projectId` (when the caller knows it) lets sets of one project share
 * one list call; `counts` asks for occurrence/taxon counts (`with_counts=true` on that list).
 */
export interface CaptureSetKey {
  id: string;
  projectId?: number;
  counts?: boolean;
}

/** A capture set within its project, for the loaders keyed by both. */
export interface SetInProject {
  id: string;
  projectId: number;
}

/** Occurrence and taxon counts of a capture set (null when the upstream computed none). */
export interface CaptureSetCounts {
  occurrencesCount: number | null;
  taxaCount: number | null;
}
