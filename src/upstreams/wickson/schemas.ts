/**
 * Wire schemas for the Wickson payloads the gateway reads. Every success body is the envelope
 * `{success: true, message, data, metadata}`; errors come in two shapes and are parsed
 * tolerantly: code = `error.code ?? code`, request id = `error.details.request_id ?? request_id`.
 * Timestamps are UTC with `Z`. Media types stay strings so a new one does not fail the parse.
 */
import { z } from 'zod';
import type { FetchedAt } from '../fetched-at.ts';

export function envelopeDto<T extends z.ZodType>(data: T) {
  return z.object({
    success: z.literal(true),
    message: z.string(),
    data,
    metadata: z.record(z.string(), z.unknown()).optional(),
  });
}

const utcDateTime = z.string();

/** `GET /v1/media/collections` data: ids in order, details keyed by id. */
export const CollectionsListDataDto = z.object({
  collections: z.array(z.string()),
  collection_details: z.record(
    z.string(),
    z.object({
      item_count: z.number().int().nonnegative(),
      created_at: utcDateTime.nullable(),
    }),
  ),
  total_collections: z.number().int().nonnegative().optional(),
});
/** Each listed collection's details carry the time the list was fetched. */
export type CollectionsListDataDto = z.infer<typeof CollectionsListDataDto> & {
  collection_details: Record<string, FetchedAt>;
};
export const CollectionsListDto = envelopeDto(CollectionsListDataDto);

/** `GET /v1/media/collections/{id}` data. */
export const CollectionStatsDto = z.object({
  item_count: z.number().int().nonnegative(),
  first_item_date: utcDateTime.nullable(),
  last_item_date: utcDateTime.nullable(),
  media_type_distribution: z.record(z.string(), z.number().int().nonnegative()),
});
export const CollectionDetailDataDto = z.object({
  collection_id: z.string(),
  stats: CollectionStatsDto,
});
/** Read with the time it was fetched. */
export type CollectionDetailDataDto = z.infer<typeof CollectionDetailDataDto> & FetchedAt;
export const CollectionDetailDto = envelopeDto(CollectionDetailDataDto);

/** A media item as listed by `GET /v1/media` and returned by `GET /v1/media/{id}`. */
export const MediaItemDto = z.object({
  id: z.string(),
  media_type: z.string(),
  // file_size is undocumented (the docs show only filename): read when sent, never required.
  file_info: z.object({
    filename: z.string(),
    file_size: z.number().int().nonnegative().optional(),
  }),
  storage: z.object({ created_at: utcDateTime, collection: z.string().optional() }).optional(),
  metadata: z
    .object({ search: z.object({ summary: z.string().nullable().optional() }).optional() })
    .optional(),
  content: z.object({ chunks: z.array(z.string()).optional() }).optional(),
});
export type MediaItemDto = z.infer<typeof MediaItemDto>;

export const MediaListDataDto = z.object({
  items: z.array(MediaItemDto),
  pagination: z.object({
    page: z.number().int().positive(),
    page_size: z.number().int().positive().optional(),
    total_pages: z.number().int().nonnegative(),
    total_items: z.number().int().nonnegative(),
  }),
});
export type MediaListDataDto = z.infer<typeof MediaListDataDto>;
export const MediaListDto = envelopeDto(MediaListDataDto);
export const MediaDetailDto = envelopeDto(MediaItemDto);

/** Nested error body of the collection pages. */
export const NestedErrorDto = z.object({
  success: z.literal(false),
  message: z.string(),
  error: z.object({
    code: z.string(),
    details: z.object({ request_id: z.string().optional() }).passthrough().optional(),
  }),
});
/** Flat error body of the rate-limit and batch pages. */
export const FlatErrorDto = z.object({
  success: z.literal(false),
  message: z.string(),
  code: z.string(),
  status_code: z.number().int().optional(),
  request_id: z.string().optional(),
  details: z.object({ reset_time: z.number().optional() }).passthrough().optional(),
});
export const ErrorBodyDto = z.union([NestedErrorDto, FlatErrorDto]);
export type ErrorBodyDto = z.infer<typeof ErrorBodyDto>;
