import type DataLoader from 'dataloader';
import type { CollectionDetailDataDto } from '../upstreams/wickson/schemas.ts';
import { makeLoader, mapBounded } from './batch.ts';
import type { LoaderDeps } from './types.ts';

/** Wickson collection detail by id (`"research_papers"`): no batch endpoint, one GET per key. */
export function createWicksonCollectionLoader(
  deps: LoaderDeps,
): DataLoader<string, CollectionDetailDataDto | null> {
  const { wickson } = deps.clients;
  return makeLoader(deps, (keys) =>
    mapBounded(keys, deps.config.wickson.concurrency, (key) =>
      wickson.getCollection(key, deps.scope),
    ),
  );
}
