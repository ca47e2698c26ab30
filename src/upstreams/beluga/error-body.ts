/**
 * DRF validation bodies (`ValidationError.detail`): `{"<field>": ["message"]}`,
 * nested objects for nested serializers (`{"kwargs": {"date_end": [...]}}`, list items keyed
 * by index), `non_field_errors` for object-level errors, or a bare JSON array of strings.
 * Read into issues with the upstream's field path; a message is kept only when it is a plain
 * validation sentence, so no markup, link or dump of the body can reach a client.
 */
import type { ErrorBodyReader } from '../classify.ts';
import type { FieldIssue } from '../errors.ts';

/**
 * Beluga's reader for the HTTP layer: a 400's field errors; DRF bodies carry nothing else. The
 * body is DRF's own refusal when it is a validation body (400) or `{"detail": "…"}` (401, 403,
 * 404, 405: DRF's exception handler), never for Django's HTML pages or an empty body. Antenna
 * configures no throttling and answers 503 only on its task-queue routes (`ami/jobs/views.py`),
 * none of them a write the gateway sends: a 429 or 503 there comes from something in front of it.
 */
export const readBelugaErrorBody: ErrorBodyReader = (text, status) => {
  if (status !== 400) return isDetailBody(text) ? { refusal: true } : {};
  const fieldErrors = readValidationBody(text);
  return fieldErrors ? { fieldErrors, refusal: true } : {};
};

function isDetailBody(text: string): boolean {
  try {
    const body: unknown = JSON.parse(text);
    return (
      body !== null &&
      typeof body === 'object' &&
      typeof (body as { detail?: unknown }).detail === 'string'
    );
  } catch {
    return false;
  }
}

const MAX_ISSUES = 50;
const MAX_DEPTH = 4;
const MAX_MESSAGE = 200;
const FIELD = /^[A-Za-z0-9_]{1,64}$/;
const NON_FIELD = 'non_field_errors';
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const UNSAFE = /[\u0000-\u001f\u007f-\u009f<>{}`\\]|:\/\//;

/** A short single-line sentence without markup or URLs. */
export function plainSentence(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text.length === 0 || text.length > MAX_MESSAGE || UNSAFE.test(text)) return undefined;
  return text;
}

/** The issues of a DRF 400 body, or undefined when the body is not a validation body. */
export function readValidationBody(text: string): FieldIssue[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const issues: FieldIssue[] = [];
  const add = (path: string[], message: unknown) => {
    if (issues.length < MAX_ISSUES) issues.push({ path, message: plainSentence(message) });
  };
  const walk = (value: unknown, path: string[], depth: number): void => {
    if (Array.isArray(value)) {
      // A list of messages; a list of objects is a nested list serializer, keyed by position.
      value.forEach((item, i) => {
        if (item !== null && typeof item === 'object') walk(item, [...path, String(i)], depth + 1);
        else add(path, item);
      });
      return;
    }
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) {
      add(path, value);
      return;
    }
    for (const [key, inner] of Object.entries(value)) {
      if (key === NON_FIELD || key === 'detail') walk(inner, path, depth + 1);
      else walk(inner, FIELD.test(key) ? [...path, key] : path, depth + 1);
    }
  };
  if (Array.isArray(body) || (body !== null && typeof body === 'object')) walk(body, [], 0);
  else return undefined;
  return issues;
}
