/**
 * DRF request parsing and serializer-field validation for the Beluga fake's writes: the texts are
 * DRF 3.14's defaults, errors collect per field into one 400 body.
 */
import type { FakeRequest } from '../types.ts';
import { HttpError } from './drf.ts';

export type Data = Record<string, unknown>;
export type Errors = Record<string, unknown>;

/** `request.data`: JSON or form bodies; no body is `{}`; other media types are a 415. */
export function requestData(req: FakeRequest): Data {
  if (req.body === undefined || req.body.trim() === '') return {};
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded')
    return Object.fromEntries(new URLSearchParams(req.body));
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new HttpError(415, { detail: `Unsupported media type "${type}" in request.` });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body);
  } catch {
    throw new HttpError(400, {
      detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)',
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HttpError(400, {
      non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(parsed)}.`],
    });
  }
  return parsed as Data;
}

/** Python's type name of a JSON value, as DRF puts it in messages. */
export function pyType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'dict';
}

export const REQUIRED = 'This field is required.';
const NULL = 'This field may not be null.';

/** One serializer run: read fields, collect errors, `done()` throws the 400 if any. */
export function createFields(data: Data, partial: boolean) {
  const errors: Errors = {};
  const has = (name: string) => Object.hasOwn(data, name);

  /** Required (unless partial) / nullable check; returns the raw value or undefined to skip. */
  const raw = (name: string, required: boolean, nullable: boolean): unknown => {
    if (!has(name)) {
      if (required && !partial) errors[name] = [REQUIRED];
      return undefined;
    }
    const value = data[name];
    if (value === null && !nullable) {
      errors[name] = [NULL];
      return undefined;
    }
    return value;
  };

  return {
    errors,
    has,
    string(name: string, opts: { required?: boolean; maxLength?: number; blank?: boolean } = {}) {
      const value = raw(name, opts.required ?? false, false);
      if (value === undefined) return undefined;
      if (typeof value !== 'string' && typeof value !== 'number') {
        errors[name] = ['Not a valid string.'];
        return undefined;
      }
      const text = String(value).trim();
      if (text === '' && !opts.blank) errors[name] = ['This field may not be blank.'];
      else if (opts.maxLength !== undefined && text.length > opts.maxLength)
        errors[name] = [`Ensure this field has no more than ${opts.maxLength} characters.`];
      else return text;
      return undefined;
    },
    integer(name: string, opts: { required?: boolean; nullable?: boolean } = {}) {
      const value = raw(name, opts.required ?? false, opts.nullable ?? false);
      if (value === null) return null;
      if (value === undefined) return undefined;
      const n = toInt(value);
      if (n === null) errors[name] = ['A valid integer is required.'];
      return n ?? undefined;
    },
    boolean(name: string) {
      const value = raw(name, false, false);
      if (value === undefined) return undefined;
      const b = toBool(value);
      if (b === null) errors[name] = ['Must be a valid boolean.'];
      return b ?? undefined;
    },
    choice(name: string, choices: readonly string[]) {
      const value = raw(name, false, false);
      if (value === undefined) return undefined;
      if (typeof value === 'string' && choices.includes(value)) return value;
      errors[name] = [`"${String(value)}" is not a valid choice.`];
      return undefined;
    },
    /** PrimaryKeyRelatedField: an integer pk of an existing object. */
    pk(name: string, exists: (id: number) => boolean, opts: { required?: boolean } = {}) {
      const value = raw(name, opts.required ?? false, true);
      if (value === null || value === undefined) return value as null | undefined;
      if (typeof value !== 'string' && typeof value !== 'number') {
        errors[name] = [`Incorrect type. Expected pk value, received ${pyType(value)}.`];
        return undefined;
      }
      const id = toInt(value);
      if (id === null || !exists(id)) {
        errors[name] = [`Invalid pk "${String(value)}" - object does not exist.`];
        return undefined;
      }
      return id;
    },
    done() {
      if (Object.keys(errors).length > 0) throw new HttpError(400, errors);
    },
  };
}

/** DRF IntegerField: integers, integral floats, and such numbers as strings. */
export function toInt(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value === 'string' && /^\s*[+-]?\d+(\.0*)?\s*$/.test(value)) {
    return Number.parseInt(value, 10);
  }
  return null;
}

const TRUE = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', 'off', '0']);

export function toBool(value: unknown): boolean | null {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
  }
  return null;
}
