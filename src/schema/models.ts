/**
 * Parent shapes of the GraphQL object types: what a resolver receives. Each holds whatever upstream
 * payload produced it, so fields resolve from it and hydrate (through loaders) only when a
 * selected field is missing from it. Producers: point lookups, node/nodes, list/connection fields.
 */
import type {
  CaptureSetDto,
  JobDto,
  JobSummaryDto,
  ProjectDto,
} from '../upstreams/beluga/schemas.ts';
import type { CollectionDetailDataDto } from '../upstreams/wickson/schemas.ts';

export type CollectionSourceValue = 'BELUGA' | 'WICKSON';

/** A Beluga capture set: list and detail payloads share one shape. */
export interface BelugaCollectionModel {
  source: 'BELUGA';
  sourceId: string;
  dto: CaptureSetDto;
}

/** A Wickson media collection: from the list (item count, created_at) and/or the detail (stats). */
export interface WicksonCollectionModel {
  source: 'WICKSON';
  sourceId: string;
  listItem?: { item_count: number; created_at: string | null };
  detail?: CollectionDetailDataDto;
}

export type CollectionModel = BelugaCollectionModel | WicksonCollectionModel;

/** A Beluga project: an embedded summary `{id, name}` (on jobs), a list item, or a detail. */
export interface ProjectModel {
  sourceId: number;
  summary?: { id: number; name: string };
  dto?: ProjectDto;
}

/**
 * A Beluga job: the JobStatus summary embedded in a capture set (with that set's ids), or a full
 * list/detail payload.
 */
export interface JobModel {
  sourceId: number;
  summary?: JobSummaryDto & { captureSetId: number; projectId: number };
  dto?: JobDto;
}
