/**
 * Cache keys: `{upstream}:{path}?{sorted query}#{scope}`. Path first, so evicting a path or a
 * path prefix for every scope is a prefix match; the scope last, so one caller's entries are a
 * suffix match. The scope never holds a credential: Beluga tokens enter only as an HMAC.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { UpstreamName } from '../errors.ts';
import type { GetRequest } from '../http.ts';

/** Scope of every Wickson answer (the server's key) and of anonymous Beluga reads. */
export const SHARED_SCOPE = 'shared';
export const ANONYMOUS_SCOPE = 'anon';

export interface CacheKeyer {
  key(upstream: UpstreamName, req: GetRequest<unknown>): string;
  /** The scope the given `Authorization` value reads in (Beluga). */
  scopeOf(authorization: string | undefined): string;
}

const MAX_MEMO = 1024;

/**
 * `secret` keys the HMAC. Replicas sharing Redis need the same one (CACHE_KEY_SECRET); without it
 * each process draws a random key, so Beluga entries are private to that process.
 */
export function createCacheKeyer(secret: string | undefined): CacheKeyer {
  const hmacKey = secret ?? randomBytes(32).toString('hex');
  const memo = new Map<string, string>();
  const scopeOf = (authorization: string | undefined): string => {
    if (!authorization) return ANONYMOUS_SCOPE;
    let scope = memo.get(authorization);
    if (!scope) {
      scope = `t.${createHmac('sha256', hmacKey).update(authorization).digest('base64url').slice(0, 32)}`;
      if (memo.size >= MAX_MEMO) memo.clear();
      memo.set(authorization, scope);
    }
    return scope;
  };
  return {
    scopeOf,
    key(upstream, req) {
      const scope = upstream === 'wickson' ? SHARED_SCOPE : scopeOf(req.scope.authorization);
      return `${pathKey(upstream, req.path)}?${sortedQuery(req.query)}#${scope}`;
    },
  };
}

/** The key's leading part for a path: `{upstream}:{path}`. */
export function pathKey(upstream: UpstreamName, path: string): string {
  return `${upstream}:${path}`;
}

export function sortedQuery(query: GetRequest<unknown>['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    if (value !== undefined) params.append(name, String(value));
  }
  return params.toString();
}
