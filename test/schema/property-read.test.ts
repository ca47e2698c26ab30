/**
 * Fields declared with `propertyRead` (src/schema/property-read.ts) are built without a resolver,
 * so the compiled executor reads them inline; the answers stay the executor's.
 */

import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';

const PLAIN_READS = [
  'CollectionConnection.edges',
  'CollectionConnection.pageInfo',
  'CollectionEdge.node',
  'CollectionEdge.cursor',
  'JobConnection.edges',
  'JobEdge.node',
  'Collection.source',
  'Collection.sourceId',
  'Project.sourceId',
  'Job.sourceId',
  'MediaTypeCount.mediaType',
];

describe('property reads', () => {
  it('build without a resolver', () => {
    for (const coordinate of PLAIN_READS) {
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
      const field = type.getFields()[fieldName];
      expect(field, coordinate).toBeDefined();
      expect(field?.resolve, coordinate).toBeUndefined();
    }
  });

  it('fields computed from their parent keep their resolver', () => {
    const collection = schema.getType('Collection');
    if (!isObjectType(collection)) throw new Error('Collection is not an object type');
    expect(collection.getFields().name?.resolve).toBeTypeOf('function');
    expect(collection.getFields().stats?.resolve).toBeTypeOf('function');
  });
});
