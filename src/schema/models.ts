/**
 * Parent shapes of the GraphQL object types: what a resolver receives. Each holds whatever upstream
 * payload produced it, so fields resolve from it and hydrate (through loaders) only when a
 * selected field is missing from it. Producers: point lookups, node/nodes, list/connection fields.
 */
import type { GatewayContext } from '../context.ts';
import type {
  CaptureDetailDto,
  CaptureDto,
  CaptureSetDto,
  CollectionDetailDataDto,
  FetchedAt,
  JobDto,
  JobSummaryDto,
  MediaItemDto,
  ProjectDto,
} from '../loaders/upstream.ts';
import type { ObjectsRef } from './cost/objects.ts';
import { notFound, upstreamBadResponse } from './errors.ts';

export type CollectionSourceValue = 'BELUGA' | 'WICKSON';

/**
 * Collection models are instances of the classes below so that `name` and `stats` are getters on
 * a shared prototype: the compiled executor reads them as properties (./property-read.ts)
 * instead of calling a resolver with a fresh info object for each collection, two calls fewer
 * per collection on a page. Build them with `new`; a plain object literal does not type-check.
 */
abstract class CollectionReads {
  /** A collection is its own stats' parent: MediaCollectionStats reads the same payloads. */
  get stats(): this {
    return this;
  }
}

/** A Beluga capture set from a list or detail payload (both share one shape). */
export class BelugaCollectionModel extends CollectionReads {
  readonly source = 'BELUGA';
  readonly sourceId: string;
  readonly dto: CaptureSetDto;
  readonly summary?: undefined;

  constructor(dto: CaptureSetDto) {
    super();
    this.sourceId = String(dto.id);
    this.dto = dto;
  }

  get name(): string {
    return this.dto.name;
  }
}

/** What a job embeds about its capture set (`source_image_collection`) plus the job's project. */
export interface BelugaCollectionSummary {
  id: number;
  name: string;
  method: string;
  projectId: number;
  /** The job's embedded project `{id, name}`: the set's project, so `project { name }` is free. */
  project?: { id: number; name: string };
}

/** A Beluga capture set known only from a job's summary: other fields hydrate through the loader. */
export class BelugaCollectionStub extends CollectionReads {
  readonly source = 'BELUGA';
  readonly sourceId: string;
  readonly dto?: undefined;
  readonly summary: BelugaCollectionSummary;

  constructor(summary: BelugaCollectionSummary) {
    super();
    this.sourceId = String(summary.id);
    this.summary = summary;
  }

  get name(): string {
    return this.summary.name;
  }
}

export type BelugaCollectionParent = BelugaCollectionModel | BelugaCollectionStub;

/** A Wickson media collection: from the list (item count, created_at) and/or the detail (stats). */
export class WicksonCollectionModel extends CollectionReads {
  readonly source = 'WICKSON';
  readonly sourceId: string;
  readonly listItem?: { item_count: number; created_at: string | null } & FetchedAt;
  readonly detail?: CollectionDetailDataDto;

  constructor(sourceId: string, payload: Pick<WicksonCollectionModel, 'listItem' | 'detail'> = {}) {
    super();
    this.sourceId = sourceId;
    this.listItem = payload.listItem;
    this.detail = payload.detail;
  }

  /** Wickson collections have no display name: their id is their name. */
  get name(): string {
    return this.sourceId;
  }
}

/** A collection built from a full payload: what lists and connections produce. */
export type CollectionModel = BelugaCollectionModel | WicksonCollectionModel;
/** What the Collection type's fields receive: a full model or a job's capture-set summary. */
export type CollectionParent = BelugaCollectionParent | WicksonCollectionModel;

/**
 * What an upstream-call declaration (./cost/types.ts) knows of a collection's model. Beluga:
 * a `full` list or detail payload (`withCounts`: its occurrence and taxon counts were computed,
 * by a detail or a list with `with_counts`; `projectLoaded`: listed under its project, already
 * loaded), a job's embedded `summary` (other fields load the set), or a write's answer
 * (`written`: its counts may be null). Wickson: its `detail`, a `list` entry, or only its `id`
 * (an item's collection).
 */
export type CollectionHolds =
  | { source: 'BELUGA'; payload: 'full'; withCounts: boolean; projectLoaded: boolean }
  | { source: 'BELUGA'; payload: 'summary' | 'written' }
  | { source: 'WICKSON'; payload: 'detail' | 'list' | 'id' };

/** The set's project id, from the payload or the summary (no call). */
export function belugaProjectId(c: BelugaCollectionParent): number {
  return c.dto ? c.dto.project : c.summary.projectId;
}

/**
 * The full capture-set payload: the parent's, else one load (cached per request; sets of one
 * project share one list call). `counts` asks for occurrence/taxon counts with it. Throws
 * NOT_FOUND when it is gone or hidden.
 */
