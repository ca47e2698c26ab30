/**
 * @defer and @stream (@graphql-yoga/plugin-defer-stream adds the directives and their validation
 * rules). yoga sends an incremental result as multipart/mixed or as GraphQL over SSE
 * (text/event-stream), whichever the client's `Accept` allows; a client that accepts neither
 * would get yoga's bare 406 only after the operation ran, so such an operation is refused before
 * execution instead, with the same status and `Accept` header and a sentence saying what to send.
 * So is a negative @stream `initialCount` (BAD_USER_INPUT), which the executor would fail as an
 * internal error after its upstream calls.
 *
 * After persisted operations and before the limits in the plugin list: useDeferStream adds the
 * directives' validation rules, and a refusal here comes before any cost is reserved.
 */
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { Plugin } from 'graphql-yoga';
import { type DocumentNode, GraphQLError } from '../graphql.ts';
import {
  acceptsIncremental,
  INCREMENTAL_MEDIA_TYPES,
  incrementalUse,
  mentionsIncremental,
} from '../incremental.ts';

export const NOT_ACCEPTABLE_MESSAGE =
  'This operation uses @defer or @stream: send Accept: multipart/mixed or text/event-stream to receive its payloads.';

export const INITIAL_COUNT_MESSAGE = "@stream's initialCount must be 0 or more.";

const refuse = (message: string, code: string, http: Record<string, unknown>) => ({
  errors: [new GraphQLError(message, { extensions: { code, http } })],
});

/** useDeferStream, then the checks before execution (two plugins, in that order). */
export function useIncrementalDelivery(): Plugin[] {
  // yoga hands out the same DocumentNode for the same text: look for the directives once.
  const mentions = new WeakMap<DocumentNode, boolean>();
  const checks: Plugin = {
    onExecute({ args, setResultAndStopExecution }) {
      let named = mentions.get(args.document);
      if (named === undefined) {
        named = mentionsIncremental(args.document);
        mentions.set(args.document, named);
      }
      if (!named) return;
      const request = (args.contextValue as { request?: Request }).request;
      const variables = args.variableValues as Record<string, unknown> | undefined;
      const use = incrementalUse(args.schema, args.document, args.operationName, variables);
      // graphql-tools' executor would fail the list as an internal error, after its calls.
      if (use.negativeInitialCount) {
        setResultAndStopExecution(refuse(INITIAL_COUNT_MESSAGE, 'BAD_USER_INPUT', { status: 400 }));
        return;
      }
      if (!use.active || !request || acceptsIncremental(request.headers.get('accept'))) return;
      const headers = { accept: INCREMENTAL_MEDIA_TYPES.join(', ') };
      setResultAndStopExecution(
        refuse(NOT_ACCEPTABLE_MESSAGE, 'BAD_REQUEST', { status: 406, headers }),
      );
    },
  };
  return [useDeferStream(), checks];
}
