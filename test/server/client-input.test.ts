/**
 * Client JSON never reaches a stack overflow: variables and extensions nested deeper than
 * MAX_INPUT_DEPTH answer HTTP 400 BAD_USER_INPUT before anything runs (also when only persisted
 * operations are accepted), and no walk of client JSON recurses. Bodies and parameters that are
 * not JSON are 400 BAD_REQUEST, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputProblem, jsonTextDepth, walkJson } from '../../src/server/client-json.ts';
import { longestVariableList } from '../../src/server/list-length.ts';
import { sha256Hex } from '../../src/server/plugins/persisted-manifest.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { createManifestDir, manifestOf } from './persisted/manifest-file.ts';

const READ = 'query Read { collection(source: WICKSON, sourceId: "research_papers") { name } }';
/** `{"a": [[[…]]]}` as text, `depth` arrays deep (the attack was 200,000). */
const nestedText = (depth: number) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
/** The same nesting built as a value, without recursion. */
function nestedValue(depth: number): unknown[] {
  const root: unknown[] = [];
  let at = root;
  for (let i = 1; i < depth; i++) {
    const next: unknown[] = [];
    at.push(next);
    at = next;
  }
  return root;
}

const dir = createManifestDir();
const manifest = dir.write(manifestOf([{ name: 'Read', body: READ }]));
let stack: Stack;
let persistedOnly: Stack;
beforeAll(async () => {
  stack = await startStack({ config: { MAX_INPUT_DEPTH: '4' } });
  persistedOnly = await startStack({
    sharedFakes: stack.fakes,
    config: { PERSISTED_OPERATIONS_FILE: manifest, PERSISTED_OPERATIONS_ONLY: 'true' },
  });
});
afterAll(async () => {
  await persistedOnly?.close();
  await stack?.close();
  dir.remove();
});

async function send(target: Stack, init: { url?: string; body?: string; type?: string }) {
  target.resetLedgers();
  const response = await target.gateway.fetch(init.url ?? 'http://gateway.test/graphql', {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      accept: 'application/json',
      'x-graphql-yoga-csrf': '1',
      ...(init.type ? { 'content-type': init.type } : {}),
    },
    body: init.body,
  });
  const text = await response.text();
  const body = JSON.parse(text) as { errors?: { message: string; extensions: { code: string } }[] };
  return { status: response.status, codes: body.errors?.map((e) => e.extensions.code), text };
}

const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';

function expectTooDeep(result: Awaited<ReturnType<typeof send>>, target = stack) {
  expect([result.status, result.codes]).toEqual([400, ['BAD_USER_INPUT']]);
  expect(result.text).toContain('nested too deeply');
  expect(target.calls()).toMatchObject({ beluga: 0, wickson: 0 });
}

describe('nested variables', () => {
  it("the issue's 200,000-deep variables: 400 BAD_USER_INPUT, no upstream call, no error log", async () => {
    const logged = stack.logs.length;
    const body = `{"query":${JSON.stringify(READ)},"variables":${nestedText(200_000)}}`;
    expectTooDeep(await send(stack, { body, type: JSON_TYPE }));
    const lines = stack.logs.slice(logged).map((line) => JSON.parse(line));
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('stack');
  });

  it('also when only persisted operations are accepted', async () => {
    const persisted = `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${sha256Hex(READ)}"}}`;
    const body = `${persisted},"variables":${nestedText(200_000)}}`;
    expectTooDeep(await send(persistedOnly, { body, type: JSON_TYPE }), persistedOnly);
  });

  it('MAX_INPUT_DEPTH counts the variables object: 4 levels run, 5 are refused', async () => {
    const at = (depth: number) =>
      `{"query":${JSON.stringify(READ)},"variables":{"a":${JSON.stringify(nestedValue(depth - 1))}}}`;
    const ok = await send(stack, { body: at(4), type: JSON_TYPE });
    expect([ok.status, ok.codes]).toEqual([200, undefined]);
    expectTooDeep(await send(stack, { body: at(5), type: JSON_TYPE }));
  });

  it('in extensions, in GET parameters and in a form body', async () => {
    const deep = nestedText(50);
    expectTooDeep(
      await send(stack, {
        body: `{"query":${JSON.stringify(READ)},"extensions":${deep}}`,
        type: JSON_TYPE,
      }),
    );
    const params = new URLSearchParams({ query: READ, variables: deep });
    expectTooDeep(await send(stack, { url: `http://gateway.test/graphql?${params}` }));
    expectTooDeep(await send(stack, { body: params.toString(), type: FORM }));
  });

  it('brackets inside strings are not nesting', async () => {
    const text = JSON.stringify({ a: '[[[[[[[[{{{{{{', b: 'x\\"[[[[[[[' });
    const body = `{"query":${JSON.stringify(READ)},"variables":${text}}`;
    const ok = await send(stack, { body, type: JSON_TYPE });
    expect([ok.status, ok.codes]).toEqual([200, undefined]);
  });
});

