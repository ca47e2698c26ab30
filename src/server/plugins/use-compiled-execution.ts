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
 * A compilation costs more CPU than validating the same document (a 2,000-token document: tens of
 * milliseconds), so it happens inside `execute`, only for an operation the cost check, the
 * client limits and admission let through, and at most `compilesPerMinute` times a minute: past
 * that, documents keep running on the executor until the next minute (nothing is refused).
 *
 * Listed first among the gateway's plugins: its `execute` replaces the engine's, and every plugin
 * after it that wraps `execute` (admission, idempotency) wraps this one.
 */
import type { CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { type DocumentNode, type GraphQLSchema, getOperationAST } from '../graphql.ts';
import { withFieldNodes } from './compiled-errors.ts';

/**
 * What became of an operation at its `compileAfter`-th execution: compiled; left to the executor
 * (a mutation, or a document naming @defer/@stream); refused by graphql-jit; or postponed (this
 * minute's compilations are spent: it runs on the executor and is tried again later).
 */
export const COMPILE_OUTCOMES = ['compiled', 'executor', 'refused', 'postponed'] as const;
export type CompileOutcome = (typeof COMPILE_OUTCOMES)[number];

export interface CompiledExecutionOptions {
  /** The query execution of a document that compiles it (1: the first). */
  compileAfter: number;
  /** Documents left to the executor whatever their operation (e.g. those naming @defer/@stream). */
  leaveToExecutor?: (document: DocumentNode) => boolean;
  /** Compilations a minute, at most (a process-wide budget). */
  compilesPerMinute: number;
  /** Monotonic milliseconds, for the budget's minute; defaults to performance.now. */
  now?: () => number;
  /** Told once per document and operation when it is decided, and on each postponement. */
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
  const budget = compileBudget(options.compilesPerMinute, options.now ?? (() => performance.now()));
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const state = documents.get(args.document);
      const known =
        state && state.schema === args.schema
          ? state.operations.get(args.operationName ?? '')
          : undefined;
      if (known === false) return;
      if (known) {
        setExecuteFn((run) => runCompiled(known, run));
        return;
      }
      // Decided when execution really starts: a refused operation never counts or compiles.
      setExecuteFn((run) => {
        const compiled = compiledFor(documents, run, options, budget);
        if (isPromise(compiled)) {
          return compiled.then((c) => (c ? runCompiled(c, run) : executeFn(run)));
        }
        return compiled ? runCompiled(compiled, run) : executeFn(run);
      });
    },
  };
}

/** A fixed one-minute window of `perMinute` compilations. */
function compileBudget(perMinute: number, now: () => number) {
  let windowStart = now();
  let spent = 0;
  return {
    take(): boolean {
      const at = now();
      if (at - windowStart >= 60_000) {
        windowStart = at;
        spent = 0;
      }
      if (spent >= perMinute) return false;
      spent += 1;
      return true;
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
  budget: { take(): boolean },
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
    if (!budget.take()) {
      options.onCompiled?.('postponed');
      return undefined;
    }
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
