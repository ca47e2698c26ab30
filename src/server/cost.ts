/**
 * Cost = upstream calls. Predicts, before execution, an upper bound of the calls an operation can
 * make per upstream: it walks the operation with its coerced variables (defaults included), as
 * execution would, and applies each selected field's own declaration (`upstreamCalls`, kept in
 * the field's extensions by src/schema/cost/plugin.ts). Contract of the walk:
 *
 * - A group is objects of one type reaching a selection. Charges are deduped per group and load
 *   key, as the request's DataLoaders dedupe loads; a child that is the same objects again (a
 *   collection's stats, an item's collection) shares its group's keys.
 * - Child groups are kept per group, field and arguments, so aliases and fragments of one field
 *   see the same objects and a load two of them need counts once. Mutation fields are the
 *   exception: each runs on its own after the write before it, so each gets its own.
 * - @skip and @include are honoured; any other directive (@defer, @stream) leaves a selection
 *   counted like a plain one. A field whose arguments do not coerce is skipped (execution fails
 *   it before any call); so are introspection fields.
 */

import { CALLS_EXTENSION, LOADED_BY_ID_EXTENSION } from '../schema/cost/plugin.ts';
import type {
  AnyHolds,
  CostInput,
  FieldCalls,
  ObjectsRef,
  Source,
  Upstream,
} from '../schema/cost/types.ts';
import type { UpstreamCounts } from '../upstreams/call-budget.ts';
import { collectFields, type Operation, type Sets, selectedNames } from './cost-fields.ts';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isObjectType,
  Kind,
  type OperationTypeNode,
} from './graphql.ts';

export type { UpstreamCounts };

type Variables = Record<string, unknown>;
/** A declaration as the walker sees it: typed where it is written, opaque here. */
type Calls = FieldCalls<unknown, unknown, unknown>;

/** Objects of one type reaching a selection (see the contract above). */
interface Group {
  type: GraphQLObjectType;
  holds: unknown;
  count: number;
  together: boolean;
  /** Dedupe scope: the group's own, or that of the objects it is the same as. */
  scope: number;
}

/** One prediction's state, threaded through the walk. */
interface Walk extends Operation {
  operation: OperationTypeNode;
  counts: UpstreamCounts;
  charged: Set<string>;
  children: Map<string, Group[]>;
  scopes: number;
}

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
  const counts: UpstreamCounts = { beluga: 0, wickson: 0 };
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return counts;
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    rawVariables ?? {},
  );
  if (coerced.errors) return counts;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const walk: Walk = {
    schema,
    operation: operation.operation,
    variables: coerced.coerced,
    fragments,
    counts,
    charged: new Set(),
    children: new Map(),
    scopes: 1,
  };
  const group: Group = { type: root, holds: 'root', count: 1, together: true, scope: 0 };
  walkGroups(walk, [group], [operation.selectionSet]);
  return counts;
}

/** The declaration a field carries; every field of the graph has one (a test checks). */
function callsOf(field: GraphQLField<unknown, unknown>, type: string): Calls {
  const calls = field.extensions?.[CALLS_EXTENSION] as Calls | undefined;
  if (!calls) throw new Error(`${type}.${field.name} declares no upstream calls`);
  return calls;
}

function walkGroups(walk: Walk, groups: readonly Group[], sets: Sets): void {
  for (const group of groups) {
    for (const [responseKey, nodes] of collectFields(walk, group.type, sets)) {
      walkField(walk, group, responseKey, nodes);
    }
  }
}

/**
 * Charges one field of `group` (its declaration runs for every response key; charges dedupe)
 * and walks its selection on the child groups, shared per group, field and arguments.
 */
function walkField(walk: Walk, group: Group, responseKey: string, nodes: FieldNode[]): void {
  const node = nodes[0] as FieldNode;
  const name = node.name.value;
  const field = group.type.getFields()[name];
  if (!field || name.startsWith('__')) return;
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(field, node, walk.variables);
  } catch {
    return; // execution fails the field before any call
  }
  const sets = nodes.map((n) => n.selectionSet);
  const found = predictField(walk, group, field, args, responseKey, sets);
  const apart = walk.operation === 'mutation' && group.scope === 0 ? `:${responseKey}` : '';
  const key = `${group.scope}:${group.type.name}.${name}:${JSON.stringify(args)}${apart}`;
  let next = walk.children.get(key);
  if (!next) {
    next = found;
    walk.children.set(key, next);
  }
  if (next.length > 0) walkGroups(walk, next, sets);
}

/** Runs the field's declaration on `group`: its charges, and the groups it hands on. */
function predictField(
  walk: Walk,
  group: Group,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  responseKey: string,
  sets: Sets,
): Group[] {
  const calls = callsOf(field, group.type.name);
  if (!calls.predict) return [];
  const input: CostInput<unknown, unknown> = {
    parent: {
      holds: group.holds,
      count: group.count,
      together: group.together,
      ref: group as unknown as ObjectsRef<unknown>,
    },
    args,
    responseKey,
    charge: (upstream, n, load) => charge(walk, upstream, n, `${group.scope}:${load}`),
    chargeOnce: (upstream, n, load) => charge(walk, upstream, n, `request:${load}`),
    selected: () => new Set(selectedNames(walk, field, sets)),
    loadedById: (typename, source) => loadedById(walk, typename, source),
  };
  const children = calls.predict(input) ?? [];
  const returned = getNamedType(field.type).name;
  return children.map((child): Group => {
    const type = objectType(walk, 'type' in child ? child.type : returned);
    if ('same' in child) return { ...(child.same as unknown as Group), type };
    return {
      type,
      holds: child.holds,
      count: child.count ?? group.count,
      together: child.together ?? group.together,
      scope: walk.scopes++,
    };
  });
}

/** Counts `calls` on `upstream` unless that upstream's load `key` was counted already. */
function charge(walk: Walk, upstream: Upstream, calls: number, key: string): void {
  const load = `${upstream}:${key}`;
  if (calls <= 0 || walk.charged.has(load)) return;
  walk.charged.add(load);
  walk.counts[upstream] += calls;
}

function objectType(walk: Walk, name: string): GraphQLObjectType {
  const type = walk.schema.getType(name);
  if (!isObjectType(type)) throw new Error(`upstream calls: ${name} is not an object type`);
  return type;
}

/** What an object of `typename` loaded by id holds (its type's `loadedById`), or null. */
function loadedById(walk: Walk, typename: string, source: Source): AnyHolds | null {
  const type = walk.schema.getType(typename);
  const holds = type?.extensions?.[LOADED_BY_ID_EXTENSION] as
    | ((source: Source) => AnyHolds)
    | undefined;
  return holds ? holds(source) : null;
}
