/**
 * What the mutation payloads receive (./mutation.ts, ./job-mutations.ts,
 * ./collection-mutations.ts): a write's answer and the input errors it reported. Apart from the
 * object types so that an upstream-call declaration (./cost/views.ts) can name them.
 */
import type { JobModel } from './models.ts';

/** One input error of a write, as the `UserError` type shows it. */
export interface UserErrorModel {
  field: string[] | null;
  message: string;
}

export interface JobPayloadModel {
  job: JobModel | null;
  /** A job known only by id (populate answers `{job_id, project_id}`). */
  jobId?: number;
  userErrors: UserErrorModel[];
}

/** A write's answer: a job's detail, or only its id (`populate`). */
export type JobPayloadHolds = 'job' | 'populate';