export async function belugaDto(
  c: BelugaCollectionParent,
  ctx: GatewayContext,
  options: { counts?: boolean } = {},
): Promise<CaptureSetDto> {
  if (c.dto) return c.dto;
  const dto = await ctx.loaders.captureSet.load({
    id: c.sourceId,
    projectId: c.summary.projectId,
    ...(options.counts ? { counts: true } : {}),
  });
  if (!dto) {
    throw notFound('The capture set is not visible to this caller.');
  }
  return dto;
}

/** A capture-set payload that carries its capture counts. */
export type CountedCaptureSetDto = CaptureSetDto & {
  source_images_count: number;
  source_images_with_detections_count: number;
  source_images_processed_count: number;
};

export function hasCounts(dto: CaptureSetDto): dto is CountedCaptureSetDto {
  return (
    dto.source_images_count !== null &&
    dto.source_images_with_detections_count !== null &&
    dto.source_images_processed_count !== null
  );
}

/**
 * The capture-set payload with its counts. Reads always carry them; a write's answer may not (a
 * create's are null: the new instance has no count annotations). Then the set's detail, which
 * computes every count, is loaded under one key (`{id, counts}`), so all the count fields of
 * such an answer share one Beluga call. A detail without them is a bad answer.
 */
export async function belugaCounted(
  c: BelugaCollectionParent,
  ctx: GatewayContext,
): Promise<CountedCaptureSetDto> {
  const dto = await belugaDto(c, ctx);
  if (hasCounts(dto)) return dto;
  const detail = await ctx.loaders.captureSet.load({
    id: c.sourceId,
    projectId: belugaProjectId(c),
    counts: true,
  });
  if (!detail) throw notFound('The capture set is not visible to this caller.');
  if (!hasCounts(detail)) {
    throw upstreamBadResponse('Beluga answered the capture set without its counts.');
  }
  return detail;
}

/**
 * `read` of the counted payload: at once when the parent's payload has its counts (list items and
 * details do), else after `belugaCounted`. A page of listed sets resolves its count fields
 * without a promise each.
 */
export function fromCounted<R>(
  c: BelugaCollectionParent,
  ctx: GatewayContext,
  read: (dto: CountedCaptureSetDto) => R,
): R | Promise<R> {
  const { dto } = c;
  return dto && hasCounts(dto) ? read(dto) : belugaCounted(c, ctx).then(read);
}

/** The Wickson detail, fetched only when the model came from the list without it. */
export async function wicksonDetail(model: WicksonCollectionModel, ctx: GatewayContext) {
  return model.detail ?? (await ctx.loaders.wicksonCollection.load(model.sourceId));
}

/** A Beluga project: an embedded summary `{id, name}` (on jobs), a list item, or a detail. */
export interface ProjectModel {
  sourceId: number;
  summary?: { id: number; name: string };
  dto?: ProjectDto;
}

/** A project's `detail` (a list item or its detail), a job's embedded `summary`, or its `id`. */
export type ProjectHolds = 'detail' | 'summary' | 'id';

/**
 * A Beluga job: the JobStatus summary embedded in a capture set (with that set's ids), or a full
 * list/detail payload.
 */
export type JobModel =
  | { sourceId: number; summary: JobSummary; dto?: JobDto }
  | { sourceId: number; summary?: JobSummary; dto: JobDto };
/** The job's own fields: the full payload when held, else the summary (one of them always is). */
export function jobPayload(j: JobModel): JobDto | JobSummary {
  return j.dto ?? (j.summary as JobSummary);
}
type JobSummary = JobSummaryDto & { captureSetId: number; projectId: number };

/** A job's full payload, or a summary embedded in a capture set (`set`: that set's flags). */
export type JobHolds =
  | { payload: 'detail' }
  | { payload: 'summary'; set: { withCounts: boolean; projectLoaded: boolean } };

/**
 * An item with the collection it was reached through: the parent connection's model, else only
 * the collection's id (from a global id). `detailed` marks payloads from the detail endpoint.
 */
export type MediaItemModel =
  | {
      source: 'BELUGA';
      collectionId: string;
      collection?: CollectionParent;
      capture: CaptureDto | CaptureDetailDto;
    }
  | {
      source: 'WICKSON';
      collectionId: string;
      collection?: CollectionParent;
      media: MediaItemDto;
      detailed: boolean;
    };

/**
 * What an upstream-call declaration (./cost/types.ts) knows of an item: its source, whether it
 * came from the detail endpoint or a list, and the collection it was listed under (`via`).
 */
export interface MediaItemHolds {
  source: 'BELUGA' | 'WICKSON';
  from: 'detail' | 'list';
  via?: ObjectsRef<CollectionHolds>;
}
