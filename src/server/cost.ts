/**
 * Cost = upstream calls. Predicts, before execution, an upper bound of the calls an operation can
 * make per upstream, by walking the operation with its coerced variables (defaults included) and
 * applying the rules in cost-rules.ts, the one place that mirrors what resolvers and loaders do.
 */
import type { UpstreamCounts } from '../upstreams/call-budget.ts';
import type { UpstreamName } from '../upstreams/errors.ts';
import { COST_RULES, FREE_FIELDS, type Group, pageSize, type RuleInput } from './cost-rules.ts';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLIncludeDirective,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from './graphql.ts';

export type { UpstreamCounts };

const zeroCounts = (): UpstreamCounts => ({ beluga: 0, wickson: 0 });

type Variables = Record<string, unknown>;

/** Objects per parent assumed for a list field without a rule. */
const UNKNOWN_LIST_SIZE = 20;

/**
 * The predicted calls of the operation `operationName` selects. Variables that do not coerce, or
 * an operation that does not exist, predict nothing: execution refuses them before any call.
 */
export function predictCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Variables | null | undefined,
): UpstreamCounts {
  const counts = zeroCounts();
  const operation = getOperationAST(document, operationName);
  if (!operation) return counts;
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return counts;
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    rawVariables ?? {},
  );
  if (coerced.errors) return counts;
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }

  const charged = new Set<string>();
  const charge = (upstream: UpstreamName, n: number, key: string) => {
    if (n <= 0 || charged.has(key)) return;
    charged.add(key);
    counts[upstream] += n;
  };
  const groupIds = new Map<Group, number>();
  const idOf = (objects: Group) => {
    const group = objects.scope ?? objects;
    let id = groupIds.get(group);
    if (id === undefined) {
      id = groupIds.size + 1;
      groupIds.set(group, id);
    }
    return id;
  };
  // Child groups per parent group and field+arguments: aliases and fragments share them, so a
  // hydration two of them need is charged once, as the request's DataLoader caches it.
  const children = new Map<string, Group[]>();

  const included = (node: FieldNode | SelectionSetNode['selections'][number]) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;

  const applies = (typeName: string | undefined, type: GraphQLObjectType) => {
    if (!typeName || typeName === type.name) return true;
    const condition = schema.getType(typeName);
    return !!condition && isAbstractType(condition) && schema.isSubType(condition, type);
  };

  /** Field nodes by response key for objects of `type`, as execution merges them. */
  const collect = (
    type: GraphQLObjectType,
    sets: readonly (SelectionSetNode | undefined)[],
  ): Map<string, FieldNode[]> => {
    const out = new Map<string, FieldNode[]>();
    const visit = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>) => {
      for (const selection of set?.selections ?? []) {
        if (!included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          out.set(key, [...(out.get(key) ?? []), selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (applies(selection.typeCondition?.name.value, type)) {
            visit(selection.selectionSet, seen);
          }
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seen.has(name)) continue;
          if (applies(fragment.typeCondition.name.value, type)) {
            visit(fragment.selectionSet, new Set([...seen, name]));
          }
        }
      }
    };
    for (const set of sets) visit(set, new Set());
    return out;
  };

  const walk = (groups: readonly Group[], sets: readonly (SelectionSetNode | undefined)[]) => {
    for (const group of groups) {
      const type = schema.getType(group.type);
      if (!isObjectType(type)) continue;
      for (const nodes of collect(type, sets).values()) {
        const node = nodes[0]!;
        const name = node.name.value;
        const def = type.getFields()[name];
        if (!def || name.startsWith('__')) continue;
        let args: Record<string, unknown>;
        try {
          args = getArgumentValues(def, node, variables);
        } catch {
          continue; // execution fails the field before any call
        }
        const childSets = nodes.map((n) => n.selectionSet);
        // Rules run for every occurrence (their charges are deduped by key); the child groups are
        // shared per parent group and field+arguments, so aliases and fragments of one field see
        // the same objects and a hydration two of them need is charged once, as DataLoader does.
        const key = `${idOf(group)}:${name}:${JSON.stringify(args)}`;
        const found = fieldGroups(group, name, args, def.type, childSets).map((child): Group => {
          const shared = child.sameObjects ? group : child.shareWith;
          return {
            ...child,
            sameObjects: false,
            shareWith: undefined,
            scope: shared ? (shared.scope ?? shared) : undefined,
          };
        });
        const next = children.get(key) ?? found;
        children.set(key, next);
        if (next.length) walk(next, childSets);
      }
    }
  };

  const fieldGroups = (
    group: Group,
    name: string,
    args: Record<string, unknown>,
    returnType: GraphQLOutputType,
    childSets: readonly (SelectionSetNode | undefined)[],
  ): Group[] => {
    const named = getNamedType(returnType);
    if (group.variant === 'connection' || group.variant === 'edge') {
      if (name === 'edges') return [{ ...group, type: named.name, variant: 'edge' }];
      if (name === 'node') return group.nodes ?? [];
      return [];
    }
    const rule = COST_RULES[group.type]?.[name];
    if (!rule && (FREE_FIELDS[group.type]?.includes(name) || !isCompositeType(named))) return [];
    const scope = idOf(group);
    const input: RuleInput = {
      group,
      args,
      charge: (upstream, n, key) => charge(upstream, n, `${scope}:${key}`),
      chargeOnce: (upstream, n, key) => charge(upstream, n, key),
      selects: (names) =>
        isObjectType(named) &&
        [...collect(named, childSets).values()].some((list) => names.includes(list[0]!.name.value)),
    };
    if (rule) return rule(input);
    return unknownField(input, name, named, isListType(getNullableType(returnType)));
  };

  /** No rule: one call per parent object on each upstream; a connection's nodes likewise. */
  const unknownField = (
    input: RuleInput,
    name: string,
    named: GraphQLNamedType,
    isList: boolean,
  ): Group[] => {
    const { group, args } = input;
    const count = Math.max(1, group.count);
    const key = `unknown:${name}:${JSON.stringify(args)}`;
    input.charge('beluga', count, key);
    input.charge('wickson', count, key);
    if (!isObjectType(named)) return [];
    const edge = named.getFields().edges;
    const edgeType = edge && getNamedType(edge.type);
    const node = isObjectType(edgeType) ? edgeType.getFields().node : undefined;
    const nodeType = node && getNamedType(node.type);
    if (!isObjectType(nodeType)) {
      const perParent = pageSize(args) ?? (isList ? UNKNOWN_LIST_SIZE : 1);
      return [{ type: named.name, variant: 'unknown', count: count * perParent, together: false }];
    }
    const nodes: Group = {
      type: nodeType.name,
      variant: 'unknown',
      count: count * (pageSize(args) ?? 1),
      together: false,
    };
    return [{ type: named.name, variant: 'connection', count: 0, together: false, nodes: [nodes] }];
  };

  walk([{ type: root.name, variant: 'root', count: 1, together: true }], [operation.selectionSet]);
  return counts;
}
