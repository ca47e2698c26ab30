import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectsAny } from '../../../src/schema/selection.ts';

/** The resolve info of the root field of `document`, as graphql-js would pass it. */
function infoFor(document: string): GraphQLResolveInfo {
  const ast = parse(document);
  const operation = ast.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
  )!;
  const fragments = Object.fromEntries(
    ast.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition')
      .map((d) => [d.name.value, d]),
  );
  const field = operation.selectionSet.selections[0] as FieldNode;
  return { fieldNodes: [field], fragments } as unknown as GraphQLResolveInfo;
}

const PATH = ['edges', 'node', 'stats'];
const LEAVES = ['occurrencesCount', 'taxaCount'];

describe('selectsAny', () => {
  it('finds a leaf at the path', () => {
    const info = infoFor('{ collections { edges { node { stats { taxaCount } } } } }');
    expect(selectsAny(info, PATH, LEAVES)).toBe(true);
  });

  it('looks through inline fragments and named fragments at every level', () => {
    const info = infoFor(`{ collections { ...Page } }
      fragment Page on CollectionConnection { edges { node { ... on Collection { ...Counts } } } }
      fragment Counts on Collection { stats { occurrencesCount } }`);
    expect(selectsAny(info, PATH, LEAVES)).toBe(true);
  });

  it('ignores the leaf elsewhere or other stats fields', () => {
    expect(
      selectsAny(
        infoFor('{ collections { edges { node { stats { itemCount } } } } }'),
        PATH,
        LEAVES,
      ),
    ).toBe(false);
    expect(
      selectsAny(infoFor('{ collections { totalCount edges { cursor } } }'), PATH, LEAVES),
    ).toBe(false);
  });
});
