/**
 * DRF behaviour the Beluga fake reproduces: limit/offset pagination with absolute, re-sorted
 * links, the `format=api` hyperlink quirk, ordering whitelists (DRF's `OrderingFilter`), and the
 * strict `project_id` parsing of Antenna's ProjectMixin.
 */

import { parseIntStrict } from '../http-utils.ts';
import type { FakeRequest } from '../types.ts';

export class HttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`beluga fake ${status}`);
    this.status = status;
    this.body = body;
  }
}

export const notFound = () => new HttpError(404, { detail: 'Not found.' });

/** Python's urllib quote_plus. */
function quotePlus(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** DRF `replace_query_param`/`remove_query_param`: keys sorted, values of a key kept in order. */
function rebuild(req: FakeRequest, set: Record<string, string>, remove: string[] = []): string {
  const groups = new Map<string, string[]>();
  for (const [key, value] of req.query) groups.set(key, [...(groups.get(key) ?? []), value]);
  for (const [key, value] of Object.entries(set)) groups.set(key, [value]);
  for (const key of remove) groups.delete(key);
  const query = [...groups.keys()]
    .sort()
    .flatMap((key) => groups.get(key)!.map((v) => `${quotePlus(key)}=${quotePlus(v)}`))
    .join('&');
  return `${req.origin}${req.path}${query ? `?${query}` : ''}`;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

function positive(raw: string | null, strict: boolean): number | null {
  const value = parseIntStrict(raw);
  if (value === null || value < 0 || (strict && value === 0)) return null;
  return value;
}

export interface PageWindow {
  offset: number;
  limit: number;
  next: string | null;
  previous: string | null;
}

/** DRF LimitOffsetPagination arithmetic for `count` items. */
export function pageWindow(req: FakeRequest, count: number, defaultLimit: number): PageWindow {
  const limit = positive(req.query.get('limit'), true) ?? defaultLimit;
  const offset = positive(req.query.get('offset'), false) ?? 0;
  const next =
    offset + limit < count
      ? rebuild(req, { limit: String(limit), offset: String(offset + limit) })
      : null;
  let previous: string | null = null;
  if (offset > 0) {
    previous =
      offset - limit <= 0
        ? rebuild(req, { limit: String(limit) }, ['offset'])
        : rebuild(req, { limit: String(limit), offset: String(offset - limit) });
  }
  return { offset, limit, next, previous };
}

export function paginate<T>(req: FakeRequest, items: readonly T[], defaultLimit: number): Page<T> {
  const { offset, limit, next, previous } = pageWindow(req, items.length, defaultLimit);
  return { count: items.length, next, previous, results: items.slice(offset, offset + limit) };
}

/** Absolute hyperlink; with `?format=api` DRF appends it to the path and keeps the query after. */
export function link(req: FakeRequest, path: string, query?: string): string {
  const formatApi = req.query.get('format') === 'api';
  return `${req.origin}${path}${formatApi ? '?format=api' : ''}${query ? `?${query}` : ''}`;
}

/** The value Django reads for a query parameter: `QueryDict[name]` is its last value. */
function lastValue(req: FakeRequest, name: string): string | null {
  return req.query.getAll(name).at(-1) ?? null;
}

/**
 * Django's `forms.BooleanField().clean(value)`, how Antenna reads `with_counts`, `with_charts`
 * and `with_detections` (`ami/main/api/views.py`): only `""`, `false` and `0`, in any case, are
 * false; anything else (`no`, `off`, `f` included) is true.
 */
export function formBoolean(value: string): boolean {
  return !['', 'false', '0'].includes(value.toLowerCase());
}

/** A query flag read with `forms.BooleanField`; `absent` when the parameter is not there. */
export function queryFlag(req: FakeRequest, name: string, absent: boolean): boolean {
  const value = lastValue(req, name);
  return value === null ? absent : formBoolean(value);
}

/**
 * Antenna's `url_boolean_param` (`ami/utils/fields.py`), for `start_now`, `no_async`, `ids_only`
 * and `incomplete_only`: absent is false, a bare `?name` (empty value) is true, any other value
 * reads as `forms.BooleanField`.
 */
export function urlBooleanParam(req: FakeRequest, name: string): boolean {
  const value = lastValue(req, name);
  if (value === null) return false;
  return value === '' || formBoolean(value);
}

/** `project_id`: absent → null; not an integer → 400; `required` and absent → 400. */
export function projectIdParam(req: FakeRequest, required: boolean): number | null {
  const raw = req.query.get('project_id');
  if (raw === null || raw === '') {
    if (required) throw new HttpError(400, { project_id: ['This field is required.'] });
    return null;
  }
  const value = parseIntStrict(raw);
  if (value === null) throw new HttpError(400, { project_id: ['A valid integer is required.'] });
  return value;
}

export interface OrderTerm {
  field: string;
  desc: boolean;
}

export function parseOrdering(req: FakeRequest, allowed: readonly string[]): OrderTerm[] {
  const raw = req.query.get('ordering');
  if (!raw) return [];
  return raw
    .split(',')
    .map((term) => term.trim())
    .filter((term) => /^[-?]?[\w.]+$/.test(term) && allowed.includes(term.replace(/^-/, '')))
    .map((term) => ({ field: term.replace(/^-/, ''), desc: term.startsWith('-') }));
}

type Sortable = string | number | null | undefined;

/** Sort by terms, nulls last in both directions, ties by id ascending. */
export function sortBy<T extends { id: number }>(
  items: T[],
  terms: OrderTerm[],
  value: (item: T, field: string) => Sortable,
): T[] {
  return items.sort((a, b) => {
    for (const { field, desc } of terms) {
      const x = value(a, field);
      const y = value(b, field);
      if (x === y) continue;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const cmp = x < y ? -1 : x > y ? 1 : 0;
      if (cmp !== 0) return desc ? -cmp : cmp;
    }
    return a.id - b.id;
  });
}

export function choiceError(field: string, value: string): HttpError {
  return new HttpError(400, {
    [field]: [`Select a valid choice. ${value} is not one of the available choices.`],
  });
}

export function fkError(field: string): HttpError {
  return new HttpError(400, {
    [field]: ['Select a valid choice. That choice is not one of the available choices.'],
  });
}

export function pkParam(raw: string): number {
  const value = parseIntStrict(raw);
  if (value === null || !/^\d+$/.test(raw)) throw notFound();
  return value;
}
