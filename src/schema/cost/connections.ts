/**
 * Upstream calls of the Relay connections: a connection field charges its list calls and hands
 * on its nodes; `edges` and `node` pass them through; `pageInfo`, `totalCount` and `cursor` come
 * with the page's calls.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../connections/page-args.ts';
import type { Child, FieldCalls, ListSize, NodesHolds, Parents } from './types.ts';

interface PageArgs {
  first?: number | null;
  last?: number | null;
}

/** The page size a connection uses (`last`, else `first`, else the default); null if refused. */
export function pageSize(args: PageArgs): number | null {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (first !== null && last !== null) return null;
  const size = last ?? first ?? DEFAULT_PAGE_SIZE;
  return Number.isInteger(size) && size >= 0 && size <= MAX_PAGE_SIZE ? size : null;
}

/** Up to `size` objects per parent; together only when one parent's page holds them all. */
export function page(parent: Parents<unknown>, size: number): { count: number; together: boolean } {
  return { count: parent.count * size, together: parent.together && parent.count <= 1 };
}

/** The connection over `nodes` (none: nothing below it can call). */
export function connection<const H>(nodes: readonly Child<H>[]): Child<NodesHolds<H>>[] {
  return nodes.length > 0 ? [{ holds: { nodes } }] : [];
}

/** What a router should assume of a page's size: the `slicing` argument given, else the default. */
export function pageListSize(...slicing: ('first' | 'last')[]): ListSize {
  return {
    assumedSize: DEFAULT_PAGE_SIZE,
    slicingArguments: slicing,
    sizedFields: ['edges'],
    requireOneSlicingArgument: false,
  };
}

/** `Connection.edges`: the page's nodes, passed on. */
export function edgesOfPage<H>(): FieldCalls<NodesHolds<H>, unknown, NodesHolds<H>> {
  return { weight: 0, predict: ({ parent }) => [{ holds: parent.holds }] };
}

/** `Edge.node`: the nodes. */
export function nodeOfEdge<H>(): FieldCalls<NodesHolds<H>, unknown, H> {
  return { weight: 0, predict: ({ parent }) => parent.holds.nodes };
}
