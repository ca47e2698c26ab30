/** The longest list argument of a request, literal or in the variables (MAX_LIST_LENGTH). */
import { walkJson } from './client-json.ts';
import { type DocumentNode, visit } from './graphql.ts';

/** Longest array among the variable values, at any nesting (walked without recursion). */
export function longestVariableList(variables: Record<string, unknown> | null | undefined): number {
  let longest = 0;
  walkJson(variables, (value) => {
    if (Array.isArray(value)) longest = Math.max(longest, value.length);
    return true;
  });
  return longest;
}

/** Longest literal list value in the document (depends on the document alone, so cacheable). */
export function longestLiteralList(document: DocumentNode): number {
  let longest = 0;
  visit(document, {
    ListValue(node) {
      longest = Math.max(longest, node.values.length);
    },
  });
  return longest;
}
