/**
 * Early loads: a field whose upstream loads depend only on its parent's id and its own arguments
 * may declare them (the `earlyLoad` field option), and a parent resolver that knows the id before
 * its payload arrives starts them with its own load (`prefetchChildFields`), one round instead of
 * two. The field's resolver and its early load call the same module function, so the keys the
 * prefetch warms in the request's DataLoader caches are the ones the resolver asks for.
 */
import SchemaBuilder, {
  BasePlugin,
  type FieldNullability,
  type InputFieldMap,
  type InputShapeFromFields,
  type PothosOutputFieldConfig,
  type SchemaTypes,
  type TypeParam,
} from '@pothos/core';
import { type GraphQLResolveInfo, getArgumentValues, isObjectType } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { childFields, type Selection } from './selection.ts';

/**
 * Starts a field's loads from its parent, its arguments and its selection; returns what the
 * resolver's loads return (dropped), or undefined when nothing may start early.
 */
export type EarlyLoad<Parent = never, Args = never, Context = GatewayContext> = (
  parent: Parent,
  args: Args,
  ctx: Context,
  selection: Selection,
) => Promise<unknown> | undefined;

/** Where the declaration is kept on a built field. */
const EARLY_LOAD_EXTENSION = 'earlyLoad';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      earlyLoad: EarlyLoadPlugin<Types>;
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
      /** The field's loads, started by a parent that knows enough before it resolves. */
      earlyLoad?: EarlyLoad<ParentShape, InputShapeFromFields<Args>, Types['Context']>;
    }
  }
}

export class EarlyLoadPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): PothosOutputFieldConfig<Types> {
    const earlyLoad = fieldConfig.pothosOptions.earlyLoad;
    if (!earlyLoad) return fieldConfig;
    return {
      ...fieldConfig,
      extensions: { ...fieldConfig.extensions, [EARLY_LOAD_EXTENSION]: earlyLoad },
    };
  }
}

/** The name to list in the builder's `plugins`. */
export const EARLY_LOAD_PLUGIN = 'earlyLoad';

SchemaBuilder.registerPlugin(EARLY_LOAD_PLUGIN, EarlyLoadPlugin);

/**
 * Starts the early loads of the fields selected under the current field (of type `typeName`),
 * with `parent` standing for the object it will resolve to, and drops their results: the real
 * resolvers, run once the parent resolves, get the same DataLoader promises. Arguments are
 * coerced as graphql-js coerces them for the resolver. A load refused early (bad arguments) is
 * refused again by the resolver, which reports it.
 */
export function prefetchChildFields(
  info: GraphQLResolveInfo,
  ctx: GatewayContext,
  typeName: string,
  parent: unknown,
): void {
  const type = info.schema.getType(typeName);
  if (!isObjectType(type)) return;
  const fields = type.getFields();
  for (const nodes of childFields(info).values()) {
    const node = nodes[0];
    const field = node && fields[node.name.value];
    const earlyLoad = field?.extensions[EARLY_LOAD_EXTENSION] as EarlyLoad<unknown, unknown>;
    if (!field || !earlyLoad) continue;
    const selection: Selection = {
      fieldNodes: nodes,
      fragments: info.fragments,
      variableValues: info.variableValues,
    };
    try {
      const args = getArgumentValues(field, node, info.variableValues);
      earlyLoad(parent, args, ctx, selection)?.catch(() => undefined);
    } catch {
      // The resolver throws the same error (e.g. BAD_USER_INPUT) when it runs.
    }
  }
}
