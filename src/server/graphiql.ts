/** GraphiQL page options: a default tab that runs against the real graph out of the box. */
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
 * The ~9 MB bundle is imported on the first browser GET only, never when GRAPHIQL=false.
 */
export async function renderOfflineGraphiQL(options: GraphiQLOptions): Promise<string> {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  return renderGraphiQL(options);
}
