import type { ObjectRef, SchemaTypes } from '@pothos/core';
import { builder } from '../builder.ts';
import { edgesOfPage, nodeOfEdge } from '../cost/connections.ts';
import { free } from '../cost/types.ts';
import { propertyRead } from '../property-read.ts';
import type { ConnectionPage, Edge } from './paging.ts';

type BuilderTypes =
  typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;

/** `<Name>Connection` and `<Name>Edge` object types (Relay) with `totalCount`. */
export function connectionType<T>(
  name: string,
  node: ObjectRef<BuilderTypes, T>,
  what: { one: string; many: string },
) {
  const edge = builder.objectRef<Edge<T>>(`${name}Edge`).implement({
    description: `One ${what.one} in a page of ${what.many}, with the cursor to page from it.`,
    fields: (t) => ({
      cursor: t.exposeString('cursor', {
        description: `Opaque cursor of this ${what.one}: pass it as \`after\` or \`before\`.`,
      }),
      node: t.field({
        type: node,
        // Nullable, as in Relay's own connections: an item whose data failed to load is null
        // (with its error) while the rest of the page and the sibling fields survive.
        nullable: true,
        description: `The ${what.one}; null only when loading it failed (see \`errors\`).`,
        upstreamCalls: nodeOfEdge(),
        // Pothos cannot relate a generic T to its resolver result type; `node` is typed by ref.
        resolve: propertyRead<Edge<T>, 'node'>('node') as never,
      }),
    }),
  });
  return builder.objectRef<ConnectionPage<T>>(`${name}Connection`).implement({
    description: `A page of ${what.many} (Relay connection).`,
    fields: (t) => ({
      edges: t.field({
        type: [edge],
        description: `The ${what.many} of this page, in order.`,
        upstreamCalls: edgesOfPage(),
        resolve: propertyRead('edges'),
      }),
      pageInfo: t.field({
        type: builder.pageInfoRef(),
        description: 'Cursors of both ends of this page and whether more pages exist.',
        upstreamCalls: free,
        resolve: propertyRead('pageInfo'),
      }),
      totalCount: t.int({
        description: `How many ${what.many} the whole list holds (all pages), from the upstream counts.`,
        // The counts come with the page's list calls (the connection field charges a count call).
        upstreamCalls: free,
        resolve: (c) => c.totalCount(),
      }),
    }),
  });
}
