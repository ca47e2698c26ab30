import {
  type FieldNode,
  GraphQLIncludeDirective,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  isObjectType,
  type SelectionSetNode,
} from 'graphql';
import type { GatewayContext } from '../context.ts';

/**
 * Starts the selected child fields' own resolvers early, with the parent built from the
 * arguments alone, and drops their results: the loads they make (list calls keyed by canonical
 * params) land in the request's DataLoader caches, so the real resolvers, run once the parent
 * resolves, get the same promises. Running the real resolver means the warmed params are exactly
 * the ones the field will compute. Naive mode caches nothing, so nothing is warmed there.
 */
export function prefetchChildFields(
  info: GraphQLResolveInfo,
  ctx: GatewayContext,
  typeName: string,
  parent: unknown,
  fieldNames: readonly string[],
): void {
  if (ctx.loaders.naive) return;
  const type = info.schema.getType(typeName);
  if (!isObjectType(type)) return;
  const fields = type.getFields();
  for (const [alias, nodes] of childFieldNodes(info)) {
    const node = nodes[0] as FieldNode;
    const field = fieldNames.includes(node.name.value) ? fields[node.name.value] : undefined;
    if (!field?.resolve) continue;
    const childInfo: GraphQLResolveInfo = {
      ...info,
      fieldName: field.name,
      fieldNodes: nodes,
      returnType: field.type,
      parentType: type,
      path: { prev: info.path, key: alias, typename: typeName },
    };
    try {
      const args = getArgumentValues(field, node, info.variableValues);
      Promise.resolve(field.resolve(parent, args, ctx, childInfo)).catch(() => undefined);
    } catch {
      // The real resolver throws the same error (e.g. BAD_USER_INPUT) when it runs.
    }
  }
}

/**
 * Field nodes selected directly under the current field (through fragments, minus skipped ones),
 * grouped by response key as execution merges them.
 */
function childFieldNodes(info: GraphQLResolveInfo): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const included = (node: Parameters<typeof getDirectiveValues>[1]) =>
    getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
  const visit = (set: SelectionSetNode | undefined, depth: number) => {
    if (!set || depth > 10) return;
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === 'Field') {
        const key = selection.alias?.value ?? selection.name.value;
        out.set(key, [...(out.get(key) ?? []), selection]);
      } else if (selection.kind === 'InlineFragment') visit(selection.selectionSet, depth + 1);
      else visit(info.fragments[selection.name.value]?.selectionSet, depth + 1);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, 0);
  return out;
}
