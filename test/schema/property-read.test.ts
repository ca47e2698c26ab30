/**
 * Fields declared with `propertyRead` (src/schema/property-read.ts) are built without a resolver,
 * so the compiled executor reads them inline; the answers stay the executor's.
 */

import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';
import {
  BelugaCollectionModel,
  BelugaCollectionStub,
  WicksonCollectionModel,
} from '../../src/schema/models.ts';
import type { CaptureSetDto } from '../../src/upstreams/beluga/schemas.ts';

const PLAIN_READS = [
  'CollectionConnection.edges',
  'CollectionConnection.pageInfo',
  'CollectionEdge.node',
  'CollectionEdge.cursor',
  'JobConnection.edges',
  'JobEdge.node',
  'Collection.source',
  'Collection.sourceId',
  'Collection.name',
  'Collection.stats',
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
    expect(collection.getFields().projectId?.resolve).toBeTypeOf('function');
    expect(collection.getFields().createdAt?.resolve).toBeTypeOf('function');
  });

  it('collection models answer name and stats from their prototype', () => {
    const dto = { id: 21, name: 'Moth set' } as CaptureSetDto;
    const beluga = new BelugaCollectionModel(dto);
    const stub = new BelugaCollectionStub({
      id: 22,
      name: 'From a job',
      method: 'full',
      projectId: 1,
    });
    const wickson = new WicksonCollectionModel('research_papers');
    expect([beluga.name, stub.name, wickson.name]).toEqual([
      'Moth set',
      'From a job',
      'research_papers',
    ]);
    for (const model of [beluga, stub, wickson]) expect(model.stats).toBe(model);
    expect([beluga.sourceId, stub.sourceId, wickson.source]).toEqual(['21', '22', 'WICKSON']);
    // Getters, not own properties: nothing to copy or serialize.
    expect(Object.keys(beluga)).not.toContain('name');
  });
});
