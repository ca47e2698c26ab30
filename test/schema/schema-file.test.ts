import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../../src/schema/print.ts';

describe('schema.graphql', () => {
  it('matches the schema the code builds', () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    if (committed !== printedSchema()) {
      expect.fail('schema.graphql is stale: run `npm run schema` and commit the result.');
    }
  });

  it('has a description on every type, field and argument', () => {
    const sdl = printedSchema();
    const undocumented = sdl
      .split('\n')
      .map((line, i, lines) => ({ line, prev: lines[i - 1]?.trim() ?? '' }))
      .filter(({ line }) => /^ {2}\w+[(:]/.test(line) || /^(type|enum|input|interface) /.test(line))
      .filter(({ prev }) => !prev.endsWith('"""'))
      .map(({ line }) => line.trim());
    expect(undocumented).toEqual([]);
  });
});
