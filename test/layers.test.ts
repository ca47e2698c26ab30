import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cruise,
  type ICruiseOptions,
  type ICruiseResult,
  type IViolation,
} from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, describe, expect, it } from 'vitest';

// The import rules of src/ live in .dependency-cruiser.cjs (README "Layout").
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function rules(): Promise<ICruiseOptions> {
  return extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.cjs'));
}

async function violations(options: ICruiseOptions, tsConfig?: unknown): Promise<IViolation[]> {
  const { output } = await cruise(['src'], options, {}, tsConfig ? { tsConfig } : {});
  return (output as ICruiseResult).summary.violations;
}

function describeViolation(v: IViolation): string {
  const path = v.cycle?.length ? [v.from, ...v.cycle.map((step) => step.name)] : [v.from, v.to];
  return `${v.rule.name}: ${path.join(' → ')}`;
}

describe('the layers of src/', () => {
  it('keep every import rule of .dependency-cruiser.cjs', async () => {
    const options = { ...(await rules()), baseDir: ROOT };
    const tsConfig = extractTSConfig(join(ROOT, 'tsconfig.json'));
    const found = (await violations(options, tsConfig)).map(describeViolation);
    expect(found).toEqual([]);
  }, 60_000);
});

describe('the import rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `files` (path → the files it imports) as a small tree of modules under `dir`. */
  function tree(files: Record<string, string[]>): void {
    for (const [file, imports] of Object.entries(files)) {
      mkdirSync(join(dir, dirname(file)), { recursive: true });
      const lines = imports.map((target, i) => `import * as m${i} from '${target}';`);
      writeFileSync(join(dir, file), `${lines.join('\n')}\nexport const here = 1;\n`);
    }
  }

  it('catch each kind of forbidden import', async () => {
    tree({
      'src/config.ts': ['./redis.ts'],
      'src/redis.ts': [],
      'src/context.ts': ['./loaders/index.ts', './schema/enums.ts'],
      'src/upstreams/cache.ts': ['../loaders/lists.ts'],
      'src/loaders/lists.ts': [],
      'src/listen-errors.ts': [],
      'src/upstreams/client.ts': ['../schema/enums.ts'],
      'src/loaders/index.ts': [
        '../upstreams/client.ts',
        '../server/app.ts',
        'graphql',
        '@pothos/core',
      ],
      'src/schema/enums.ts': [],
      'src/schema/builder.ts': [
        '../upstreams/client.ts',
        '../server/app.ts',
        '../loaders/index.ts',
      ],
      'src/schema/job.ts': ['./collection.ts', '../context.ts', './builder.ts'],
      'src/schema/collection.ts': ['./job.ts'],
      'src/server/app.ts': [],
      'src/fakes/main.ts': ['../config.ts', '../listen-errors.ts', '../redis.ts', './server.ts'],
      'src/fakes/server.ts': [],
    });
    for (const pkg of ['graphql', '@pothos/core']) {
      mkdirSync(join(dir, 'node_modules', pkg), { recursive: true });
      writeFileSync(join(dir, 'node_modules', pkg, 'package.json'), JSON.stringify({ name: pkg }));
      writeFileSync(join(dir, 'node_modules', pkg, 'index.js'), 'module.exports = {};\n');
    }
    const found = (await violations({ ...(await rules()), baseDir: dir })).map(describeViolation);
    expect(found.sort()).toEqual([
      'config-at-the-bottom: src/config.ts → src/redis.ts',
      'context-below-schema: src/context.ts → src/schema/enums.ts',
      'data-layers-not-graphql: src/loaders/index.ts → node_modules/@pothos/core/index.js',
      'data-layers-not-graphql: src/loaders/index.ts → node_modules/graphql/index.js',
      'data-layers-not-graphql: src/loaders/index.ts → src/server/app.ts',
      'data-layers-not-graphql: src/upstreams/client.ts → src/schema/enums.ts',
      'fakes-stand-alone: src/fakes/main.ts → src/redis.ts',
      'no-circular: src/schema/collection.ts → src/schema/job.ts → src/schema/collection.ts',
      'schema-not-server: src/schema/builder.ts → src/server/app.ts',
      'schema-not-upstreams: src/schema/builder.ts → src/upstreams/client.ts',
      'upstreams-at-the-bottom: src/upstreams/cache.ts → src/loaders/lists.ts',
    ]);
  }, 60_000);
});
