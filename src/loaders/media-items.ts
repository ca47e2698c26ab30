/**
 * Reads of what collections hold: Beluga captures and Wickson media. Pages are list loaders keyed
 * by their params (the same page asked twice in a request is one call); details are point loaders
 * fanned out with bounded concurrency, since neither upstream has a batch-by-ids read.
 */
import type DataLoader from 'dataloader';
import type { CaptureDetailDto } from '../upstreams/beluga/schemas.ts';
import type { CapturePage, ListCapturesParams, ListMediaParams } from '../upstreams/types.ts';
import type { MediaItemDto, MediaListDataDto } from '../upstreams/wickson/schemas.ts';
import { makeLoader, mapBounded } from './batch.ts';
import { listLoader } from './lists.ts';
import type { LoaderDeps } from './types.ts';

export interface ItemLoaders {
  /** `captures/?project_id&collections&ordering&limit&offset`. */
  captureList: DataLoader<ListCapturesParams, CapturePage, string>;
  /**
   * Capture detail by id within its project (Antenna requires `project_id` there); null when
   * missing, in another project, or hidden (draft).
   */
  capture: DataLoader<CaptureKey, CaptureDetailDto | null, string>;
  /** `GET /v1/media?collection&page&page_size`. */
  mediaList: DataLoader<ListMediaParams, MediaListDataDto, string>;
  /** Media detail by id; null on 404. */
  media: DataLoader<string, MediaItemDto | null>;
}

export interface CaptureKey {
  id: string;
  projectId: number;
}

export function createItemLoaders(deps: LoaderDeps): ItemLoaders {
  const { beluga, wickson } = deps.clients;
  return {
    captureList: listLoader(deps, (params: ListCapturesParams) =>
      beluga.listCaptures(params, deps.scope),
    ),
    capture: makeLoader(
      deps,
      (keys: readonly CaptureKey[]) =>
        mapBounded(keys, deps.config.beluga.concurrency, (key) =>
          beluga.getCapture(Number(key.id), key.projectId, deps.scope),
        ),
      (key) => `${key.projectId}:${key.id}`,
    ),
    mediaList: listLoader(deps, (params: ListMediaParams) => wickson.listMedia(params, deps.scope)),
    media: makeLoader(deps, (keys) =>
      mapBounded(keys, deps.config.wickson.concurrency, (key) => wickson.getMedia(key, deps.scope)),
    ),
  };
}
