/**
 * Errors from compiled execution in the executor's shape. graphql-jit's field errors carry their
 * locations but not their AST nodes, from which yoga and the masking (../errors.ts) rebuild every
 * error; each gets the field node at its path back.
 */
import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  getOperationAST,
  Kind,
  type SelectionSetNode,
} from '../graphql.ts';

/**
 * graphql-jit's field errors carry their locations but not their AST nodes, from which yoga and
 * the masking (errors.ts) rebuild every error; each becomes the executor's own error: the field
 * node at its path, the error the resolver raised as `originalError`.
 */
export function withFieldNodes(
  result: ExecutionResult,
  document: DocumentNode,
  operationName: string | null | undefined,
): ExecutionResult {
  if (!result.errors?.length) return result;
  const operation = getOperationAST(document, operationName ?? undefined);
  const errors = result.errors.map((error) => {
    if (error.nodes || !error.path || !operation) return error;
    const node = fieldAt(document, operation.selectionSet, error.path);
    return new GraphQLError(error.message, {
      ...(node ? { nodes: [node] } : {}),
      path: error.path,
      originalError: error.originalError ?? undefined,
      extensions: error.extensions,
    });
  });
  // Errors first, as the executor (and the spec's advice) serializes them.
  const { data, extensions } = result;
  return { errors, data, ...(extensions ? { extensions } : {}) };
}

/** The field node a response path ends at (list indexes skipped), through fragments. */
function fieldAt(
  document: DocumentNode,
  root: SelectionSetNode,
  path: readonly (string | number)[],
): FieldNode | undefined {
  let selections: SelectionSetNode | undefined = root;
  let field: FieldNode | undefined;
  for (const key of path) {
    if (typeof key === 'number') continue;
    field = selections ? findField(document, selections, key) : undefined;
    if (!field) return undefined;
    selections = field.selectionSet;
  }
  return field;
}

function findField(
  document: DocumentNode,
  set: SelectionSetNode,
  responseKey: string,
): FieldNode | undefined {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias ?? selection.name).value === responseKey) return selection;
      continue;
    }
    const inner =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.selectionSet
        : fragmentNamed(document, selection.name.value)?.selectionSet;
    const found = inner && findField(document, inner, responseKey);
    if (found) return found;
  }
  return undefined;
}

function fragmentNamed(document: DocumentNode, name: string): FragmentDefinitionNode | undefined {
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name)
      return definition;
  }
  return undefined;
}
