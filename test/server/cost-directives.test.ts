/**
 * The subgraph SDL publishes each field's declared upstream calls as the IBM cost directives
 * (`@cost(weight:)`, `@listSize`, imported from Federation 2.9), and they survive composition into
 * the supergraph a router's demand control reads.
 */
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  getNamedType,
  isLeafType,
  isObjectType,
  Kind,
  parse,
  valueFromASTUntyped,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { CALLS_EXTENSION } from '../../src/schema/cost/plugin.ts';
import type { FieldCalls } from '../../src/schema/cost/types.ts';
import { printedSubgraphSchema, subgraphSchema } from '../../src/schema/federation.ts';

const sdl = printedSubgraphSchema();

/** Every field definition of the document's object types, as `Type.field`. */
function fieldsOf(document: DocumentNode): Map<string, FieldDefinitionNode> {
  const out = new Map<string, FieldDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION)
      continue;
    for (const field of def.fields ?? []) out.set(`${def.name.value}.${field.name.value}`, field);
  }
  return out;
}

/** The directive's arguments as plain values, or undefined when the field lacks it. */
function directive(field: FieldDefinitionNode | undefined, name: string) {
  const found = field?.directives?.find((d: ConstDirectiveNode) => d.name.value === name);
  if (!found) return undefined;
  return Object.fromEntries(
    (found.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]),
  );
}

const COLLECTIONS_LIST_SIZE = {
  assumedSize: 20,
  slicingArguments: ['first', 'last'],
  sizedFields: ['edges'],
  requireOneSlicingArgument: false,
};

describe('the subgraph SDL carries @cost and @listSize', () => {
  const fields = fieldsOf(parse(sdl));

  it('imports them from Federation 2.9', () => {
    expect(sdl).toContain(
      '@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])',
    );
  });

  it('on the fields that call upstreams, with their weight and page sizes', () => {
    expect(directive(fields.get('Query.collections'), 'cost')).toEqual({ weight: 3 });
    expect(directive(fields.get('Query.collections'), 'listSize')).toEqual(COLLECTIONS_LIST_SIZE);
    expect(directive(fields.get('Query.projects'), 'listSize')).toMatchObject({
      slicingArguments: ['first'],
    });
    expect(directive(fields.get('Project.jobs'), 'cost')).toEqual({ weight: 12 });
    expect(directive(fields.get('Collection.description'), 'cost')).toEqual({ weight: 1 });
    expect(directive(fields.get('MediaCollectionStats.firstItemDate'), 'cost')).toEqual({
      weight: 1,
    });
    // A free object field overrides a router's default of 1; a free leaf needs nothing.
    expect(directive(fields.get('Collection.stats'), 'cost')).toEqual({ weight: 0 });
    expect(directive(fields.get('Collection.name'), 'cost')).toBeUndefined();
  });

  it('exactly as each field declares them', () => {
    const mismatches: string[] = [];
    const graph = subgraphSchema();
    for (const type of Object.values(graph.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('_')) continue;
      for (const field of Object.values(type.getFields())) {
        const calls = field.extensions?.[CALLS_EXTENSION] as FieldCalls | undefined;
        const printed = fields.get(`${type.name}.${field.name}`);
        if (!calls || !printed) continue;
        const leaf = isLeafType(getNamedType(field.type));
        const weight = calls.weight > 0 || !leaf ? { weight: calls.weight } : undefined;
        const seen = [directive(printed, 'cost'), directive(printed, 'listSize')];
        if (JSON.stringify(seen) !== JSON.stringify([weight, calls.listSize])) {
          mismatches.push(`${type.name}.${field.name}: ${JSON.stringify(seen)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('composed into a supergraph', () => {
  it('keeps them, for a router to read', () => {
    const composed = composeServices([
      { name: 'antenna', url: 'http://antenna.test/subgraph', typeDefs: parse(sdl) },
    ]);
    if (compositionHasErrors(composed)) throw new Error(composed.errors.join('\n'));
    const supergraph = fieldsOf(parse(composed.supergraphSdl));
    const collections = supergraph.get('Query.collections');
    expect(directive(collections, 'cost')).toEqual({ weight: 3 });
    expect(directive(collections, 'listSize')).toEqual(COLLECTIONS_LIST_SIZE);
    expect(directive(supergraph.get('Collection.description'), 'cost')).toEqual({ weight: 1 });
  });
});
