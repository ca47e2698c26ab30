/**
 * @defer and @stream (@graphql-yoga/plugin-defer-stream adds the directives and their validation
 * rules). yoga sends an incremental result as multipart/mixed or as GraphQL over SSE
 * (text/event-stream), whichever the client's `Accept` allows; a client that accepts neither
 * would get yoga's bare 406 only after the operation ran, so such an operation is refused before
 * execution instead, with the same status and `Accept` header and a sentence saying what to send.
 */
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { Plugin } from 'graphql-yoga';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  GraphQLIncludeDirective,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getDirectiveValues,
  getOperationAST,
  getVariableValues,
  Kind,
  type SelectionSetNode,
} from './graphql.ts';

/** The media types yoga delivers an incremental result in. */
export const INCREMENTAL_MEDIA_TYPES = ['multipart/mixed', 'text/event-stream'] as const;

export const NOT_ACCEPTABLE_MESSAGE =
  'This operation uses @defer or @stream: send Accept: multipart/mixed or text/event-stream to receive its payloads.';

export function incrementalDeliveryPlugins(): Plugin[] {
  const acceptCheck: Plugin = {
    onExecute({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (!request || acceptsIncremental(request.headers.get('accept'))) return;
      const variables = args.variableValues as Record<string, unknown> | undefined;
      if (!defersOrStreams(args.schema, args.document, args.operationName, variables)) return;
      const accept = INCREMENTAL_MEDIA_TYPES.join(', ');
      const http = { status: 406, headers: { accept } };
      setResultAndStopExecution({
        errors: [
          new GraphQLError(NOT_ACCEPTABLE_MESSAGE, { extensions: { code: 'BAD_REQUEST', http } }),
        ],
      });
    },
  };
  return [useDeferStream(), acceptCheck];
}

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

/**
 * Whether the operation `operationName` selects anything under an active @defer or @stream (its
 * `if` true with the request's variables, and not left out by @skip/@include).
 */
export function defersOrStreams(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): boolean {
  const defer = schema.getDirective('defer');
  const stream = schema.getDirective('stream');
  const operation = getOperationAST(document, operationName);
  if (!operation || !defer || !stream) return false;
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    rawVariables ?? {},
  );
  if (coerced.errors) return false; // execution refuses them before anything runs
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  type Node = Parameters<typeof getDirectiveValues>[1];
  const on = (directive: typeof defer, node: Node) =>
    getDirectiveValues(directive, node, variables)?.if === true;
  const included = (node: Node) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  const seen = new Set<string>();
  const sets: (SelectionSetNode | undefined)[] = [operation.selectionSet];
  while (sets.length > 0) {
    for (const selection of sets.pop()?.selections ?? []) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        if (on(stream, selection)) return true;
        sets.push(selection.selectionSet);
      } else if (on(defer, selection)) return true;
      else if (selection.kind === Kind.INLINE_FRAGMENT) sets.push(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        sets.push(fragments.get(selection.name.value)?.selectionSet);
      }
    }
  }
  return false;
}
