/**
 * MAX_BODY_BYTES. yoga's own limit pipes every body through a TransformStream to count bytes,
 * even when a Content-Length already bounds it: per request that stream pipeline (and the
 * AbortController Node's pipeline creates and aborts) was ~4% of a small query's CPU. Node's HTTP
 * parser never delivers more than Content-Length bytes (and refuses a request that sends both
 * Content-Length and Transfer-Encoding), so a valid Content-Length under the limit is enough;
 * only a body without one (chunked) is counted as it streams.
 *
 * Last in the plugin list, after useInputGuard (use-input-guard.ts): its onRequestParse wraps the
 * request parser already chosen, so the byte count holds for the input guard's parsers too.
 */

import type { Plugin } from 'graphql-yoga';
import { GraphQLError } from '../graphql.ts';

const CONTENT_LENGTH = /^\d+$/;

function tooLarge(): GraphQLError {
  return new GraphQLError('Request body too large', {
    extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } },
  });
}

export function useBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const length = request.headers.get('content-length');
      if (length !== null) {
        if (!CONTENT_LENGTH.test(length)) {
          throw new GraphQLError('Content-Length header is invalid.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
        if (Number(length) > limit) throw tooLarge();
        return;
      }
      const body = request.body;
      if (!requestParser || !body) return;
      const parse = requestParser;
      setRequestParser((req) => {
        let read = 0;
        const Transform =
          body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        const counted = body.pipeThrough(
          new Transform({
            transform(chunk: Uint8Array, controller) {
              read += chunk.byteLength;
              if (read > limit) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return parse(
          new fetchAPI.Request(req.url, {
            method: req.method,
            headers: req.headers,
            signal: req.signal,
            body: counted,
            duplex: 'half',
          } as RequestInit),
        );
      });
    },
  };
}
