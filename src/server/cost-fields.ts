/**
 * The selections of an operation as execution merges them, for the cost walker (./cost.ts): field
 * nodes by response key for objects of one type, through inline fragments and fragment spreads
 * whose type condition applies, leaving out what @skip/@include (with the request's variables)
 * excludes. Other directives (@defer, @stream) change when a selection runs, not what it calls.
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLObjectType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type SelectionNode,
  type SelectionSetNode,
} from './graphql.ts';

/** What collecting needs of the operation. */
export interface Operation {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

export type Sets = readonly (SelectionSetNode | undefined)[];

/** Names of the fields selected directly under `field` (on any type it may return). */
export function selectedNames(
  op: Operation,
  field: GraphQLField<unknown, unknown>,
  sets: Sets,
): string[] {
  const named = getNamedType(field.type);
  const types = isAbstractType(named)
    ? op.schema.getPossibleTypes(named)
    : isObjectType(named)
      ? [named]
      : [];
  return types.flatMap((type) =>
    [...collectFields(op, type, sets).values()].map((nodes) => nodes[0]!.name.value),
  );
}

/** Field nodes by response key for objects of `type`, as execution merges them. */
export function collectFields(
  op: Operation,
  type: GraphQLObjectType,
  sets: Sets,
): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  for (const set of sets) collectInto(op, type, set, new Set(), out);
  return out;
}

function collectInto(
  op: Operation,
  type: GraphQLObjectType,
  set: SelectionSetNode | undefined,
  seen: ReadonlySet<string>,
  out: Map<string, FieldNode[]>,
): void {
  for (const selection of set?.selections ?? []) {
    if (!included(op, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      out.set(key, [...(out.get(key) ?? []), selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(op, selection.typeCondition?.name.value, type)) {
        collectInto(op, type, selection.selectionSet, seen, out);
      }
    } else {
      const name = selection.name.value;
      const fragment = op.fragments.get(name);
      if (!fragment || seen.has(name)) continue;
      if (applies(op, fragment.typeCondition.name.value, type)) {
        collectInto(op, type, fragment.selectionSet, new Set([...seen, name]), out);
      }
    }
  }
}

function included(op: Operation, node: SelectionNode): boolean {
  return (
    getDirectiveValues(GraphQLSkipDirective, node, op.variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, op.variables)?.if !== false
  );
}

function applies(op: Operation, typeName: string | undefined, type: GraphQLObjectType): boolean {
  if (!typeName || typeName === type.name) return true;
  const condition = op.schema.getType(typeName);
  return !!condition && isAbstractType(condition) && op.schema.isSubType(condition, type);
}
