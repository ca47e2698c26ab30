/**
 * GraphiQL on `GET <endpoint>` from a browser (GRAPHIQL), at no cost per view: the page is
 * rendered once per process and compressed once per encoding (br, gzip, or none), then every view
 * is a buffer write, or a 304 when the browser's `If-None-Match` holds the page's ETag.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { GraphiQLOptions } from 'graphql-yoga';

export const EXAMPLE_QUERY = `# Both sources in one list: Beluga capture sets and Wickson media collections.
# Send your Beluga token as a header {"Authorization": "Token <key>"} to see draft projects.
query Collections {
  collections(first: 5) {
    totalCount
    edges {
      node {
        id
        source
        sourceId
        name
        stats {
          itemCount
        }
        project {
          name
        }
      }
    }
  }
}
`;

export function graphiqlOptions(): GraphiQLOptions {
  return {
    title: 'Beluga + Wickson gateway',
    defaultQuery: EXAMPLE_QUERY,
    defaultTabs: [{ query: EXAMPLE_QUERY }],
  };
}

/**
 * GraphiQL with its assets inlined (no CDN), so the page works offline and behind firewalls.
 * The ~9 MB bundle is imported on the first view only, never when GRAPHIQL is off.
 */
export async function renderOfflineGraphiQL(): Promise<string> {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  return renderGraphiQL(graphiqlOptions());
}

export const ENCODINGS = ['br', 'gzip', 'identity'] as const;
export type PageEncoding = (typeof ENCODINGS)[number];

/** The page as sent in one encoding. */
export interface PageVariant {
  encoding: PageEncoding;
  body: Uint8Array<ArrayBuffer>;
  /** Strong validator of this representation (each encoding has its own). */
  etag: string;
}

export interface GraphiQLPage {
  /** Rendered on the first call and compressed on the first call per encoding; then kept. */
  variant(encoding: PageEncoding): Promise<PageVariant>;
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Compression runs once per process, on libuv's threads: the best ratio a start-up can afford. */
function encode(html: Buffer, encoding: PageEncoding): Promise<Buffer> {
  if (encoding === 'br') {
    return brotli(html, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 9,
        [constants.BROTLI_PARAM_SIZE_HINT]: html.length,
      },
    });
  }
  if (encoding === 'gzip') return gzipped(html, { level: 9 });
  return Promise.resolve(html);
}

export function createGraphiQLPage(render: () => Promise<string> = renderOfflineGraphiQL) {
  let html: Promise<{ bytes: Buffer; hash: string }> | undefined;
  const variants = new Map<PageEncoding, Promise<PageVariant>>();
  const rendered = () => {
    html ??= render().then((text) => {
      const bytes = Buffer.from(text, 'utf8');
      return { bytes, hash: createHash('sha256').update(bytes).digest('base64url').slice(0, 27) };
    });
    // A failed render (the bundle missing) is tried again on the next view.
    html.catch(() => {
      html = undefined;
    });
    return html;
  };
  const page: GraphiQLPage = {
    variant(encoding) {
      let variant = variants.get(encoding);
      if (!variant) {
        variant = rendered().then(async ({ bytes, hash }) => {
          const body = await encode(bytes, encoding);
          return {
            encoding,
            // A view of the buffer (no copy): zlib's results own their ArrayBuffer.
            body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength),
            etag: `"${hash}-${encoding}"`,
          };
        });
        variants.set(encoding, variant);
        variant.catch(() => variants.delete(encoding));
      }
      return variant;
    },
  };
  return page;
}

/** One page for every gateway of the process (/graphql and the subgraph show the same one). */
let processPage: GraphiQLPage | undefined;
export const sharedGraphiQLPage = (): GraphiQLPage => {
  processPage ??= createGraphiQLPage();
  return processPage;
};
