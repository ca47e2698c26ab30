/**
 * Page-aware cost and list-length checks over a validated document plus its variables. graphql-armor's
 * cost-limit only multiplies by literal `first`/`last` and ignores variables
 * (../shared/reference/reliability.md §1.5), so this walks the operation with the schema and the raw variable values.
 *
 * cost(field) = 1 + multiplier × cost(selections), where the multiplier is the page size
 * (`first`/`last`, default DEFAULT_PAGE_SIZE) for a field taking page arguments, the length of a
 * list argument (`nodes(ids:)`) for a list field, 1 for a connection's `edges`/`nodes` (the page
 * size already counted) and DEFAULT_LIST_SIZE for any other list. Introspection costs nothing.
 */
import { DEFAULT_PAGE_SIZE } from '../schema/connections/page-args.ts';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  visit,
} from './graphql.ts';

export const DEFAULT_LIST_SIZE = 20;

type Variables = Record<string, unknown> | null | undefined;

function argValue(node: ValueNode, variables: Variables): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    case Kind.INT:
      return Number(node.value);
    case Kind.LIST:
      return node.values;
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}

/** Longest array among the variable values, at any nesting. */
export function longestVariableList(variables: Variables): number {
  let longest = 0;
  const scan = (value: unknown): void => {
    if (Array.isArray(value)) {
      longest = Math.max(longest, value.length);
      for (const item of value) scan(item);
    } else if (value && typeof value === 'object') {
      for (const item of Object.values(value)) scan(item);
    }
  };
  scan(variables);
  return longest;
}

/** Longest literal list value in the document (depends on the document alone, so cacheable). */
export function longestLiteralList(document: DocumentNode): number {
  let longest = 0;
  visit(document, {
    ListValue(node) {
      longest = Math.max(longest, node.values.length);
    },
  });
  return longest;
}

export interface CostAnalysis {
  cost: number;
  /** False when no variable value was read: the cost holds for any variables (cacheable). */
  usesVariables: boolean;
}

export function analyzeCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Variables,
  cap: number,
): CostAnalysis {
  let usesVariables = false;
  const value = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) usesVariables = true;
    return argValue(node, variables);
  };
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (
      def.kind === Kind.OPERATION_DEFINITION &&
      (!operationName || def.name?.value === operationName)
    ) {
      operation ??= def;
    }
  }
  if (!operation) return { cost: 0, usesVariables };
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return { cost: 0, usesVariables };

  const selectionCost = (
    set: SelectionSetNode,
    parent: GraphQLCompositeType,
    seen: Set<string>,
  ): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (total > cap) return total;
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(selection, parent, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        const type = typeName ? schema.getType(typeName) : parent;
        if (type && isCompositeType(type))
          total += selectionCost(selection.selectionSet, type, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) {
          total += selectionCost(
            fragment.selectionSet,
            type,
            new Set([...seen, fragment.name.value]),
          );
        }
      }
    }
    return total;
  };

  const fieldCost = (field: FieldNode, parent: GraphQLCompositeType, seen: Set<string>): number => {
    if (field.name.value.startsWith('__')) return 0;
    if (!field.selectionSet) return 1;
    const def = 'getFields' in parent ? parent.getFields()[field.name.value] : undefined;
    if (!def) return 1;
    const child = getNamedType(def.type);
    if (!isCompositeType(child)) return 1;
    // Argument values are read only where they set the multiplier, so `usesVariables` stays
    // false for documents whose variables cannot change the cost.
    const arg = (name: string): unknown => {
      const node = field.arguments?.find((a) => a.name.value === name);
      return node ? value(node.value) : undefined;
    };
    const isList = isListType(getNullableType(def.type));
    let multiplier = 1;
    if (def.args.some((a) => a.name === 'first' || a.name === 'last')) {
      const size = [arg('first'), arg('last')].find((v) => typeof v === 'number');
      multiplier = typeof size === 'number' ? Math.max(size, 0) : DEFAULT_PAGE_SIZE;
    } else if (isList) {
      const listArg = (field.arguments ?? []).map((a) => value(a.value)).find(Array.isArray);
      const underConnection = parent.name.endsWith('Connection');
      multiplier = listArg ? listArg.length : underConnection ? 1 : DEFAULT_LIST_SIZE;
    }
    return 1 + multiplier * selectionCost(field.selectionSet, child, seen);
  };

  const cost = selectionCost(operation.selectionSet, root, new Set());
  return { cost, usesVariables };
}
