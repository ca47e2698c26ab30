/**
 * The `Collection` object type's ref and how a collection is loaded, apart from its fields
 * (./collection.ts, which re-exports them) so that a type the collection lists (`Job`, in
 * ./job.ts) can name and load its collection without importing the module that imports it back.
 */
import type { GatewayContext } from '../context.ts';
import { builder } from './builder.ts';
import {
  BelugaCollectionModel,
  type CollectionModel,
  type CollectionParent,
  WicksonCollectionModel,
} from './models.ts';

export const CollectionRef = builder.objectRef<CollectionParent>('Collection');

/** A collection by source and upstream id; null when it does not exist or is hidden. */
export async function loadCollection(
  ctx: GatewayContext,
  source: 'BELUGA' | 'WICKSON',
  sourceId: string,
): Promise<CollectionModel | null> {
  if (source === 'BELUGA') {
    const dto = await ctx.loaders.captureSet.load({ id: sourceId });
    return dto ? new BelugaCollectionModel(dto) : null;
  }
  const detail = await ctx.loaders.wicksonCollection.load(sourceId);
  return detail ? new WicksonCollectionModel(sourceId, { detail }) : null;
}