describe('input that is not JSON', () => {
  it.each([
    ['a JSON body', { body: '{"query": ', type: JSON_TYPE }],
    ['a JSON body that is not an object', { body: '"{ __typename }"', type: JSON_TYPE }],
    ['GET variables', { url: 'http://gateway.test/graphql?query=%7B__typename%7D&variables=%7B' }],
    ['form variables', { body: 'query=%7B__typename%7D&extensions=%5B', type: FORM }],
  ])('%s: 400 BAD_REQUEST', async (_, init) => {
    const result = await send(stack, init);
    expect([result.status, result.codes]).toEqual([400, ['BAD_REQUEST']]);
  });

  it('a multipart body (no uploads here): 415, not parsed', async () => {
    const result = await stack.gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'x-graphql-yoga-csrf': '1' },
      body: `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{__typename}","variables":${nestedText(1000)}}\r\n--x--\r\n`,
    });
    expect(result.status).toBe(415);
  });
});

describe('walks without recursion', () => {
  const deep = nestedValue(1_000_000);

  it('walkJson, inputProblem and longestVariableList handle a million levels', () => {
    let deepest = 0;
    walkJson(deep, (_, depth) => {
      deepest = Math.max(deepest, depth);
      return true;
    });
    expect(deepest).toBe(1_000_000);
    expect(inputProblem(deep, 20)).toBe('too-deep');
    expect(longestVariableList({ a: deep })).toBe(1);
  });

  it('jsonTextDepth stops counting past its limit and skips strings', () => {
    expect(jsonTextDepth(nestedText(1_000_000), 10)).toBe(11);
    expect(jsonTextDepth('{"a":"[[[\\"[[","b":[{}]}', 10)).toBe(3);
  });

  it('jsonTextDepth ends a string at a quote after an even run of backslashes only', () => {
    // "\\\\" is two escaped backslashes: the quote after them closes the string.
    expect(jsonTextDepth('["\\\\",[[1]]]', 10)).toBe(3);
    expect(jsonTextDepth('["\\\\\\"[[",[1]]', 10)).toBe(2);
    expect(jsonTextDepth('{"a":"never closed [[[[', 10)).toBe(1);
    expect(jsonTextDepth('"', 10)).toBe(0);
  });

  it('jsonTextDepth agrees with a char-by-char scan on generated text', () => {
    const charByChar = (text: string) => {
      let depth = 0;
      let deepest = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
        else if (c === ']' || c === '}') depth--;
      }
      return deepest;
    };
    // A fixed Lehmer sequence (MINSTD): the same texts on every run.
    let seed = 42;
    const next = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed;
    };
    const alphabet = '[]{}"\\a,:';
    for (let n = 0; n < 2000; n++) {
      const text = Array.from(
        { length: next() % 40 },
        () => alphabet[next() % alphabet.length],
      ).join('');
      expect(jsonTextDepth(text, 100), text).toBe(charByChar(text));
    }
  });
});
