import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import { JSONResolver } from 'graphql-scalars';
import type { GatewayContext } from '../context.ts';
import { nodeById, nodesByIds } from './cost/nodes.ts';
import { UPSTREAM_CALLS_PLUGIN } from './cost/plugin.ts';
import { free } from './cost/types.ts';
import { DateTimeScalar } from './date-time.ts';
import { decodeGlobalId, encodeGlobalId } from './global-id.ts';
import { EARLY_LOAD_PLUGIN } from './prefetch.ts';

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // Directives and Federation only matter to the subgraph schema (src/schema/federation.ts):
  // printSchema ignores applied directives, so the stand-alone SDL is unchanged. Plugins see a
  // field last to first: upstream calls hand their @cost/@listSize to Federation. Early loads
  // (./prefetch.ts) only keep a field option in its extensions.
  plugins: [
    RelayPlugin,
    DirectivesPlugin,
    FederationPlugin,
    UPSTREAM_CALLS_PLUGIN,
    EARLY_LOAD_PLUGIN,
  ],
  // Output fields are non-null unless marked `nullable: true` (schema.graphql shows each one).
  defaultFieldNullability: false,
  relay: {
    cursorType: 'String',
    clientMutationId: 'omit',
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, id),
    decodeGlobalID: (globalId) => decodeGlobalId(globalId),
    nodeTypeOptions: {
      description: 'An object with a globally unique, opaque id, fetchable through `node(id:)`.',
    },
    idFieldOptions: {
      description:
        'Globally unique opaque id (encodes type, source and source id); use with `node(id:)`.',
    },
    pageInfoTypeOptions: { description: 'Where a page sits in its connection.' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page.' },
    startCursorFieldOptions: {
      description: 'Cursor of the first item of the page.',
      upstreamCalls: free,
    },
    endCursorFieldOptions: {
      description: 'Cursor of the last item of the page.',
      upstreamCalls: free,
    },
    cursorFieldOptions: { description: 'Opaque position of this edge, for `after`/`before`.' },
    nodeFieldOptions: { description: 'The item at this edge.' },
    edgesFieldOptions: { description: 'The items of this page with their cursors.' },
    pageInfoFieldOptions: { description: 'Paging information for this page.' },
    nodeQueryOptions: {
      description: 'Fetches any object by its global id; null when it does not exist.',
      upstreamCalls: nodeById,
      args: { id: { description: 'A global id as returned in an `id` field.' } },
    },
    nodesQueryOptions: {
      description:
        'Fetches objects by global ids, in the same order; null for each id that does not exist. At most MAX_LIST_LENGTH ids (default 100).',
      upstreamCalls: nodesByIds,
      // The server's list-length limit (src/server/plugins/use-limits.ts) rejects longer lists
      // before execution.
      args: { ids: { description: 'Global ids as returned in `id` fields.' } },
    },
  },
});

builder.addScalarType('DateTime', DateTimeScalar, {
  description: 'An ISO-8601 timestamp in UTC, e.g. `2024-05-11T00:11:02.004Z`.',
});
builder.addScalarType('JSON', JSONResolver, {
  description: 'Any JSON value, passed through verbatim from the upstream.',
});
builder.queryType({ description: 'Reads across Beluga (Antenna) and Wickson.' });
