import {
  type FieldNode,
  GraphQLIncludeDirective,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  getDirectiveValues,
  type SelectionSetNode,
} from 'graphql';

const MAX_FRAGMENT_DEPTH = 10;

/**
 * A field's selection in its operation: its nodes, the operation's fragments and variables. A
 * resolver's `info` is one; the project's prefetch (./prefetch.ts) builds one for a child field
 * from the parent's selection.
 */
export type Selection = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues'>;

/**
 * The field nodes selected directly under `parents`, grouped by response key as execution merges
 * them: through inline fragments and fragment spreads, leaving out whatever @skip/@include (with
 * the request's variables) excludes. The one selection walker of the schema: resolvers use it to
 * tell whether the parent payload suffices or a fetch is needed, so a skipped field costs nothing.
 */
export function childFields(
  info: Selection,
  parents: readonly FieldNode[] = info.fieldNodes,
): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const included = (node: Parameters<typeof getDirectiveValues>[1]) =>
    getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
  const visit = (set: SelectionSetNode | undefined, depth: number) => {
    if (!set || depth > MAX_FRAGMENT_DEPTH) return;
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === 'Field') {
        const key = selection.alias?.value ?? selection.name.value;
        out.set(key, [...(out.get(key) ?? []), selection]);
      } else if (selection.kind === 'InlineFragment') visit(selection.selectionSet, depth + 1);
      else visit(info.fragments[selection.name.value]?.selectionSet, depth + 1);
    }
  };
  for (const node of parents) visit(node.selectionSet, 0);
  return out;
}

/**
 * `selectedFields` answers per request (keyed by its variables object, which lives as long as
 * the request) and per field's nodes: every item of a list resolves the same field with the same
 * nodes and variables (20 capture sets' `jobs` walk one selection once). Nothing of a request is
 * kept once it is over.
 */
const selectedMemo = new WeakMap<object, WeakMap<readonly FieldNode[], ReadonlySet<string>>>();

/** Names of the fields selected under the current field (do not change the set). */
export function selectedFields(info: Selection): ReadonlySet<string> {
  let memo = selectedMemo.get(info.variableValues);
  const known = memo?.get(info.fieldNodes);
  if (known) return known;
  const names = new Set<string>();
  for (const nodes of childFields(info).values()) for (const n of nodes) names.add(n.name.value);
  if (!memo) {
    memo = new WeakMap();
    selectedMemo.set(info.variableValues, memo);
  }
  memo.set(info.fieldNodes, names);
  return names;
}

/** Whether a capture-set connection selects a counts field (its list call carries with_counts). */
export function selectsCounts(info: Selection): boolean {
  return selectsAny(info, ['edges', 'node', 'stats'], ['occurrencesCount', 'taxaCount']);
}

/**
 * Whether the query selects any of `leaves` at `path` below the current field, e.g.
 * `edges { node { stats { occurrencesCount } } }`.
 */
export function selectsAny(
  info: Selection,
  path: readonly string[],
  leaves: readonly string[],
): boolean {
  const below = (parents: readonly FieldNode[]) => [...childFields(info, parents).values()].flat();
  let nodes: readonly FieldNode[] = info.fieldNodes;
  for (const name of path) nodes = below(nodes).filter((n) => n.name.value === name);
  return below(nodes).some((n) => leaves.includes(n.name.value));
}
