import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Names of the fields selected under the current field (through inline fragments and fragment
 * spreads), so a resolver can tell whether the parent payload suffices or a fetch is needed.
 */
export function selectedFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, depth: number) => {
    if (!set || depth > 10) return;
    for (const selection of set.selections) {
      if (selection.kind === 'Field') names.add(selection.name.value);
      else if (selection.kind === 'InlineFragment') visit(selection.selectionSet, depth + 1);
      else visit(info.fragments[selection.name.value]?.selectionSet, depth + 1);
    }
  };
  for (const node of info.fieldNodes as readonly FieldNode[]) visit(node.selectionSet, 0);
  return names;
}
