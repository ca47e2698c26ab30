import { type FieldNode, type GraphQLResolveInfo, getArgumentValues, isObjectType } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { childFields } from './selection.ts';

/**
 * Starts the selected child fields' own resolvers early, with the parent built from the
 * arguments alone, and drops their results: the loads they make (list calls keyed by canonical
 * params) land in the request's DataLoader caches, so the real resolvers, run once the parent
 * resolves, get the same promises. Running the real resolver means the warmed params are exactly
 * the ones the field will compute.
 */
export function prefetchChildFields(
  info: GraphQLResolveInfo,
  ctx: GatewayContext,
  typeName: string,
  parent: unknown,
  fieldNames: readonly string[],
  unless: (childInfo: GraphQLResolveInfo) => boolean = () => false,
): void {
  const type = info.schema.getType(typeName);
  if (!isObjectType(type)) return;
  const fields = type.getFields();
  for (const [alias, nodes] of childFields(info)) {
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
    if (unless(childInfo)) continue;
    try {
      const args = getArgumentValues(field, node, info.variableValues);
      Promise.resolve(field.resolve(parent, args, ctx, childInfo)).catch(() => undefined);
    } catch {
      // The real resolver throws the same error (e.g. BAD_USER_INPUT) when it runs.
    }
  }
}
