import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Whether the query selects any of `leaves` at `path` below the current field, e.g.
 * `edges { node { stats { occurrencesCount } } }`, looking through fragments at every level.
 */
export function selectsAny(
  info: GraphQLResolveInfo,
  path: readonly string[],
  leaves: readonly string[],
): boolean {
  const collect = (
    set: SelectionSetNode | undefined,
    name: string,
    out: SelectionSetNode[],
    depth = 0,
  ) => {
    if (!set || depth > 10) return out;
    for (const selection of set.selections) {
      if (selection.kind === 'Field') {
        if (selection.name.value === name && selection.selectionSet)
          out.push(selection.selectionSet);
      } else if (selection.kind === 'InlineFragment') {
        collect(selection.selectionSet, name, out, depth + 1);
      } else {
        collect(info.fragments[selection.name.value]?.selectionSet, name, out, depth + 1);
      }
    }
    return out;
  };
  const hasLeaf = (set: SelectionSetNode | undefined, depth = 0): boolean =>
    !!set &&
    depth <= 10 &&
    set.selections.some((selection) =>
      selection.kind === 'Field'
        ? leaves.includes(selection.name.value)
        : selection.kind === 'InlineFragment'
          ? hasLeaf(selection.selectionSet, depth + 1)
          : hasLeaf(info.fragments[selection.name.value]?.selectionSet, depth + 1),
    );
  let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) sets = sets.flatMap((set) => collect(set, name, []));
  return sets.some((set) => hasLeaf(set));
}
