/**
 * Persisted operations (`@graphql-yoga/plugin-persisted-operations`) over an Apollo manifest.
 * Every body is parsed at start-up and validated once with the gateway's own rules; a request
 * naming `extensions.persistedQuery.sha256Hash` then runs that DocumentNode with no parse and no
 * validation (and the cost checks' per-document cache in use-limits.ts holds for it). With
 * `only`, a request carrying a document is refused before the document is parsed.
 *
 * After the CSRF check in the plugin list (a refused cross-site request never reaches the
 * manifest), before the plugins that read the document (incremental delivery, the limits).
 */
import { usePersistedOperations as useYogaPersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import { type DocumentNode, getOperationAST, Kind, parse } from '../graphql.ts';
import {
  label,
  manifestError,
  type PersistedOperationDto,
  readManifest,
} from './persisted-manifest.ts';

export interface PersistedOperationsOptions {
  /** PERSISTED_OPERATIONS_FILE: the Apollo manifest. */
  file: string;
  /** PERSISTED_OPERATIONS_ONLY: a request must name a manifest id, never send a document. */
  only: boolean;
}

export interface PersistedOperations {
  /** Manifest id → its document, parsed once. */
  documents: ReadonlyMap<string, DocumentNode>;
  only: boolean;
}

const http = { spec: true, status: 400 };
const ID_REQUIRED = {
  message: 'Only persisted operations are accepted: send extensions.persistedQuery.sha256Hash.',
  extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http },
};

/** Reads the manifest and parses each body (a ConfigError names the first that fails). */
export function loadPersistedOperations(options: PersistedOperationsOptions): PersistedOperations {
  const documents = new Map<string, DocumentNode>();
  for (const operation of readManifest(options.file)) {
    documents.set(operation.id, parseOperation(operation));
  }
  return { documents, only: options.only };
}

/** The yoga plugin over the loaded manifest (checkPersistedOperations validated its documents). */
export function usePersistedOperations(persisted: PersistedOperations): Plugin {
  const { documents, only } = persisted;
  return useYogaPersistedOperations({
    getPersistedOperation: (id) => documents.get(id) ?? null,
    allowArbitraryOperations: !only,
    skipDocumentValidation: true,
    customErrors: {
      notFound: {
        message: 'Unknown persisted operation.',
        extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http },
      },
      persistedQueryOnly: ID_REQUIRED,
      // Neither a document nor an id: what yoga answers without the plugin, unless ids are required.
      keyNotFound: only
        ? ID_REQUIRED
        : { message: 'Must provide query string.', extensions: { code: 'BAD_REQUEST', http } },
    },
  }) as Plugin;
}

function parseOperation(operation: PersistedOperationDto): DocumentNode {
  let document: DocumentNode;
  try {
    document = parse(operation.body);
  } catch (error) {
    throw manifestError(
      `operation ${label(operation)} does not parse: ${(error as Error).message.slice(0, 200)}`,
    );
  }
  const definitions = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const [definition] = definitions;
  if (definitions.length !== 1 || !definition) {
    throw manifestError(`operation ${label(operation)} must hold exactly one operation`);
  }
  if (
    definition.operation !== operation.type ||
    (definition.name?.value ?? '') !== operation.name
  ) {
    throw manifestError(
      `operation ${label(operation)} is not the ${operation.type} its name and type say`,
    );
  }
  return document;
}

/**
 * Validates every persisted document once with the gateway's own rules (graphql-js, armor's
 * limits, the introspection switch), so requests can skip validation. Throws a ConfigError naming
 * the variable and the first operation that fails.
 */
export function checkPersistedOperations(
  persisted: PersistedOperations,
  validate: (document: DocumentNode) => readonly { message: string }[],
): void {
  for (const [id, document] of persisted.documents) {
    let error: { message: string } | undefined;
    try {
      [error] = validate(document);
    } catch (thrown) {
      // graphql-armor throws its rejections (propagateOnRejection) instead of listing them.
      error = thrown instanceof Error ? thrown : { message: 'rejected' };
    }
    if (error) {
      const name = getOperationAST(document)?.name?.value ?? '(anonymous)';
      throw manifestError(`operation "${name}" (id ${id}) is not valid: ${error.message}`);
    }
  }
}
