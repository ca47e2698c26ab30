/**
 * What the @defer/@stream plugin (plugins/use-incremental-delivery.ts) and compiled execution
 * read of a document: whether it names the directives, whether they apply with the request's
 * variables, and whether the client's `Accept` takes an incremental result.
 */
import {
  BREAK,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLIncludeDirective,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getDirectiveValues,
  getOperationAST,
  getVariableValues,
  Kind,
  type SelectionSetNode,
  visit,
} from './graphql.ts';

/** The media types yoga delivers an incremental result in. */
export const INCREMENTAL_MEDIA_TYPES = ['multipart/mixed', 'text/event-stream'] as const;

/**
 * Whether `Accept` allows an incremental media type, read as yoga reads it (result-processor/
 * accept.js): no header is any type; a range with a charset other than utf-8 does not count.
 */
export function acceptsIncremental(header: string | null): boolean {
  const ranges = (header || '*/*').replace(/\s/g, '').toLowerCase().split(',');
  return ranges.some((range) => {
    const [type = '', ...params] = range.split(';');
    const charset = params.find((param) => param.startsWith('charset='));
    if (charset && charset !== 'charset=utf-8') return false;
    const [group, sub] = type.split('/');
    return INCREMENTAL_MEDIA_TYPES.some((media) => {
      const [mediaGroup, mediaSub] = media.split('/');
      return (group === '*' || group === mediaGroup) && (sub === '*' || sub === mediaSub);
    });
  });
}

/** The document names @defer or @stream somewhere (whether or not it applies). */
export function mentionsIncremental(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

export interface IncrementalUse {
  /** The operation selects something under an @defer or @stream that applies. */
  active: boolean;
  /** An @stream that applies has a negative `initialCount`. */
  negativeInitialCount: boolean;
}

/**
 * How the operation `operationName` uses @defer and @stream with the request's variables: only
 * directives that apply count (`if` true, not left out by @skip/@include).
 */
export function incrementalUse(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): IncrementalUse {
  const use = { active: false, negativeInitialCount: false };
  const defer = schema.getDirective('defer');
  const stream = schema.getDirective('stream');
  const operation = getOperationAST(document, operationName);
  if (!operation || !defer || !stream) return use;
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    rawVariables ?? {},
  );
  if (coerced.errors) return use; // execution refuses them before anything runs
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  type Node = Parameters<typeof getDirectiveValues>[1];
  const applied = (directive: typeof defer, node: Node) => {
    const values = getDirectiveValues(directive, node, variables);
    return values?.if === true ? values : undefined;
  };
  const included = (node: Node) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  const seen = new Set<string>();
  const sets: (SelectionSetNode | undefined)[] = [operation.selectionSet];
  while (sets.length > 0) {
    for (const selection of sets.pop()?.selections ?? []) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const streamed = applied(stream, selection);
        if (streamed) use.active = true;
        if (streamed && (streamed.initialCount as number) < 0) use.negativeInitialCount = true;
        sets.push(selection.selectionSet);
        continue;
      }
      if (applied(defer, selection)) use.active = true;
      if (selection.kind === Kind.INLINE_FRAGMENT) sets.push(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        sets.push(fragments.get(selection.name.value)?.selectionSet);
      }
    }
  }
  return use;
}
