/** What the figures came from: CPU, OS, Node, package versions, commit, pinning. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { ROOT } from './gateway-process.ts';

function version(pkg: string): string | null {
  try {
    return (
      JSON.parse(readFileSync(`${ROOT}node_modules/${pkg}/package.json`, 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return null;
  }
}

function commit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    os: `${type()} ${release()}`,
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    commit: commit(),
    date: new Date().toISOString(),
    packages: Object.fromEntries(
      ['graphql', 'graphql-yoga', '@pothos/core', 'dataloader', 'undici', 'autocannon'].map((p) => [
        p,
        version(p),
      ]),
    ),
    ...extra,
  };
}
