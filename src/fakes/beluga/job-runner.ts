/**
 * Jobs the fake runs, as Antenna runs them (ami/jobs/models.py: `Job.enqueue`, the `JobType.run`
 * procedures): a started job (created with start_now, run, retried, or a populate) waits
 * PENDING for the first tenth of FAKE_JOB_SECONDS, is STARTED while its stages complete one after
 * another in steps of 5 %, and ends SUCCESS with finished_at. A populate job empties its capture
 * set when it starts and fills it as it goes (Antenna's `populate_sample` clears the set, then
 * adds the sample). A job's state is a function of the fake's clock (../clock.ts): `catchUp`
 * writes what the clock has reached into the dataset before each request and after each step.
 */

import type { FakeClock } from '../clock.ts';
import type { CaptureSetRecord, Dataset, JobRecord } from '../dataset.ts';
import type { WriteStore } from './store.ts';

/** Share of the run spent waiting in the queue (PENDING). */
const QUEUED_SHARE = 0.1;
/** Progress moves in steps of 1/STEPS, so a poller sees a bounded number of changes. */
const STEPS = 20;

type Counts = Pick<
  CaptureSetRecord,
  'sourceImagesCount' | 'withDetectionsCount' | 'processedCount' | 'occurrencesCount' | 'taxaCount'
>;

interface Run {
  startMs: number;
  /** A populate job's set and the counts it ends with. */
  fill?: { setId: number; target: Counts };
}

export interface JobRunner {
  /** Enqueues the job at the clock's now (PENDING) and runs it from then on. */
  start(job: JobRecord): JobRecord;
  /** Stops running a job (a cancel); its record stays as it is. */
  stop(jobId: number): void;
  /** Writes the states the clock has reached into the dataset. */
  catchUp(): void;
  /** Forgets every run (the dataset was restored). */
  reset(): void;
  /** Jobs running now (PENDING or STARTED under the runner). */
  running(): number;
}

export function createJobRunner(options: {
  dataset: Dataset;
  store: WriteStore;
  clock: FakeClock;
  /** FAKE_JOB_SECONDS: from enqueue to SUCCESS. */
  seconds: number;
}): JobRunner {
  const { dataset, store, clock } = options;
  const durationMs = Math.max(1, options.seconds * 1000);
  const runs = new Map<number, Run>();

  const advanceJob = (job: JobRecord, run: Run): boolean => {
    const state = phase(clock.now() - run.startMs, durationMs);
    if (state.status === job.status && state.progress === job.runProgress) return false;
    const queuedEnd = run.startMs + durationMs * QUEUED_SHARE;
    const next: JobRecord = {
      ...job,
      status: state.status,
      runProgress: state.progress,
      startedAt: state.status === 'PENDING' ? null : store.timestampAt(queuedEnd),
      finishedAt: state.status === 'SUCCESS' ? store.timestampAt(run.startMs + durationMs) : null,
      updatedAt: store.timestamp(),
    };
    store.beforeWrite();
    dataset.jobs.set(job.id, next);
    if (run.fill && state.status !== 'PENDING') fill(dataset, run.fill, state.progress);
    return state.status === 'SUCCESS';
  };

  return {
    start(job) {
      const run: Run = { startMs: clock.now() };
      const set = job.captureSet === null ? undefined : dataset.captureSets.get(job.captureSet);
      if (job.jobType.key === 'populate_captures_collection' && set) {
        run.fill = { setId: set.id, target: targetCounts(set) };
      }
      runs.set(job.id, run);
      const queued: JobRecord = {
        ...job,
        status: 'PENDING',
        runProgress: 0,
        startedAt: null,
        finishedAt: null,
      };
      dataset.jobs.set(job.id, queued);
      return queued;
    },
    stop: (jobId) => void runs.delete(jobId),
    catchUp() {
      for (const [id, run] of runs) {
        const job = dataset.jobs.get(id);
        if (!job || advanceJob(job, run)) runs.delete(id);
      }
    },
    reset: () => runs.clear(),
    running: () => runs.size,
  };
}

/** The status and stage progress `elapsedMs` into a run of `durationMs`. */
export function phase(elapsedMs: number, durationMs: number): { status: string; progress: number } {
  const queuedMs = durationMs * QUEUED_SHARE;
  if (elapsedMs < queuedMs) return { status: 'PENDING', progress: 0 };
  if (elapsedMs >= durationMs) return { status: 'SUCCESS', progress: 1 };
  const share = (elapsedMs - queuedMs) / (durationMs - queuedMs);
  return { status: 'STARTED', progress: Math.floor(share * STEPS) / STEPS };
}

/**
 * What a populate ends with: the set's counts before it, or for an empty set (one just created)
 * a sample sized from its id. Detections and processed captures are a prefix of the captures, as
 * the fake's captures list serves them.
 */
function targetCounts(set: CaptureSetRecord): Counts {
  if (set.sourceImagesCount > 0) {
    const { sourceImagesCount, withDetectionsCount, processedCount, occurrencesCount, taxaCount } =
      set;
    return { sourceImagesCount, withDetectionsCount, processedCount, occurrencesCount, taxaCount };
  }
  const count = 50 + ((set.id * 37) % 200);
  const withDetections = Math.floor(count * 0.6);
  return {
    sourceImagesCount: count,
    withDetectionsCount: withDetections,
    processedCount: Math.floor(count * 0.8),
    occurrencesCount: withDetections * 2,
    taxaCount: Math.min(withDetections * 2, 25),
  };
}

/** The set `progress` of the way through its populate (0: just emptied). */
function fill(dataset: Dataset, run: NonNullable<Run['fill']>, progress: number): void {
  const set = dataset.captureSets.get(run.setId);
  if (!set) return;
  const { target } = run;
  const count = Math.round(target.sourceImagesCount * progress);
  const occurrences =
    target.sourceImagesCount === 0
      ? 0
      : Math.round((target.occurrencesCount * count) / target.sourceImagesCount);
  const step = set.captureStepMs || 60_000;
  dataset.captureSets.set(set.id, {
    ...set,
    sourceImagesCount: count,
    withDetectionsCount: Math.min(target.withDetectionsCount, count),
    processedCount: Math.min(target.processedCount, count),
    occurrencesCount: occurrences,
    taxaCount: Math.min(target.taxaCount, occurrences),
    // A set created empty has no capture window yet: its sample ends a day before it was made.
    captureStartMs:
      set.captureStartMs ||
      Date.parse(`${set.createdAt.slice(0, 19)}Z`) - 86_400_000 - step * target.sourceImagesCount,
    captureStepMs: step,
  });
}
