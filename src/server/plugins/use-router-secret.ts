/**
 * SUBGRAPH_SECRET: the federation subgraph (subgraph.ts) serves the router only. A request
 * without the secret in `X-Subgraph-Secret` gets 403 FORBIDDEN; the comparison takes constant
 * time (both sides hashed first, so their lengths tell nothing).
 *
 * A door plugin (GatewayDeps `doorPlugins`): after useOperations in the plugin list, so a refused
 * request still has its request id, log line and metrics, and before anything reads the body.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

export const SUBGRAPH_SECRET_HEADER = 'x-subgraph-secret';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** 403 before anything is parsed for a request without the router's secret (compared in constant time). */
export function useRouterSecret(secret: string): Plugin {
  const expected = digest(secret);
  return {
    onRequest({ request, endResponse }) {
      const sent = request.headers.get(SUBGRAPH_SECRET_HEADER);
      if (sent !== null && timingSafeEqual(digest(sent), expected)) return;
      const body = JSON.stringify({
        errors: [
          { message: 'This endpoint serves the router only.', extensions: { code: 'FORBIDDEN' } },
        ],
      });
      endResponse(
        new Response(body, { status: 403, headers: { 'content-type': 'application/json' } }),
      );
    },
  };
}
