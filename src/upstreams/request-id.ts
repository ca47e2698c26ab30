/**
 * The one shape a request id may have wherever it crosses a trust boundary: a client's
 * X-Request-Id, the id sent upstream, an id an upstream reports in its error body. Word
 * characters, dots and dashes only, so it is safe in headers, logs and error extensions.
 */
export const REQUEST_ID = /^[\w.-]{1,128}$/;

export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID.test(value);
}
