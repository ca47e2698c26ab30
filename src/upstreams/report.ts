/**
 * How a finished call leaves the upstream layer: one `CallRecord` to `scope.onCall`, one debug
 * line on success (and for a call abandoned because the client went away), a warn/error line on
 * failure with upstream, method, path, status, code and the upstream request id. Never bodies,
 * header values or keys: error messages are built from those fields only, and `cause` is reduced
 * to its error code.
 */
import type { Logger } from 'pino';
import { errorCode } from './classify.ts';
import { CallAbandonedError, RateLimitedError, type UpstreamError } from './errors.ts';
import type { CallRecord, UpstreamScope } from './types.ts';

export function reportCall(
  logger: Logger,
  record: CallRecord,
  error: UpstreamError | undefined,
  path: string,
  scope: UpstreamScope,
): void {
  try {
    scope.onCall?.(record);
  } catch (observerError) {
    logger.warn(
      { upstream: record.upstream, err: errorCode(observerError) },
      'onCall observer threw',
    );
  }
  if (!error || error instanceof CallAbandonedError) {
    if (logger.isLevelEnabled('debug')) {
      const fields = { ...record, path, requestId: scope.requestId };
      logger.debug(
        fields,
        error
          ? error.message
          : `${record.upstream} ${record.method} ${path} ${record.status ?? '-'}`,
      );
    }
    return;
  }
  const fields = { ...record, path, requestId: scope.requestId };
  const level =
    error.code === 'UPSTREAM_AUTH_FAILED' || error.code === 'UPSTREAM_BAD_RESPONSE'
      ? 'error'
      : 'warn';
  logger[level](
    {
      ...fields,
      code: error.code,
      upstreamRequestId: error.upstreamRequestId,
      cause: errorCode(error.cause),
      issues: 'issues' in error ? error.issues : undefined,
      retryAfterSeconds: error instanceof RateLimitedError ? error.retryAfterSeconds : undefined,
    },
    error.message,
  );
}
