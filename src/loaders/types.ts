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
}

/**
 * Seeds the per-request point loaders with payloads a list call already returned, so a later
 * lookup of the same item costs no upstream call. No-ops in baseline mode.
 */
export interface Primers {
  captureSet(dto: CaptureSetDto): void;
  project(dto: ProjectDto): void;
  job(dto: JobDto): void;
}

/** Where a job was seen (embedded in a capture set), so a batch of jobs can use one list call. */
export interface JobHint {
  captureSetId: number;
  projectId: number;
  /** How many jobs the set embeds: all of them, so a list of that size returns every one. */
  setJobCount: number;
}

/** Occurrence and taxon counts of a capture set (null when the upstream computed none). */
export interface CaptureSetCounts {
  occurrencesCount: number | null;
  taxaCount: number | null;
}
