/**
 * Apollo's persisted query manifest, as `@apollo/generate-persisted-query-manifest` and Rover write
 * it: `{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id, name, type,
 * body }] }`. An id of 64 hex digits claims to be the sha256 of its body (Apollo's default id) and
 * must be; other ids (a custom `createOperationId`) are taken as given.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../config.ts';

export const MANIFEST_VARIABLE = 'PERSISTED_OPERATIONS_FILE';

const PersistedOperationDto = z.object({
  id: z.string().min(1).max(256),
  name: z.string(),
  type: z.enum(['query', 'mutation', 'subscription']),
  body: z.string().min(1),
});

const ManifestDto = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(PersistedOperationDto),
});

export type PersistedOperationDto = z.infer<typeof PersistedOperationDto>;

const SHA256_HEX = /^[0-9a-f]{64}$/i;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A start-up error that names the variable, like every other configuration problem. */
export function manifestError(problem: string): ConfigError {
  return new ConfigError([`${MANIFEST_VARIABLE} ${problem}`]);
}

/** Reads and checks the manifest file; throws a ConfigError naming the variable. */
export function readManifest(file: string): PersistedOperationDto[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw manifestError(`cannot be read (${typeof code === 'string' ? code : 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw manifestError('is not valid JSON');
  }
  const parsed = ManifestDto.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw manifestError(
      `is not an Apollo persisted query manifest (version 1)${at}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const seen = new Set<string>();
  for (const operation of parsed.data.operations) {
    if (seen.has(operation.id)) throw manifestError(`lists the id ${operation.id} twice`);
    seen.add(operation.id);
    if (SHA256_HEX.test(operation.id) && sha256Hex(operation.body) !== operation.id.toLowerCase()) {
      throw manifestError(
        `operation ${label(operation)}: the id is not the sha256 of the operation's body`,
      );
    }
  }
  return parsed.data.operations;
}

export function label(operation: PersistedOperationDto): string {
  return `"${operation.name || '(anonymous)'}" (id ${operation.id})`;
}
