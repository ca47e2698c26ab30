/**
 * The records of the fake dataset (./dataset.ts builds them; the generators in ./dataset-*.ts
 * fill them), apart from the code so that the generators and the dataset import no cycle.
 */
import type { RoleName } from './beluga/roles.ts';

export interface DatasetScale {
  projects: number;
  captureSets: number;
  jobs: number;
  wicksonCollections: number;
  /** Items of an extra `large_archive` collection (0: none), to page past 100 Wickson items. */
  wicksonLargeItems: number;
}

export interface JobType {
  name: string;
  key: string;
}

export interface ProjectRecord {
  id: number;
  name: string;
  description: string;
  draft: boolean;
  active: boolean;
  priority: number;
  createdAt: string;
  updatedAt: string;
  image: string | null;
  deployments: { id: number; name: string; latitude: number; longitude: number; events: number }[];
  owner: { id: number; name: string };
}

export interface CaptureSetRecord {
  id: number;
  name: string;
  project: number;
  method: string;
  kwargs: Record<string, unknown>;
  description: string;
  sourceImagesCount: number;
  withDetectionsCount: number;
  processedCount: number;
  occurrencesCount: number;
  taxaCount: number;
  createdAt: string;
  updatedAt: string;
  /** Job ids linked to this set, newest first. */
  jobIds: number[];
  /** Virtual captures: timestamp of capture i = captureStartMs + i * captureStepMs (naive ms). */
  captureStartMs: number;
  captureStepMs: number;
}

export interface PipelineRecord {
  id: number;
  name: string;
  slug: string;
  createdAt: string;
}

export interface JobRecord {
  id: number;
  name: string;
  project: number;
  captureSet: number | null;
  pipeline: PipelineRecord | null;
  status: string;
  jobType: JobType;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  dispatchMode: string;
  total: number;
  /**
   * Share (0–1) of its stages a job the fake runs has done (beluga/job-runner.ts); absent for
   * seeded jobs, whose stages follow their status alone.
   */
  runProgress?: number;
}

export interface UserRecord {
  id: number;
  name: string;
  token: string;
  /** Project → the role held there (membership). */
  roles: Map<number, RoleName>;
  /** Project → permissions granted outside any role (Antenna's tests use guardian's assign_perm). */
  grants?: Map<number, Set<string>>;
  superuser: boolean;
}

export interface MediaRecord {
  id: string;
  mediaType: string;
  filename: string;
  collection: string;
  createdAtMs: number;
  summary: string;
}

export interface WicksonCollectionRecord {
  id: string;
  /** Oldest first. */
  items: MediaRecord[];
}

export interface Dataset {
  seed: number;
  scale: DatasetScale;
  projects: Map<number, ProjectRecord>;
  captureSets: Map<number, CaptureSetRecord>;
  jobs: Map<number, JobRecord>;
  users: Map<string, UserRecord>;
  wickson: {
    /** `default` first, then ascending first-item date. */
    collections: WicksonCollectionRecord[];
    media: Map<string, MediaRecord>;
  };
  /** Handy ids for tests and docs. */
  ids: {
    draftProjects: number[];
    draftCaptureSets: number[];
    draftJobs: number[];
    seedCaptureSets: number[];
  };
}
