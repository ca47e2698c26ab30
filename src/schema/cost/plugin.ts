/**
 * A Pothos plugin adding the `upstreamCalls` option to every output field: the field's upstream
 * cost, typed by what its parent model holds (./types.ts). The declaration is kept in the field's
 * `extensions.upstreamCalls` for the walker (src/server/cost.ts), and its weight and list size
 * become the field's `@cost(weight:)` and `@listSize(...)` directives (IBM's GraphQL cost
 * directives, which the subgraph SDL imports: src/schema/federation.ts). A field exposing a
 * property of its parent (`t.expose*`) reads nothing else and is free without saying so; every
 * other field declares, `free` included. An object type may say what its objects fetched by id
 * hold (`loadedById`), for `node`, `nodes` and `_entities`.
 */
import SchemaBuilder, {
  BasePlugin,
  type FieldNullability,
  type InputFieldMap,
  type InputShapeFromFields,
  type OutputShape,
  type PothosOutputFieldConfig,
  type PothosOutputFieldType,
  type PothosTypeConfig,
  type SchemaTypes,
  type TypeParam,
} from '@pothos/core';
import { type FieldCalls, free, type HoldsOf, type Source } from './types.ts';

/** Where the declaration is kept on a built field. */
export const CALLS_EXTENSION = 'upstreamCalls';
/** Where an object type keeps what its objects fetched by id hold. */
export const LOADED_BY_ID_EXTENSION = 'loadedById';

/** The model a field returns (the item's, for a list). */
type ReturnShape<Types extends SchemaTypes, Type> = OutputShape<
  Types,
  Type extends [infer Item] ? Item : Type
>;

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      upstreamCalls: UpstreamCallsPlugin<Types>;
    }

    export interface ObjectTypeOptions<Types extends SchemaTypes = SchemaTypes, Shape = unknown> {
      /** What an object fetched by id (`node`, `nodes`, `_entities`) holds, per source. */
      loadedById?: (source: Source) => HoldsOf<Shape>;
    }

    export interface FieldOptions<
      Types extends SchemaTypes = SchemaTypes,
      ParentShape = unknown,
      Type extends TypeParam<Types> = TypeParam<Types>,
      Nullable extends FieldNullability<Type> = FieldNullability<Type>,
      Args extends InputFieldMap = InputFieldMap,
      ResolveShape = unknown,
      ResolveReturnShape = unknown,
    > {
      /** The upstream calls one selection of this field can make (src/schema/cost/types.ts). */
      upstreamCalls?: FieldCalls<
        HoldsOf<ParentShape>,
        InputShapeFromFields<Args>,
        HoldsOf<ReturnShape<Types, Type>>
      >;
    }
  }
}

function isComposite<Types extends SchemaTypes>(type: PothosOutputFieldType<Types>): boolean {
  return type.kind === 'List'
    ? isComposite(type.type)
    : type.kind !== 'Scalar' && type.kind !== 'Enum';
}

/** `@cost` and `@listSize` for a field, where they differ from a router's defaults. */
function costDirectives<Types extends SchemaTypes>(
  fieldConfig: PothosOutputFieldConfig<Types>,
  calls: FieldCalls,
): { name: string; args: Record<string, unknown> }[] {
  // Routers refuse both on interface fields: the objects implementing them carry them.
  if (fieldConfig.graphqlKind === 'Interface') return [];
  // A router's default weight is 1 per object and 0 per leaf: publish where ours differs.
  const weight = calls.weight > 0 || isComposite(fieldConfig.type);
  return [
    ...(weight ? [{ name: 'cost', args: { weight: calls.weight } }] : []),
    ...(calls.listSize ? [{ name: 'listSize', args: { ...calls.listSize } }] : []),
  ];
}

export class UpstreamCallsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onTypeConfig(typeConfig: PothosTypeConfig): PothosTypeConfig {
    if (typeConfig.kind !== 'Object') return typeConfig;
    const loaded = typeConfig.pothosOptions.loadedById;
    if (!loaded) return typeConfig;
    return {
      ...typeConfig,
      extensions: { ...typeConfig.extensions, [LOADED_BY_ID_EXTENSION]: loaded },
    };
  }

  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> {
    const exposed = fieldConfig.extensions?.pothosExposedField === fieldConfig.name;
    const declared = fieldConfig.pothosOptions.upstreamCalls as FieldCalls | undefined;
    const calls = declared ?? (exposed ? free : undefined);
    if (!calls) return fieldConfig;
    const directives = (fieldConfig.extensions?.directives ?? []) as unknown[];
    if (!Array.isArray(directives)) throw new Error('directives given as a map are not merged');
    return {
      ...fieldConfig,
      extensions: {
        ...fieldConfig.extensions,
        [CALLS_EXTENSION]: calls,
        directives: [...directives, ...costDirectives(fieldConfig, calls)],
      },
    };
  }
}

/** The name to list in the builder's `plugins`. */
export const UPSTREAM_CALLS_PLUGIN = 'upstreamCalls';

SchemaBuilder.registerPlugin(UPSTREAM_CALLS_PLUGIN, UpstreamCallsPlugin);
