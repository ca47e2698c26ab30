import { builder } from './builder.ts';
import type { CollectionModel } from './models.ts';

export const CollectionRef = builder.objectRef<CollectionModel>('Collection');
