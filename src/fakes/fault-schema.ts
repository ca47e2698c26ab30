/** zod schema for FaultSpec sent over HTTP (POST /__fake/faults); `drift` and `hold` are in-process only. */
import { z } from 'zod';
import type { FaultSpec } from './types.ts';

const base = {
  route: z.string().min(1).optional(),
  method: z.string().min(1).optional(),
  afterHandler: z.boolean().optional(),
  times: z.number().int().positive().optional(),
  probability: z.number().min(0).max(1).optional(),
};

export const FaultSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...base,
    kind: z.literal('status'),
    status: z.number().int().min(100).max(599),
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('rate-limit'),
    retryAfter: z.string().optional(),
    resetInSeconds: z.number().int().nonnegative().optional(),
    shape: z.enum(['nested', 'flat']).optional(),
  }),
  z.strictObject({ ...base, kind: z.literal('hang') }),
  z.strictObject({ ...base, kind: z.literal('reset') }),
  z.strictObject({
    ...base,
    kind: z.literal('malformed'),
    body: z.string().optional(),
    contentType: z.string().optional(),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('html'),
    status: z.number().int().min(100).max(599).optional(),
  }),
  z.strictObject({ ...base, kind: z.literal('truncate') }),
  z.strictObject({ ...base, kind: z.literal('slow'), chunkDelayMs: z.number().nonnegative() }),
  z.strictObject({
    ...base,
    kind: z.literal('huge'),
    megabytes: z.number().positive().max(1024),
    contentLengthLie: z.number().int().nonnegative().optional(),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('redirect'),
    location: z.string().min(1),
    status: z.number().int().min(300).max(399).optional(),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('django'),
    page: z.enum(['server-error', 'technical-500', 'not-found', 'append-slash']),
  }),
]);

export function parseFaultSpec(input: unknown): FaultSpec {
  return FaultSpecSchema.parse(input) as FaultSpec;
}

export const LatencySchema = z.strictObject({
  fixedMs: z.number().nonnegative(),
  jitterMs: z.number().nonnegative().optional(),
});
