/**
 * What a persisted operation saves: yoga with the persisted-operations plugin and a plugin that
 * counts calls of the parse and validate functions (the gateway's own pipeline adds its limits
 * on top; the per-document cost cache relies on the document identity checked here).
 */
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { afterAll, describe, expect, it } from 'vitest';
import type { DocumentNode } from '../../../src/server/graphql.ts';
import { sha256Hex } from '../../../src/server/plugins/persisted-manifest.ts';
import {
  loadPersistedOperations,
  usePersistedOperations,
} from '../../../src/server/plugins/use-persisted-operations.ts';
import { createManifestDir, manifestOf } from './manifest-file.ts';

const BODY = 'query Greeting { hello }';
const dir = createManifestDir();
afterAll(() => dir.remove());

describe('a persisted operation', () => {
  const persisted = loadPersistedOperations({
    file: dir.write(manifestOf([{ name: 'Greeting', body: BODY }])),
    only: false,
  });
  const seen = { parses: 0, validations: 0, documents: [] as DocumentNode[] };
  const counting: Plugin = {
    onParse({ parseFn, setParseFn }) {
      setParseFn((...args) => {
        seen.parses += 1;
        return parseFn(...args);
      });
    },
    onValidate({ validateFn, setValidationFn }) {
      setValidationFn((...args) => {
        seen.validations += 1;
        return validateFn(...args);
      });
    },
    onExecute({ args }) {
      seen.documents.push(args.document);
    },
  };
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { hello: String }', resolvers: {} }),
    // Without yoga's cache, so every text request parses and validates.
    parserAndValidationCache: false,
    plugins: [usePersistedOperations(persisted), counting],
  });
  const post = async (body: unknown) => {
    const response = await yoga.fetch('http://yoga.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.json();
  };

  it('runs the document parsed at load: no parse, no validation per request', async () => {
    const id = sha256Hex(BODY);
    for (let i = 0; i < 3; i++) {
      expect(
        await post({ extensions: { persistedQuery: { version: 1, sha256Hash: id } } }),
      ).toEqual({ data: { hello: null } });
    }
    expect(seen).toMatchObject({ parses: 0, validations: 0 });
    expect(seen.documents).toHaveLength(3);
    for (const document of seen.documents) expect(document).toBe(persisted.documents.get(id));

    // The same text sent as a document is parsed and validated each time.
    await post({ query: BODY });
    expect(seen).toMatchObject({ parses: 1, validations: 1 });
  });
});
