/**
 * Abuse limits, all enforced before execution (so before any upstream call): graphql-armor for
 * tokens (at parse), depth, aliases and directives (at validation), and our own page-aware cost
 * and list-length checks (after validation, with the variables). Messages are constant; the
 * configured numbers are never echoed.
 */
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.ts';
import { longestList, operationCost } from './cost.ts';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from './graphql.ts';

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

  const costAndLists: Plugin = {
    onExecute({ args, setResultAndStopExecution }) {
      const variables = args.variableValues as Record<string, unknown> | undefined;
      if (longestList(args.document, variables) > limits.maxListLength) {
        setResultAndStopExecution({ errors: [rejection(LIST_MESSAGE, 'BAD_USER_INPUT')] });
        return;
      }
      const cost = operationCost(
        args.schema,
        args.document,
        args.operationName,
        variables,
        limits.maxCost,
      );
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
