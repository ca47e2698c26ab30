/**
 * Serving the GraphiQL page (graphiql.ts) to a browser's `GET <endpoint>`: the encoding by
 * `Accept-Encoding`, a 304 for a matching `If-None-Match`. Two doors over one answer: on the
 * node:http listener (`withGraphiQL`, what `npm start` serves: the page's bytes go to the socket
 * as they are, ~1 ms a view) and as a yoga plugin for the in-process `fetch`
 * (plugins/use-graphiql.ts).
 * `Vary: Accept, Accept-Encoding`: the same URL answers GraphQL to other `Accept` values;
 * `no-transform` keeps the compression middleware (compress.ts) off the page.
 */
import Negotiator from 'negotiator';
import { ENCODINGS, type GraphiQLPage, type PageEncoding, sharedGraphiQLPage } from './graphiql.ts';
import type { Handler } from './listener.ts';

export interface PageAnswer {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | undefined;
}

/** yoga's own test for a browser asking for the page (`graphql-yoga` use-graphiql.ts). */
export const wantsPage = (method: string | undefined, accept: string | null | undefined) =>
  method === 'GET' && !!accept?.includes('text/html');

export const onEndpoint = (endpoints: readonly string[], pathname: string) =>
  endpoints.some((endpoint) => pathname === endpoint || pathname === `${endpoint}/`);

/** negotiator's `encoding(available, preferred)`; its types omit the second argument. */
type EncodingChoice = (available: readonly string[], preferred: readonly string[]) => unknown;

/** br, else gzip, else the page as it is, by the client's `Accept-Encoding` and q-values. */
function chooseEncoding(acceptEncoding: string | null | undefined): PageEncoding {
  const negotiator = new Negotiator({
    headers: { 'accept-encoding': acceptEncoding ?? undefined },
  });
  const choose = negotiator.encoding.bind(negotiator) as EncodingChoice;
  const chosen = choose(ENCODINGS, ['br', 'gzip']);
  return ENCODINGS.includes(chosen as PageEncoding) ? (chosen as PageEncoding) : 'identity';
}

/** The If-None-Match list holds this ETag (or `*`); weak comparison, as RFC 9110 asks for GET. */
function matches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

export async function answerPage(
  page: GraphiQLPage,
  acceptEncoding: string | null | undefined,
  ifNoneMatch: string | null | undefined,
): Promise<PageAnswer> {
  const encoding = chooseEncoding(acceptEncoding);
  const variant = await page.variant(encoding);
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'public, max-age=300, no-transform',
    vary: 'Accept, Accept-Encoding',
    etag: variant.etag,
  };
  if (matches(ifNoneMatch, variant.etag)) return { status: 304, headers, body: undefined };
  if (encoding !== 'identity') headers['content-encoding'] = encoding;
  return { status: 200, headers, body: variant.body };
}

/** The page on the node:http listener for `endpoints`; any other request goes to `handler`. */
export function withGraphiQL(
  handler: Handler,
  endpoints: readonly string[],
  page = sharedGraphiQLPage(),
): Handler {
  return (req, res) => {
    const pathname = (req.url ?? '/').split('?', 1)[0]!;
    if (!wantsPage(req.method, req.headers.accept) || !onEndpoint(endpoints, pathname)) {
      handler(req, res);
      return;
    }
    answerPage(page, req.headers['accept-encoding'], req.headers['if-none-match']).then(
      (answer) => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      },
      // The bundle could not be read: the GraphQL side answers as if GraphiQL were off.
      () => handler(req, res),
    );
  };
}
