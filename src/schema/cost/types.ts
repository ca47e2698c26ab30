/**
 * Upstream calls, declared where each field is defined (the `upstreamCalls` field option of
 * ./plugin.ts) and read by one walker (src/server/cost.ts) before execution. A declaration states
 * what one selection of the field can cost, as an upper bound per upstream, given the objects it
 * is selected on; loads that the request's DataLoaders share are charged under the same key, so
 * they count once.
 */
import type { ConnectionPage, Edge } from '../connections/paging.ts';
import type { ObjectsRef } from './objects.ts';
import type { CostViews } from './views.ts';

export type Upstream = 'beluga' | 'wickson';
export type Source = 'BELUGA' | 'WICKSON';

export type { ObjectsRef } from './objects.ts';

/** The objects of one GraphQL type a selection applies to, as a declaration sees them. */
export interface Parents<H> {
  /** What their model holds (a full payload, a summary, an id, a list item): typed per type. */
  readonly holds: H;
  /** Upper bound of distinct objects. */
  readonly count: number;
  /** True when they all arrive in one tick (one page, one batch), so their loads batch too. */
  readonly together: boolean;
  readonly ref: ObjectsRef<H>;
}

/**
 * The objects a field's selection applies to: new ones (`count` and `together` default to the
 * parent's), or objects already walked (`same`), whose loads then count once with theirs. A
 * field returning an interface or a union names each child's `type`, whose holds it carries.
 */
export type Child<H> =
  | { holds: H; count?: number; together?: boolean }
  | { same: ObjectsRef<H> }
  | { type: string; holds: AnyHolds; count?: number; together?: boolean };

export interface CostInput<H, A> {
  parent: Parents<H>;
  args: A;
  /** The field's response key (its alias or name): one execution of the resolver. */
  responseKey: string;
  /** Charges `calls` once per parent objects and `load` (the DataLoader load it stands for). */
  charge(upstream: Upstream, calls: number, load: string): void;
  /** Charges `calls` once per request and `load` (a load that does not depend on the parent). */
  chargeOnce(upstream: Upstream, calls: number, load: string): void;
  /** Names of the fields selected directly under this field (as `selectedFields` in a resolver). */
  selected(): ReadonlySet<string>;
  /** What an object of `typename` fetched by id holds (its type's `loadedById`); null if none. */
  loadedById(typename: string, source: Source): AnyHolds | null;
}

/** What a router's demand control reads (IBM cost directive `@listSize`). */
export interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
  requireOneSlicingArgument?: boolean;
}

/**
 * A field's upstream calls. `weight` is an upper bound per parent object, published as
 * `@cost(weight:)` in the subgraph SDL; `predict` charges the exact rule for the walker and returns
 * the objects the selection applies to. Without `predict` the field makes no call and the objects
 * it returns hold everything their own fields read (a test checks those fields are free too).
 */
export interface FieldCalls<H = never, A = never, C = never> {
  weight: number;
  listSize?: ListSize;
  predict?(input: CostInput<H, A>): readonly Child<C>[] | undefined;
}

/** No upstream call, ever. */
export const free: FieldCalls = { weight: 0 };

/** The holds of the root types (Query, Mutation, Subscription). */
export type RootHolds = 'root';

/** A connection and its edges hold the groups of their nodes. */
export interface NodesHolds<H> {
  nodes: readonly Child<H>[];
}

type View = CostViews[keyof CostViews];
type ViewOf<P> = View extends infer V
  ? V extends { model: infer M; holds: infer H }
    ? [P] extends [M]
      ? H
      : never
    : never
  : never;
type OrPlain<H> = [H] extends [never] ? 'plain' : H;

/** Every holds of the graph: what an interface or union field may return. */
export type AnyHolds = View['holds'];

/**
 * What a declaration knows of the objects of a model type: the root's, a connection's nodes, the
 * view registered in ./views.ts, or `'plain'` (objects whose fields read only themselves).
 */
export type HoldsOf<P> = unknown extends P
  ? AnyHolds
  : object extends P
    ? RootHolds
    : P extends ConnectionPage<infer T>
      ? NodesHolds<HoldsOf<T>>
      : P extends Edge<infer T>
        ? NodesHolds<HoldsOf<T>>
        : OrPlain<ViewOf<P>>;
