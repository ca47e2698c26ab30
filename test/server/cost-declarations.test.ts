/**
 * Every field of the graph says what it can cost upstream, where it is defined (`upstreamCalls`,
 * src/schema/cost/plugin.ts): a field without a declaration fails here, in the stand-alone schema
 * and in the federation subgraph. `t.expose*` fields, which read their parent's own property, are
 * free without saying so; every other field declares, `free` included.
 */
import {
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { CALLS_EXTENSION, LOADED_BY_ID_EXTENSION } from '../../src/schema/cost/plugin.ts';
import type { FieldCalls } from '../../src/schema/cost/types.ts';
import { subgraphSchema } from '../../src/schema/federation.ts';
import { schema } from '../../src/schema/index.ts';

const schemas: [string, GraphQLSchema][] = [
  ['stand-alone', schema],
  ['subgraph', subgraphSchema()],
];

const callsOf = (field: GraphQLField<unknown, unknown>) =>
  field.extensions?.[CALLS_EXTENSION] as FieldCalls<unknown, unknown, unknown> | undefined;

function objectTypes(graph: GraphQLSchema) {
  return Object.values(graph.getTypeMap()).filter(
    (type) => isObjectType(type) && !type.name.startsWith('__'),
  ) as import('graphql').GraphQLObjectType[];
}

/** `Type.field` of every field of `type` and below it that declares a call or a prediction. */
function costlyBelow(type: GraphQLNamedType, seen = new Set<string>()): string[] {
  if (!isObjectType(type) || seen.has(type.name)) return [];
  seen.add(type.name);
  return Object.values(type.getFields()).flatMap((field) => {
    const calls = callsOf(field);
    const own = calls && (calls.weight > 0 || calls.predict) ? [`${type.name}.${field.name}`] : [];
    return [...own, ...costlyBelow(getNamedType(field.type), seen)];
  });
}

describe.each(schemas)('upstream calls declared beside every field (%s schema)', (_, graph) => {
  it('every field of every object type has a declaration', () => {
    const missing = objectTypes(graph).flatMap((type) =>
      Object.values(type.getFields())
        .filter((field) => !callsOf(field))
        .map((field) => `${type.name}.${field.name}`),
    );
    expect(missing).toEqual([]);
  });

  it('a field declared without a prediction returns objects whose own fields are free', () => {
    // The walker does not descend below such a field: nothing there may cost a call.
    const hidden = objectTypes(graph).flatMap((type) =>
      Object.values(type.getFields())
        .filter((field) => !callsOf(field)?.predict)
        .flatMap((field) => costlyBelow(getNamedType(field.type))),
    );
    expect(hidden).toEqual([]);
  });

  it('every type fetchable by id says what its objects hold', () => {
    const node = graph.getType('Node');
    const byId = objectTypes(graph).filter((type) => type.getInterfaces().some((i) => i === node));
    expect(byId.map((type) => type.name).sort()).toEqual([
      'Collection',
      'Job',
      'MediaItem',
      'Project',
    ]);
    for (const type of byId)
      expect(type.extensions?.[LOADED_BY_ID_EXTENSION]).toBeTypeOf('function');
  });
});
