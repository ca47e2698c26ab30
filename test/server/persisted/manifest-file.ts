/** Writes Apollo persisted query manifests into a per-file temp directory for the tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../../../src/server/plugins/persisted-manifest.ts';

export interface ManifestOperation {
  id?: string;
  name: string;
  type?: 'query' | 'mutation' | 'subscription';
  body: string;
}

export function manifestOf(operations: ManifestOperation[]) {
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map((op) => ({
      id: op.id ?? sha256Hex(op.body),
      name: op.name,
      type: op.type ?? 'query',
      body: op.body,
    })),
  };
}

export function createManifestDir() {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-manifest-'));
  let n = 0;
  return {
    /** Writes JSON (or raw text) to a new file and returns its path. */
    write(content: unknown): string {
      const file = join(dir, `manifest-${++n}.json`);
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      return file;
    },
    missing: () => join(dir, 'missing.json'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
