/**
 * The fakes stand alone: nothing under src/fakes imports the gateway (server, schema, loaders,
 * upstreams), so they can be run, read and changed as their own program. Only neutral modules
 * both share are allowed: the environment schema's host rule and the listen-error message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const FAKES = join(SRC, 'fakes');
const SHARED = new Set(['config.ts', 'listen-errors.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative specifiers of `import … from` / `export … from` / `import(…)` in a file. */
function relativeImports(text: string): string[] {
  const found = text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g);
  return [...found].map((m) => m[1]!);
}

describe('the fakes stand alone', () => {
  it('import only from src/fakes, plus the neutral modules they share', () => {
    const outside: string[] = [];
    for (const file of sources(FAKES)) {
      for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
        const target = relative(SRC, resolve(dirname(file), specifier));
        if (!target.startsWith('fakes/') && !SHARED.has(target)) {
          outside.push(`${relative(SRC, file)} → ${target}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
