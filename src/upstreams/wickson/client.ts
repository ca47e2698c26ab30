/**
 * Wickson reads over `${WICKSON_URL}/v1/...`, always with the server's `X-Api-Key` and nothing
 * from the caller. Ids are opaque strings, encoded as one path segment. The envelope is unwrapped:
 * callers get `data`. `getCollection`/`getMedia` resolve null on a 404.
 */
import { markFetched } from '../fetched-at.ts';
import type { HttpClient } from '../http.ts';
import type { WicksonClient } from '../types.ts';
import {
  CollectionDetailDto,
  CollectionsListDto,
  MediaDetailDto,
  MediaListDto,
} from './schemas.ts';

export function createWicksonClient(http: HttpClient, apiKey: string): WicksonClient {
  const headers = { 'x-api-key': apiKey };
  // Every request carries the gateway's key, so a 401/403 is the operator's to fix.
  const credential = 'server';
  return {
    listCollections: async (scope) => {
      const route = '/v1/media/collections';
      return (
        await http.get({
          path: route,
          route,
          headers,
          credential,
          schema: CollectionsListDto,
          scope,
          onFetched: (body, at) => markFetched(Object.values(body.data.collection_details), at),
        })
      ).data;
    },

    getCollection: async (id, scope) => {
      const body = await http.getOrNull({
        path: `/v1/media/collections/${encodeURIComponent(id)}`,
        route: '/v1/media/collections/{id}',
        headers,
        credential,
        schema: CollectionDetailDto,
        scope,
        onFetched: (body, at) => markFetched([body.data], at),
      });
      return body?.data ?? null;
    },

    listMedia: async (params, scope) => {
      const route = '/v1/media';
      const query = {
        page: params.page,
        page_size: params.pageSize,
        collection: params.collection,
        media_type: params.mediaType,
      };
      return (
        await http.get({
          path: route,
          route,
          query,
          headers,
          credential,
          schema: MediaListDto,
          scope,
        })
      ).data;
    },

    getMedia: async (id, scope) => {
      const body = await http.getOrNull({
        path: `/v1/media/${encodeURIComponent(id)}`,
        route: '/v1/media/{id}',
        headers,
        credential,
        schema: MediaDetailDto,
        scope,
      });
      return body?.data ?? null;
    },
  };
}
