import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';
import { COST_RULES, FREE_FIELDS } from '../../src/server/cost-rules.ts';

describe('cost rules cover the graph', () => {
  it('classifies every field of every object type as free or ruled', () => {
    const unclassified: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      // Connections and edges pass their nodes through; their own fields cost nothing.
      if (type.name.endsWith('Connection') || type.name.endsWith('Edge')) continue;
      for (const field of Object.keys(type.getFields())) {
        const ruled = COST_RULES[type.name]?.[field] !== undefined;
        const free = FREE_FIELDS[type.name]?.includes(field) ?? false;
        if (!ruled && !free) unclassified.push(`${type.name}.${field}`);
      }
    }
    // A new field needs a rule (or a FREE_FIELDS entry) in src/server/cost-rules.ts saying how
    // many upstream calls it can make; without one it is costed as 1 call per parent object on
    // each upstream.
    expect(unclassified).toEqual([]);
  });
});
