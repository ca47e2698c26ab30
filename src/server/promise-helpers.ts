/**
 * What the bundle links as `@whatwg-node/promise-helpers` (src/build.ts aliases it): version 2,
 * whose helpers call a synchronous hook's continuation directly where 1.x wrapped every step in
 * a fake promise (an object and three closures a step; ~48 KB of a cached request's ~150 KB).
 * graphql-yoga 5.24 and @envelop/core 5.6 (the latest) still depend on 1.x only because they
 * re-export `mapMaybePromise`, which 2.0 removed; this module adds it back, as 1.x defined it.
 * The sources (tests, the demo) run 1.x; test/server/bundle.test.ts compares the two.
 */
import { handleMaybePromise, type MaybePromise } from '@whatwg-node/promise-helpers-v2';

export * from '@whatwg-node/promise-helpers-v2';

/** 1.x's `mapMaybePromise`: `onSuccess` (or `onError`) applied to a value that may be a promise. */
export function mapMaybePromise<T, R>(
  input: MaybePromise<T>,
  onSuccess: (value: T) => MaybePromise<R>,
  onError?: (error: unknown) => MaybePromise<R>,
): MaybePromise<R> {
  return handleMaybePromise(() => input, onSuccess, onError);
}
