/** Nested Wickson error body (the collection pages') with a fresh `req_<hex>` request id. */
import { randomBytes } from 'node:crypto';
import type { FakeResponse } from '../types.ts';

export function wicksonError(
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): FakeResponse {
  return {
    status,
    body: {
      success: false,
      message,
      error: { code, details: { ...details, request_id: `req_${randomBytes(6).toString('hex')}` } },
    },
  };
}
