/**
 * One upstream HTTP request as the client layer describes it (./http.ts sends it, through the
 * steps of ./http-attempt.ts).
 */
import type { z } from 'zod';
import type { CredentialSource, UpstreamScope } from './types.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest<T> {
  method: HttpMethod;
  /** Path on the origin with its segments already encoded, e.g. `/api/v2/jobs/7/`. */
  path: string;
  /** Route template for metrics, e.g. `/api/v2/jobs/{id}/`. */
  route: string;
  query?: Record<string, string | number | undefined>;
  /** Credentials and other upstream-specific headers. */
  headers?: Record<string, string>;
  /** Sent as JSON when present. */
  body?: unknown;
  /** Repeating it is harmless: only then is it retried or does it wait out a 429. */
  idempotent: boolean;
  /** Whose credential `headers` carry; defaults to `scope.credentialSource`. */
  credential?: CredentialSource;
  /** Parses the 2xx body; a 204 is parsed as `null`. */
  schema: z.ZodType<T>;
  scope: UpstreamScope;
}
