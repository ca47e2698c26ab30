/**
 * Upstream calls of the lookups by id (`node`, `nodes`, the subgraph's `_entities`): one load per
 * distinct object, on its upstream, exactly as the request's loaders fetch them; the objects then
 * hold what their type's `loadedById` says. An id the resolver refuses makes no call.
 */
import { decodeGlobalId, splitNodeId } from '../global-id.ts';
import type { AnyHolds, Child, CostInput, FieldCalls, RootHolds, Source } from './types.ts';

/** An object to fetch by id; `key` names its load (equal keys are one load). */
export interface ObjectKey {
  typename: string;
  source: Source;
  key: string;
  /** Calls its load makes; 1 unless said. */
  calls?: number;
}

/** The object a global id names, or null for an id the graph refuses. */
export function globalIdKey(id: unknown): ObjectKey | null {
  if (typeof id !== 'string') return null;
  try {
    const decoded = decodeGlobalId(id);
    const { source } = splitNodeId(decoded.id);
    // A Beluga item key without its project (issued before it was added) reads the set first.
    const legacyItem =
      decoded.typename === 'MediaItem' && source === 'BELUGA' && decoded.id.split(':').length === 3;
    return { typename: decoded.typename, source, key: id, ...(legacyItem ? { calls: 2 } : {}) };
  } catch {
    return null;
  }
}

/** Charges one load per distinct key and groups the objects by type and what they hold. */
export function loadEach(
  input: CostInput<RootHolds, unknown>,
  keys: readonly (ObjectKey | null)[],
): Child<never>[] {
  const groups = new Map<string, { type: string; holds: AnyHolds; count: number }>();
  const seen = new Set<string>();
  for (const key of keys) {
    if (!key || seen.has(key.key)) continue;
    seen.add(key.key);
    const holds = input.loadedById(key.typename, key.source);
    if (holds === null) throw new Error(`upstream calls: ${key.typename} declares no loadedById`);
    input.charge(
      key.source === 'WICKSON' ? 'wickson' : 'beluga',
      key.calls ?? 1,
      `node:${key.key}`,
    );
    const name = `${key.typename}:${JSON.stringify(holds)}`;
    const group = groups.get(name);
    if (group) group.count += 1;
    else groups.set(name, { type: key.typename, holds, count: 1 });
  }
  return [...groups.values()].map((group) => ({ ...group, together: true }));
}

// The relay plugin maps `id`/`ids` to decoded ids only when the resolver runs: before
// execution the walker sees the raw strings, so these declarations read the arguments as such.

/** `node(id:)`. */
export const nodeById: FieldCalls<RootHolds, unknown, never> = {
  weight: 1,
  predict: (input) => loadEach(input, [globalIdKey((input.args as { id?: unknown }).id)]),
};

/** `nodes(ids:)`: at most MAX_LIST_LENGTH (default 100) ids, one load each. */
export const nodesByIds: FieldCalls<RootHolds, unknown, never> = {
  weight: 100,
  listSize: { assumedSize: 100 },
  predict: (input) => {
    const { ids } = input.args as { ids?: unknown };
    return loadEach(input, Array.isArray(ids) ? ids.map(globalIdKey) : []);
  },
};
