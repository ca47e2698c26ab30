/**
 * yoga's logger interface over pino. yoga logs every error it masks with `logger.error(error)`
 * (sometimes twice): each error is logged once. Upstream failures were already logged at
 * warn/error by the upstream layer when the call failed, so here they go out at debug only (the
 * error's log message: upstream, method, path, status, never a body); request errors (syntax,
 * validation, CSRF) at debug; anything else at error with stack.
 */
import type { YogaLogger } from '@graphql-yoga/logger';
import type { Logger } from 'pino';
import { findUpstreamError } from './errors.ts';
import { isGraphQLError } from './graphql.ts';

function unwrap(error: unknown): unknown {
  return isGraphQLError(error) && error.originalError ? unwrap(error.originalError) : error;
}

export function yogaLogger(logger: Logger): YogaLogger {
  const seen = new WeakSet<object>();
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (!(first instanceof Error)) {
        logger[level](
          { detail: rest.length ? rest : undefined },
          typeof first === 'string' ? first : 'yoga',
        );
        return;
      }
      if (seen.has(first)) return;
      seen.add(first);
      const upstream = findUpstreamError(first);
      if (upstream) {
        // The upstream layer already logged this failure at warn/error (report.ts): once is enough.
        if (!logger.isLevelEnabled('debug')) return;
        const { upstream: name, method, path, status, code, upstreamRequestId } = upstream;
        logger.debug(
          { upstream: name, method, path, status, code, upstreamRequestId },
          upstream.message,
        );
        return;
      }
      const err = unwrap(first);
      if (isGraphQLError(err) && !err.path) {
        logger.debug({ code: err.extensions?.code }, `request rejected: ${err.message}`);
        return;
      }
      logger.error({ err }, err instanceof Error ? err.message : 'unexpected error');
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
