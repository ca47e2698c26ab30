/**
 * Random operations generated from a schema, for the prediction-versus-ledger test: random
 * selections (aliases, inline and named fragments, @skip/@include), arguments drawn from pools of
 * ids and cursors that exist and that do not, page sizes as literals or as variables with
 * defaults, and on the subgraph `_entities` with random representations. Deterministic for a seed.
 */
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import type { Rng } from '../../src/fakes/prng.ts';

/** Ids and cursors the generator draws from: some exist, some do not, some are malformed. */
export interface Pools {
  globalIds: string[];
  belugaSets: string[];
  wicksonCollections: string[];
  projects: number[];
  jobs: number[];
  cursors: string[];
}

export interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

/** Levels of composite fields below the root (the depth limit counts every level). */
const MAX_LEVELS = 6;
const MAX_ALIASES = 10;
const PAGE_SIZES = [0, 1, 2, 3, 5, 8];

interface Draft {
  rng: Rng;
  schema: GraphQLSchema;
  pools: Pools;
  aliases: number;
  fragments: string[];
  variables: string[];
  values: Record<string, unknown>;
}

/** A query on `root` (Query) of `schema`, or `_entities` when `entities` is set. */
export function randomOperation(
  schema: GraphQLSchema,
  rng: Rng,
  pools: Pools,
  entities = false,
): Operation {
  const draft: Draft = { rng, schema, pools, aliases: 0, fragments: [], variables: [], values: {} };
  const root = schema.getQueryType() as GraphQLObjectType;
  let body: string;
  if (entities) {
    // As a router sends them: in a variable.
    draft.variables.push('$representations: [_Any!]!');
    draft.values.representations = representations(draft);
    const entity = getNamedType(root.getFields()._entities!.type);
    const selected = abstractSelection(draft, entity, 1);
    body = `_entities(representations: $representations) { ${selected} }`;
  } else {
    body = selection(draft, root, 0, rootFields(root));
  }
  const head = draft.variables.length ? `(${draft.variables.join(', ')})` : '';
  return {
    query: `query Random${head} { ${body} } ${draft.fragments.join(' ')}`,
    variables: draft.values,
  };
}

function rootFields(root: GraphQLObjectType) {
  return Object.values(root.getFields()).filter((f) => !f.name.startsWith('_'));
}

/**
 * One to three distinct fields of `type` (one maybe again under an alias), some inside fragments.
 * `taken` holds the response keys a sibling fragment on another type already uses, with their
 * types: a field of the same name and another type there would not validate.
 */
function selection(
  draft: Draft,
  type: GraphQLObjectType,
  level: number,
  fields = Object.values(type.getFields()),
  taken = new Map<string, string>(),
): string {
  const { rng } = draft;
  const usable = fields.filter(
    (f) =>
      (isLeafType(getNamedType(f.type)) || level < MAX_LEVELS) &&
      (taken.get(f.name) ?? String(f.type)) === String(f.type),
  );
  if (usable.length === 0) return '__typename';
  const picked = [...new Set(Array.from({ length: rng.int(1, 3) }, () => rng.pick(usable)))];
  for (const field of picked) taken.set(field.name, String(field.type));
  const parts = picked.map((field) => fieldText(draft, field, level));
  if (rng.next() < 0.15) parts.push(fieldText(draft, rng.pick(picked), level, true));
  const text = parts.join(' ');
  const wrap = rng.next();
  if (wrap < 0.1) return `... on ${type.name} { ${text} }`;
  if (wrap < 0.2) {
    const name = `F${draft.fragments.length}`;
    draft.fragments.push(`fragment ${name} on ${type.name} { ${text} }`);
    return `...${name}`;
  }
  return text;
}

function fieldText(
  draft: Draft,
  field: GraphQLField<unknown, unknown>,
  level: number,
  aliased = false,
): string {
  const { rng } = draft;
  const alias = (aliased || rng.next() < 0.1) && draft.aliases < MAX_ALIASES;
  if (alias) draft.aliases += 1;
  const head = `${alias ? `a${draft.aliases}: ` : ''}${field.name}${argumentsText(draft, field)}`;
  const toggle = rng.next();
  const directive =
    toggle < 0.05
      ? ` @skip(if: ${rng.next() < 0.5})`
      : toggle < 0.1
        ? ` @include(if: ${rng.next() < 0.5})`
        : '';
  const named = getNamedType(field.type);
  if (isLeafType(named)) return `${head}${directive}`;
  const below = isObjectType(named)
    ? selection(draft, named, level + 1)
    : abstractSelection(draft, named, level + 1);
  return `${head}${directive} { ${below} }`;
}

/** `__typename` and fragments on some of the types an interface or union may be. */
function abstractSelection(draft: Draft, type: GraphQLNamedType, level: number): string {
  if (!isAbstractType(type)) return '__typename';
  const types = draft.schema.getPossibleTypes(type);
  const taken = new Map<string, string>();
  const parts = types
    .filter(() => draft.rng.next() < 0.6)
    .map((t) => {
      const fields = Object.values(t.getFields());
      return `... on ${t.name} { ${selection(draft, t, level, fields, taken)} }`;
    });
  return ['__typename', ...parts].join(' ');
}

