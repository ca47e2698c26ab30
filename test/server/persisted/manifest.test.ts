import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, configFrom } from '../../../src/config.ts';
import { startServer } from '../../../src/server/main.ts';
import { sha256Hex } from '../../../src/server/plugins/persisted-manifest.ts';
import { useFakes } from '../../helpers/fakes.ts';
import { startStack } from '../../helpers/stack.ts';
import { createManifestDir, manifestOf } from './manifest-file.ts';

const dir = createManifestDir();
afterAll(() => dir.remove());

const fakes = useFakes();
const logger = pino({ level: 'silent' });

/** Starts a gateway (and stops it) with these settings; building one calls no upstream. */
async function start(config: Record<string, string>): Promise<void> {
  const stack = await startStack({ sharedFakes: fakes(), config });
  await stack.close();
}

async function startUpError(content: unknown, env: Record<string, string> = {}): Promise<string[]> {
  try {
    await start({ PERSISTED_OPERATIONS_FILE: dir.write(content), ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const good = { name: 'Hello', body: 'query Hello { __typename }' };

describe('a bad manifest stops start-up with a message naming PERSISTED_OPERATIONS_FILE', () => {
  it.each([
    ['not JSON', '{ "format": ', /is not valid JSON/],
    ['another format', { ...manifestOf([good]), format: 'relay' }, /at format/],
    ['version 2', { ...manifestOf([good]), version: 2 }, /at version/],
    [
      'an unknown operation type',
      manifestOf([{ ...good, type: 'fetch' as never }]),
      /at operations\.0\.type/,
    ],
    ['a repeated id', manifestOf([good, good]), /lists the id [0-9a-f]{64} twice/],
    [
      'a sha256-shaped id that is not the hash of the body',
      manifestOf([{ ...good, id: sha256Hex('query Other { __typename }') }]),
      /"Hello" \(id [0-9a-f]{64}\): the id is not the sha256/,
    ],
    ['a body that does not parse', manifestOf([{ ...good, body: 'query Hello {' }]), /not parse/],
    [
      'two operations in one body',
      manifestOf([{ ...good, body: 'query Hello { __typename } query B { __typename }' }]),
      /exactly one operation/,
    ],
    [
      'a name that is not the operation’s',
      manifestOf([{ ...good, name: 'Bye', body: 'query Hello { __typename }' }]),
      /"Bye" .* is not the query its name and type say/,
    ],
    [
      'a field the graph does not have',
      manifestOf([{ name: 'Bad', body: 'query Bad { nope }' }]),
      /"Bad" \(id [0-9a-f]{64}\) is not valid: Cannot query field "nope"/,
    ],
  ])('%s', async (_, content, pattern) => {
    const problems = await startUpError(content);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PERSISTED_OPERATIONS_FILE /);
    expect(problems[0]).toMatch(pattern);
  });

  it('applies the gateway’s own limits at load (depth, introspection switch)', async () => {
    const deep = 'query Deep { project(sourceId: 1) { collections { edges { node { name } } } } }';
    expect(
      (await startUpError(manifestOf([{ name: 'Deep', body: deep }]), { MAX_DEPTH: '3' }))[0],
    ).toMatch(/"Deep" .* is not valid/);
    const schema = 'query Types { __schema { types { name } } }';
    const manifest = manifestOf([{ name: 'Types', body: schema }]);
    expect((await startUpError(manifest, { INTROSPECTION: 'false' }))[0]).toMatch(
      /"Types" .* not valid/,
    );
    await expect(
      start({ PERSISTED_OPERATIONS_FILE: dir.write(manifest) }),
    ).resolves.toBeUndefined();
  });

  it('a missing file, and ONLY without a file', async () => {
    await expect(start({ PERSISTED_OPERATIONS_FILE: dir.missing() })).rejects.toThrow(
      /PERSISTED_OPERATIONS_FILE cannot be read \(ENOENT\)/,
    );
    expect(() => configFrom({ PERSISTED_OPERATIONS_ONLY: 'true' })).toThrow(
      /PERSISTED_OPERATIONS_ONLY requires PERSISTED_OPERATIONS_FILE/,
    );
  });

  it('startServer rejects before listening', async () => {
    const config = configFrom({
      PORT: '0',
      HOST: '127.0.0.1',
      PERSISTED_OPERATIONS_FILE: dir.write('[]'),
    });
    await expect(startServer(config, { logger })).rejects.toThrow(
      /PERSISTED_OPERATIONS_FILE is not an Apollo persisted query manifest/,
    );
  });
});
