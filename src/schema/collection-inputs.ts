import { builder } from './builder.ts';
import { DEFAULT_COLLECTION_ORDER, ORDER_FIELDS, type OrderField } from './collection-order.ts';
import { CollectionMethod, CollectionSource } from './enums.ts';

const fieldDescriptions: Record<OrderField, string> = {
  NAME: 'Name, case-insensitively (a Wickson collection sorts by its id).',
  CREATED_AT: 'Creation time (Wickson: time of its first item).',
  UPDATED_AT: 'Last change (Beluga only; Wickson collections have none and come last).',
  ITEM_COUNT: 'Number of items.',
};

export const CollectionOrderField = builder.enumType('CollectionOrderField', {
  description: 'What to sort collections by.',
  values: Object.fromEntries(
    ORDER_FIELDS.map((v) => [v, { description: fieldDescriptions[v] }]),
  ) as Record<OrderField, { description: string }>,
});

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction.',
  values: {
    ASC: { description: 'Ascending: smallest, earliest or A first.' },
    DESC: { description: 'Descending: largest, latest or Z first.' },
  } as const,
});

export const CollectionOrder = builder.inputType('CollectionOrder', {
  description: `How to sort collections (default ${DEFAULT_COLLECTION_ORDER.field} ${DEFAULT_COLLECTION_ORDER.direction}). Missing values sort last in both directions; ties go by source (Beluga first when ascending), then id.`,
  fields: (t) => ({
    field: t.field({
      type: CollectionOrderField,
      required: true,
      description: 'What to sort by.',
    }),
    direction: t.field({
      type: OrderDirection,
      required: false,
      defaultValue: 'ASC',
      description: 'Sort direction (default ASC).',
    }),
  }),
});

export const CollectionFilter = builder.inputType('CollectionFilter', {
  description:
    'Restricts a collection list. Filters that exist only in Beluga (`projectId`, `method`) leave Wickson collections out.',
  fields: (t) => ({
    sources: t.field({
      type: [CollectionSource],
      required: false,
      description: 'Only collections of these sources (default: both; an empty list means both).',
    }),
    projectId: t.int({
      required: false,
      description: 'Only capture sets of this Beluga project (leaves Wickson out).',
    }),
    method: t.field({
      type: CollectionMethod,
      required: false,
      description:
        'Only capture sets sampled with this method (leaves Wickson out; UNKNOWN matches nothing).',
    }),
  }),
});