function argumentsText(draft: Draft, field: GraphQLField<unknown, unknown>): string {
  const args = field.args
    .map((arg) => [arg.name, argumentValue(draft, field, arg)] as const)
    .filter(([, value]) => value !== undefined);
  return args.length ? `(${args.map(([name, value]) => `${name}: ${value}`).join(', ')})` : '';
}

/** The argument as GraphQL text, or undefined to leave an optional one out. */
function argumentValue(
  draft: Draft,
  field: GraphQLField<unknown, unknown>,
  arg: GraphQLArgument,
): string | undefined {
  const { rng, pools } = draft;
  const required = isNonNullType(arg.type);
  if (!required && rng.next() < 0.55) return undefined;
  switch (arg.name) {
    case 'first':
    case 'last':
      return pageSize(draft);
    case 'after':
    case 'before':
      return literal(rng.next() < 0.8 ? rng.pick(pools.cursors) : 'bm90LWEtY3Vyc29y');
    case 'id':
      return literal(rng.pick(pools.globalIds));
    case 'ids':
      return literal(Array.from({ length: rng.int(0, 6) }, () => rng.pick(pools.globalIds)));
    case 'sourceId':
      return sourceId(draft, field);
    case 'projectId':
      return String(rng.pick(pools.projects));
  }
  return typedValue(draft, arg.type);
}

/** A page size: a literal, or a variable with a default that the request may override. */
function pageSize(draft: Draft): string {
  const { rng } = draft;
  const size = rng.next() < 0.05 ? rng.pick([-1, 101]) : rng.pick(PAGE_SIZES);
  if (rng.next() < 0.75) return String(size);
  const variable = `v${draft.variables.length}`;
  const fallback = rng.pick(PAGE_SIZES);
  draft.variables.push(`$${variable}: Int = ${fallback}`);
  if (rng.next() < 0.5) draft.values[variable] = size;
  return `$${variable}`;
}

function sourceId(draft: Draft, field: GraphQLField<unknown, unknown>): string {
  const { rng, pools } = draft;
  if (field.name === 'collection') {
    const any = [...pools.belugaSets, ...pools.wicksonCollections, 'x', '0', 'nope_nope'];
    return literal(rng.pick(any));
  }
  return String(rng.pick(field.name === 'job' ? pools.jobs : pools.projects));
}

/** Any other argument, from its type: enums, lists of them, input objects, small numbers. */
function typedValue(draft: Draft, type: GraphQLInputType): string | undefined {
  const { rng } = draft;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const items = Array.from({ length: rng.int(0, 3) }, () => typedValue(draft, inner.ofType));
    return `[${items.filter((v) => v !== undefined).join(', ')}]`;
  }
  if (isEnumType(inner)) return rng.pick(inner.getValues()).name;
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields())
      .filter((f) => isNonNullType(f.type) || rng.next() < 0.5)
      .map((f) => {
        const value =
          f.name === 'projectId'
            ? String(rng.pick(draft.pools.projects))
            : typedValue(draft, f.type);
        return value === undefined ? '' : `${f.name}: ${value}`;
      });
    return `{ ${fields.join(' ')} }`;
  }
  const name = getNamedType(inner).name;
  if (name === 'Int') return String(rng.int(0, 5));
  if (name === 'Boolean') return String(rng.next() < 0.5);
  return undefined;
}

/** Up to 30 representations (sometimes 100) of entities that exist, do not, or are malformed. */
function representations(draft: Draft): Record<string, unknown>[] {
  const { rng, pools } = draft;
  const count = rng.next() < 0.1 ? 100 : rng.int(1, 30);
  const kinds: (() => Record<string, unknown>)[] = [
    () => ({ __typename: 'Collection', source: 'BELUGA', sourceId: rng.pick(pools.belugaSets) }),
    () => ({
      __typename: 'Collection',
      source: 'WICKSON',
      sourceId: rng.pick(pools.wicksonCollections),
    }),
    () => ({ __typename: 'Collection', id: rng.pick(pools.globalIds) }),
    () => ({ __typename: 'Project', sourceId: rng.pick(pools.projects) }),
    () => ({ __typename: 'Project', id: rng.pick(pools.globalIds) }),
    () => ({ __typename: 'Job', sourceId: rng.pick(pools.jobs) }),
    () => ({ __typename: 'Job', id: rng.pick(pools.globalIds) }),
    () => ({ __typename: 'Collection', source: 'BELUGA', sourceId: 'x' }),
  ];
  const mostly = rng.pick(kinds);
  return Array.from({ length: count }, () => (rng.next() < 0.7 ? mostly : rng.pick(kinds))());
}

/** A JSON value as GraphQL literal text (object keys unquoted). */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).map(([k, v]) => `${k}: ${literal(v)}`);
    return `{ ${fields.join(', ')} }`;
  }
  return JSON.stringify(value);
}
