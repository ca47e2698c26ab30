/**
 * Abuse limits, all enforced before execution (so before any upstream call): graphql-armor for
 * tokens (at parse), depth, aliases and directives (at validation), and our own page-aware cost
 * and list-length checks (after validation, with the variables). Messages are constant; the
 * configured numbers are never echoed.
 */
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.ts';
import { analyzeCost, longestLiteralList, longestVariableList } from './cost.ts';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
} from './graphql.ts';

export const LIMIT_MESSAGE = 'Query validation error.';
export const COST_MESSAGE = 'Query is too expensive.';
export const LIST_MESSAGE = 'A list argument has too many items.';

function rejection(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { spec: true, status: 400 } } });
}

export function limitPlugins(config: Config): Plugin[] {
  const { limits } = config;
  const common = { exposeLimits: false, errorMessage: LIMIT_MESSAGE, propagateOnRejection: true };
  const armor = new EnvelopArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...common },
    maxAliases: { n: limits.maxAliases, allowList: ['__typename'], ...common },
    maxTokens: { n: limits.maxTokens, ...common },
    maxDirectives: { n: limits.maxDirectives, ...common },
    // Replaced by the page-aware cost below: armor's ignores variables and non-literal sizes.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !config.introspection, mask: '[Suggestion hidden]' },
  }).protect();

  // yoga hands out the same DocumentNode for the same query text (its parse cache), so the
  // document-only parts of the checks are computed once per document and operation name.
  const literalLists = new WeakMap<DocumentNode, number>();
  const costs = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();
  const cachedCost = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | undefined,
  ): number => {
    let bySchema = costs.get(schema);
    if (!bySchema) {
      bySchema = new WeakMap();
      costs.set(schema, bySchema);
    }
    let byOperation = bySchema.get(document);
    if (!byOperation) {
      byOperation = new Map();
      bySchema.set(document, byOperation);
    }
    const key = operationName ?? '';
    const cached = byOperation.get(key);
    if (cached !== undefined) return cached;
    const { cost, usesVariables } = analyzeCost(
      schema,
      document,
      operationName,
      variables,
      limits.maxCost,
    );
    // Only names the document defines are cached: a client cycling made-up operation names
    // must not grow the per-document map.
    if (!usesVariables && (operationName == null || definesOperation(document, operationName))) {
      byOperation.set(key, cost);
    }
    return cost;
  };

  const costAndLists: Plugin = {
    onExecute({ args, setResultAndStopExecution }) {
      const variables = args.variableValues as Record<string, unknown> | undefined;
      let literal = literalLists.get(args.document);
      if (literal === undefined) {
        literal = longestLiteralList(args.document);
        literalLists.set(args.document, literal);
      }
      if (Math.max(literal, longestVariableList(variables)) > limits.maxListLength) {
        setResultAndStopExecution({ errors: [rejection(LIST_MESSAGE, 'BAD_USER_INPUT')] });
        return;
      }
      const cost = cachedCost(args.schema, args.document, args.operationName, variables);
      if (cost > limits.maxCost) {
        setResultAndStopExecution({
          errors: [rejection(COST_MESSAGE, 'GRAPHQL_VALIDATION_FAILED')],
        });
      }
    },
  };

  const introspection: Plugin = {
    onValidate({ addValidationRule }) {
      if (!config.introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };

  return [...(armor.plugins as Plugin[]), introspection, costAndLists];
}

function definesOperation(document: DocumentNode, name: string): boolean {
  return document.definitions.some(
    (definition) => definition.kind === 'OperationDefinition' && definition.name?.value === name,
  );
}
