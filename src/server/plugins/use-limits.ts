/**
 * Abuse limits, all enforced before execution (so before any upstream call): graphql-armor for
 * tokens (at parse), depth, aliases and directives (at validation), then the list-length check and
 * the upstream-call prediction (cost.ts) with the variables. Armor's messages are constant; the
 * cost refusal names the prediction and MAX_UPSTREAM_CALLS.
 *
 * Before the client limits and admission in the plugin list: the cost check puts the request's
 * predicted calls on its call budget (`budget.predicted`), which both of them read.
 */
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Config } from '../../config.ts';
import type { GatewayContext } from '../../context.ts';
import { predictCalls, type UpstreamCounts } from '../cost.ts';
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
} from '../graphql.ts';
import { longestLiteralList, longestVariableList } from '../list-length.ts';

export const LIMIT_MESSAGE = 'Query validation error.';
/** Says which limit without its number (exposeLimits stays off). */
export const DEPTH_MESSAGE = 'The query is nested too deeply (selection depth limit).';
/** The refusal names the prediction and the limit, so a client can size its query. */
export function costMessage(predicted: number, limit: number): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return `This query could make ${n(predicted)} upstream calls; the limit is ${n(limit)}.`;
}
/** Predictions remembered (document × operation × variable values). */
const PREDICTIONS_KEPT = 2_000;
/** Variables longer than this as JSON are predicted afresh each time (not kept). */
const MAX_PREDICTION_KEY = 2_048;

export const LIST_MESSAGE = 'A list argument has too many items.';

function rejection(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { spec: true, status: 400 } } });
}

export function useLimits(config: Config): Plugin[] {
  const introspection: Plugin = {
    onValidate({ addValidationRule }) {
      if (!config.introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
  return [...armorPlugins(config), introspection, costAndListsPlugin(config.limits)];
}

/** Tokens, depth, aliases and directives (graphql-armor), with constant messages. */
function armorPlugins(config: Config): Plugin[] {
  const { limits } = config;
  const common = { exposeLimits: false, errorMessage: LIMIT_MESSAGE, propagateOnRejection: true };
  const armor = new EnvelopArmor({
    maxDepth: {
      n: limits.maxDepth,
      flattenFragments: true,
      ignoreIntrospection: true,
      ...common,
      errorMessage: DEPTH_MESSAGE,
    },
    maxAliases: { n: limits.maxAliases, allowList: ['__typename'], ...common },
    maxTokens: { n: limits.maxTokens, ...common },
    maxDirectives: { n: limits.maxDirectives, ...common },
    // Replaced by the upstream-call prediction below (cost.ts): armor's counts fields, not calls.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !config.introspection, mask: '[Suggestion hidden]' },
  }).protect();
  return armor.plugins as Plugin[];
}

/**
 * The longest list argument, then the predicted upstream calls, against their limits: for a query
 * or a mutation, and for a subscription's first read (its polls then charge the client).
 */
function costAndListsPlugin(limits: Config['limits']): Plugin {
  const literalLists = new WeakMap<DocumentNode, number>();
  const predict = createPredictor();
  const check = (args: ExecutionArgs, stop: (result: { errors: GraphQLError[] }) => void) => {
    const variables = args.variableValues as Record<string, unknown> | undefined;
    let literal = literalLists.get(args.document);
    if (literal === undefined) {
      literal = longestLiteralList(args.document);
      literalLists.set(args.document, literal);
    }
    if (Math.max(literal, longestVariableList(variables)) > limits.maxListLength) {
      stop({ errors: [rejection(LIST_MESSAGE, 'BAD_USER_INPUT')] });
      return;
    }
    const predicted = predict(args.schema, args.document, args.operationName, variables);
    const budget = (args.contextValue as Partial<GatewayContext>).budget;
    if (budget) budget.predicted = { ...predicted };
    const total = predicted.beluga + predicted.wickson;
    if (total > limits.maxUpstreamCalls) {
      stop({
        errors: [rejection(costMessage(total, limits.maxUpstreamCalls), 'COST_LIMIT_EXCEEDED')],
      });
    }
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => check(args, setResultAndStopExecution),
    onSubscribe: ({ args, setResultAndStopExecution }) => check(args, setResultAndStopExecution),
  };
}

/**
 * yoga hands out the same DocumentNode for the same query text (its parse cache), so a prediction
 * is computed once per document, operation and variable values (a bounded LRU: the prediction is
 * a pure function of them).
 */
function createPredictor() {
  const documentIds = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, number>>();
  let nextDocumentId = 0;
  const predictions = new LRUCache<string, UpstreamCounts>({ max: PREDICTIONS_KEPT });
  const idOf = (schema: GraphQLSchema, document: DocumentNode) => {
    let ids = documentIds.get(schema);
    if (!ids) {
      ids = new WeakMap();
      documentIds.set(schema, ids);
    }
    let id = ids.get(document);
    if (id === undefined) {
      id = nextDocumentId++;
      ids.set(document, id);
    }
    return id;
  };
  return (
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | undefined,
  ): UpstreamCounts => {
    const operation = getOperationAST(document, operationName);
    if (!operation) return predictCalls(schema, document, operationName, variables);
    const values = operation.variableDefinitions?.length ? JSON.stringify(variables ?? {}) : '';
    // Keyed by the operation found, so made-up operation names cannot grow the cache.
    const key = `${idOf(schema, document)}:${operation.name?.value ?? ''}:${values}`;
    if (key.length > MAX_PREDICTION_KEY) {
      return predictCalls(schema, document, operationName, variables);
    }
    let counts = predictions.get(key);
    if (!counts) {
      counts = predictCalls(schema, document, operationName, variables);
      predictions.set(key, counts);
    }
    return counts;
  };
}
