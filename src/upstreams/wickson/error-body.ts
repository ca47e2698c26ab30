/**
 * Wickson's error bodies: a nested shape on the
 * collection pages and a flat one on the rate-limit and batch pages, read tolerantly. A 500
 * `PROCESSING_ERROR` is transient, so it gets the one retry; a 404 is an absence only when its
 * code names the resource.
 */
import type { ErrorBody, ErrorBodyReader } from '../classify.ts';
import { isRequestId } from '../request-id.ts';
import { ErrorBodyDto } from './schemas.ts';

const ERROR_CODE = /^[A-Za-z_]{1,64}$/;

/**
 * Both values end up in logs and error extensions, so a value of any other shape is dropped
 * (absent), never echoed.
 */
export const readWicksonErrorBody: ErrorBodyReader = (text) => {
  const parsed = ErrorBodyDto.safeParse(parseJson(text));
  if (!parsed.success) return {};
  const body = parsed.data;
  const [code, requestId, details] =
    'error' in body
      ? [body.error.code, body.error.details?.request_id, body.error.details]
      : [body.code, body.request_id, body.details];
  const read: ErrorBody = {};
  if (ERROR_CODE.test(code)) read.code = code.toUpperCase();
  if (isRequestId(requestId)) read.requestId = requestId;
  if (details?.reset_time !== undefined) read.resetTime = details.reset_time;
  if (read.code === 'PROCESSING_ERROR') read.transient = true;
  // COLLECTION_NOT_FOUND, MEDIA_NOT_FOUND: the id is absent. A bare NOT_FOUND (an unknown route,
  // as on a wrong origin or path) would otherwise turn a misconfiguration into silent nulls.
  read.absence = read.code !== undefined && /^[A-Z]+_NOT_FOUND$/.test(read.code);
  return read;
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
