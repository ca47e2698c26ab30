/**
 * The Apollo Federation v2 subgraph: the same types as the stand-alone graph (built first, by
 * ./index.ts), plus entity keys, `_entities` and `_service`. Representations resolve through the
 * request's loaders, so N entities in one `_entities` call batch like `nodes` with N ids.
 */
import { printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import { CollectionRef, loadCollection } from './collection.ts';
import { invalidId } from './errors.ts';
import { decodeGlobalId, isWicksonId, parseBelugaId, splitNodeId } from './global-id.ts';
import './index.ts';
import { JobRef, loadJob } from './job.ts';
import { loadProject, ProjectRef } from './project.ts';

export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.6';

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

let subgraph: GraphQLSchema | undefined;

/** The subgraph schema, built once on first use (only when the subgraph is served). */
export function subgraphSchema(): GraphQLSchema {
  subgraph ??= builder.toSubGraphSchema({ linkUrl: FEDERATION_LINK });
  return subgraph;
}

/** What `_service { sdl }` answers: the subgraph SDL with its federation directives. */
export function printedSubgraphSchema(): string {
  return printSubgraphSchema(subgraphSchema());
}
