/**
 * The Apollo Federation v2 subgraph: the same types as the stand-alone graph (built first, by
 * ./index.ts), plus entity keys, `_entities` and `_service`. Representations resolve through the
 * request's loaders, so N entities in one `_entities` call batch like `nodes` with N ids.
 */
import { printSubgraphSchema } from '@apollo/subgraph';
import {
  GraphQLList,
  type GraphQLNamedType,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLSchema,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { builder } from './builder.ts';
import { CollectionRef, loadCollection } from './collection.ts';
import { loadEach, type ObjectKey } from './cost/nodes.ts';
import { CALLS_EXTENSION } from './cost/plugin.ts';
import { type FieldCalls, free, type RootHolds } from './cost/types.ts';
import { invalidId } from './errors.ts';
import {
  decodeGlobalId,
  encodeGlobalId,
  isWicksonId,
  parseBelugaId,
  splitNodeId,
} from './global-id.ts';
import './index.ts';
import { JobRef, loadJob } from './job.ts';
import { loadProject, ProjectRef } from './project.ts';

/** Federation 2.9 is the first to define the IBM cost directives `@cost` and `@listSize`. */
export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.9';
const FEDERATION_IMPORTS = ['@key', '@cost', '@listSize'];

/** A representation's fields as the router sends them: untrusted JSON, checked before any call. */
type Representation = Record<string, unknown>;

/** The `SOURCE:sourceId` of a global id, which must name a `typename`. */
function fromGlobalId(value: unknown, typename: string): ReturnType<typeof splitNodeId> {
  const decoded = decodeGlobalId(value as string);
  if (decoded.typename !== typename) throw invalidId();
  return splitNodeId(decoded.id);
}

/** Beluga key of a Project or Job: its global `id`, else its numeric `sourceId`. */
function belugaKey(ref: Representation, typename: string): number {
  if (ref.id !== undefined) return Number(fromGlobalId(ref.id, typename).sourceId);
  const id = typeof ref.sourceId === 'number' ? parseBelugaId(String(ref.sourceId)) : null;
  if (id === null) throw invalidId();
  return id;
}

function collectionKey(ref: Representation): ReturnType<typeof splitNodeId> {
  if (ref.id !== undefined) return fromGlobalId(ref.id, 'Collection');
  const { source, sourceId } = ref;
  if (typeof sourceId !== 'string') throw invalidId();
  if (source === 'BELUGA' && parseBelugaId(sourceId) !== null) return { source, sourceId };
  if (source === 'WICKSON' && isWicksonId(sourceId)) return { source, sourceId };
  throw invalidId();
}

// resolveReference functions are async so a bad representation rejects its own entity only:
// @apollo/subgraph maps representations synchronously, and a throw would fail the whole list.
builder.asEntity(CollectionRef, {
  key: [
    builder.selection<{ id: string }>('id'),
    builder.selection<{ source: 'BELUGA' | 'WICKSON'; sourceId: string }>('source sourceId'),
  ],
  resolveReference: async (ref, ctx) => {
    const { source, sourceId } = collectionKey(ref);
    return loadCollection(ctx, source, sourceId);
  },
});

builder.asEntity(ProjectRef, {
  key: [
    builder.selection<{ id: string }>('id'),
    builder.selection<{ sourceId: number }>('sourceId'),
  ],
  resolveReference: async (ref, ctx) => loadProject(ctx, belugaKey(ref, 'Project')),
});

builder.asEntity(JobRef, {
  key: [
    builder.selection<{ id: string }>('id'),
    builder.selection<{ sourceId: number }>('sourceId'),
  ],
  resolveReference: async (ref, ctx) => loadJob(ctx, String(belugaKey(ref, 'Job'))),
});

/** The entity a representation names, or null for one `resolveReference` refuses. */
function entityKey(ref: unknown): ObjectKey | null {
  if (ref === null || typeof ref !== 'object') return null;
  const representation = ref as Representation;
  const typename = representation.__typename;
  try {
    if (typename === 'Collection') {
      const { source, sourceId } = collectionKey(representation);
      return { typename, source, key: encodeGlobalId(typename, `${source}:${sourceId}`) };
    }
    if (typename === 'Project' || typename === 'Job') {
      const id = belugaKey(representation, typename);
      return { typename, source: 'BELUGA', key: encodeGlobalId(typename, `BELUGA:${id}`) };
    }
  } catch {}
  return null;
}

/**
 * `_entities`: each representation loads like `nodes(ids:)` with the same id (the same loads,
 * deduped with them), at most MAX_LIST_LENGTH (default 100) of them.
 */
const entitiesCalls: FieldCalls<RootHolds, unknown, never> = {
  weight: 100,
  predict: (input) => {
    const { representations } = input.args as { representations?: unknown };
    return loadEach(input, Array.isArray(representations) ? representations.map(entityKey) : []);
  },
};

/** Declarations of the fields @apollo/subgraph adds, which the builder never sees. */
const SUBGRAPH_FIELD_CALLS: Record<string, FieldCalls<RootHolds, unknown, never>> = {
  'Query._entities': entitiesCalls,
  'Query._service': free,
  '_Service.sdl': free,
};

/** `type` with `from` (a named type) replaced by `to`, wrappers kept. */
function replaceNamed(
  type: GraphQLOutputType,
  from: GraphQLObjectType,
  to: GraphQLObjectType,
): GraphQLOutputType {
  if (isNonNullType(type)) return new GraphQLNonNull(replaceNamed(type.ofType, from, to));
  if (isListType(type)) return new GraphQLList(replaceNamed(type.ofType, from, to));
  return type === from ? to : type;
}

/**
 * The schema with those declarations: `Query` and `_Service` rebuilt in place (nothing else
 * refers to them), every other type the same object, so the SDL prints exactly as before.
 */
function withSubgraphFieldCalls(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const service = schema.getType('_Service');
  if (!query || !isObjectType(service)) throw new Error('not a federation subgraph schema');
  const costed = (type: GraphQLObjectType, swap: (t: GraphQLOutputType) => GraphQLOutputType) => {
    const config = type.toConfig();
    const fields = Object.entries(config.fields).map(([name, field]) => {
      const calls = SUBGRAPH_FIELD_CALLS[`${type.name}.${name}`];
      const extensions = calls
        ? { ...field.extensions, [CALLS_EXTENSION]: calls }
        : field.extensions;
      return [name, { ...field, type: swap(field.type), extensions }] as const;
    });
    return new GraphQLObjectType({ ...config, fields: Object.fromEntries(fields) });
  };
  const costedService = costed(service, (type) => type);
  const costedQuery = costed(query, (type) => replaceNamed(type, service, costedService));
  const replaced = new Map<GraphQLNamedType, GraphQLNamedType>([
    [query, costedQuery],
    [service, costedService],
  ]);
  const config = schema.toConfig();
  return new GraphQLSchema({
    ...config,
    query: costedQuery,
    types: config.types.map((type) => replaced.get(type) ?? type),
  });
}

let subgraph: GraphQLSchema | undefined;

/** The subgraph schema, built once on first use (only when the subgraph is served). */
export function subgraphSchema(): GraphQLSchema {
  subgraph ??= withSubgraphFieldCalls(
    builder.toSubGraphSchema({
      linkUrl: FEDERATION_LINK,
      federationDirectives: FEDERATION_IMPORTS,
    }),
  );
  return subgraph;
}

/** What `_service { sdl }` answers: the subgraph SDL with its federation directives. */
export function printedSubgraphSchema(): string {
  return printSubgraphSchema(subgraphSchema());
}
