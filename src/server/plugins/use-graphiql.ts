/**
 * The GraphiQL page (graphiql.ts) on yoga's `fetch`, before yoga parses anything: the encoding
 * and the 304 are graphiql-serve.ts's, as on the node:http listener (`withGraphiQL`). yoga's own
 * GraphiQL is off (gateway.ts): this page is rendered and compressed once per process.
 *
 * Before the CSRF check in the plugin list: a browser opening the page sends no preflight header.
 */
import type { Plugin } from 'graphql-yoga';
import { type GraphiQLPage, sharedGraphiQLPage } from '../graphiql.ts';
import { answerPage, onEndpoint, wantsPage } from '../graphiql-serve.ts';

export interface GraphiQLOptions {
  /** Where GraphQL is served: `GET <endpoint>` from a browser gets the page. */
  endpoint: string;
  /** Defaults to the process's one page (its bundle read and compressed once). */
  page?: GraphiQLPage;
}

export function useGraphiQL(options: GraphiQLOptions): Plugin {
  const { endpoint, page = sharedGraphiQLPage() } = options;
  return {
    async onRequest({ request, url, endResponse }) {
      if (!wantsPage(request.method, request.headers.get('accept'))) return;
      if (!onEndpoint([endpoint], url.pathname)) return;
      const { headers } = request;
      const answer = await answerPage(
        page,
        headers.get('accept-encoding'),
        headers.get('if-none-match'),
      );
      endResponse(new Response(answer.body ?? null, answer));
    },
  };
}
