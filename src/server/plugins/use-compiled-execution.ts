/**
 * Compiled execution (graphql-jit) for queries that repeat. The executor walks a document field
 * by field on every request, building a dictionary, a path and a promise per field; graphql-jit
 * turns a document into one function once, whose run allocates little more than the result. A
 * document is compiled on its `compileAfter`-th query execution (a one-off document never costs a
 * compilation: a stranger cannot make the gateway compile on every request), kept as long as
 * yoga's parse cache keeps the document (a WeakMap), and runs compiled from then on.
 *
 * Everything else runs on the executor it would have run on: mutations (their outcome handling is
 * the executor's), documents that use @defer/@stream (graphql-jit does not deliver incrementally),
 * subscriptions (never through `execute`), and a document graphql-jit cannot compile (it answers
 * with errors instead of a function: the executor then gives the client its own answer).
 *
 * Listed first among the gateway's plugins: its `execute` replaces the engine's, and every plugin
 * after it that wraps `execute` (admission, idempotency) wraps the compiled one.
 */
import type { CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  Kind,
  type SelectionSetNode,
} from '../graphql.ts';

/**
 * What became of an operation at its `compileAfter`-th execution: compiled; left to the executor
 * (a mutation, or a document naming @defer/@stream); or refused by graphql-jit.
 */
export const COMPILE_OUTCOMES = ['compiled', 'executor', 'refused'] as const;
export type CompileOutcome = (typeof COMPILE_OUTCOMES)[number];

export interface CompiledExecutionOptions {
  /** The query execution of a document that compiles it (1: the first). */
  compileAfter: number;
  /** Documents left to the executor whatever their operation (e.g. those naming @defer/@stream). */
  leaveToExecutor?: (document: DocumentNode) => boolean;
  /** Told once per document and operation when it is decided (metrics). */
  onCompiled?: (outcome: CompileOutcome) => void;
}

/** A document's executions so far and its compiled operations, by operation name. */
interface DocumentState {
  schema: GraphQLSchema;
  executions: number;
  /** `false`: this operation stays on the executor (not a query, or graphql-jit refused it). */
  operations: Map<string, CompiledQuery | false>;
}

type Variables = Record<string, unknown> | null | undefined;
type ExecuteArgs = {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  rootValue?: unknown;
  contextValue?: unknown;
  variableValues?: Record<string, unknown> | null;
};

export function useCompiledExecution(options: CompiledExecutionOptions): Plugin {
  const documents = new WeakMap<DocumentNode, DocumentState>();
  return {
    onExecute({ args, setExecuteFn }) {
      const use = (compiled: CompiledQuery | undefined) => {
        if (compiled) setExecuteFn((run) => runCompiled(compiled, run));
      };
      const compiled = compiledFor(documents, args, options);
      if (isPromise(compiled)) return compiled.then(use);
      use(compiled);
    },
  };
}

function runCompiled(compiled: CompiledQuery, run: ExecuteArgs) {
  const result = compiled.query(run.rootValue, run.contextValue, run.variableValues as Variables);
  return isPromise(result)
    ? result.then((r) => withFieldNodes(r, run.document, run.operationName))
    : withFieldNodes(result, run.document, run.operationName);
}

/**
 * graphql-jit is loaded when the first document is compiled, not at start-up: a gateway whose
 * documents never repeat (or with COMPILE_QUERIES_AFTER=0) never holds it.
 */
let compiler: typeof import('graphql-jit') | undefined;
let loadingCompiler: Promise<typeof import('graphql-jit')> | undefined;
function loadCompiler(): Promise<typeof import('graphql-jit')> {
  loadingCompiler ??= import('graphql-jit').then((jit) => {
    compiler = jit;
    return jit;
  });
  return loadingCompiler;
}

/** The compiled operation to run, or undefined to leave this execution to the executor. */
function compiledFor(
  documents: WeakMap<DocumentNode, DocumentState>,
  args: ExecuteArgs,
  options: CompiledExecutionOptions,
): CompiledQuery | undefined | Promise<CompiledQuery | undefined> {
  let state = documents.get(args.document);
  if (!state || state.schema !== args.schema) {
    state = { schema: args.schema, executions: 0, operations: new Map() };
    documents.set(args.document, state);
  }
  const name = args.operationName ?? '';
  const known = state.operations.get(name);
  if (known !== undefined) return known || undefined;
  state.executions += 1;
  if (state.executions < options.compileAfter) return undefined;
  const decide = (jit: typeof import('graphql-jit')) => {
    const settled = state.operations.get(name);
    if (settled !== undefined) return settled || undefined;
    const { compiled, outcome } = compileOperation(jit, args, options);
    state.operations.set(name, compiled ?? false);
    options.onCompiled?.(outcome);
    return compiled;
  };
  return compiler ? decide(compiler) : loadCompiler().then(decide);
}

function compileOperation(
  jit: typeof import('graphql-jit'),
  args: ExecuteArgs,
  options: CompiledExecutionOptions,
): { compiled?: CompiledQuery; outcome: CompileOutcome } {
  const name = args.operationName ?? undefined;
  if (options.leaveToExecutor?.(args.document)) return { outcome: 'executor' };
  if (getOperationAST(args.document, name)?.operation !== 'query') return { outcome: 'executor' };
  try {
    const compiled = jit.compileQuery(args.schema, args.document, name, {
      // Stack traces are never shown to clients (errors are masked): do not capture them.
      disablingCapturingStackErrors: true,
    });
    return jit.isCompiledQuery(compiled)
      ? { compiled, outcome: 'compiled' }
      : { outcome: 'refused' };
  } catch {
    return { outcome: 'refused' };
  }
}

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as Promise<T> | undefined)?.then === 'function';

/**
 * graphql-jit's field errors carry their locations but not their AST nodes, from which yoga and
 * the masking (errors.ts) rebuild every error; each becomes the executor's own error: the field
 * node at its path, the error the resolver raised as `originalError`.
 */
function withFieldNodes(
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
