/**
 * The gateway's loaders with DataLoader's batching and caching off: every load is its own
 * upstream call, as in a server that calls the upstream from each resolver. The bench runs it as
 * its baseline (test/bench/plain-gateway.ts); tests use it where a gateway must make more calls
 * than its prediction, or to compare answers with and without batching.
 */
import { createLoaders, type LoaderDeps, type Loaders } from '../../src/loaders/index.ts';

export function plainLoaders(deps: LoaderDeps): Loaders {
  return createLoaders({ ...deps, dataLoader: { batch: false, cache: false } });
}
