/**
 * Capture-set `kwargs` as Antenna's nested serializer treats them: only the known
 * keys are kept, nulls are dropped, and errors nest under `kwargs` like DRF's.
 */
import { type Errors, pyType, toBool, toInt } from './fields.ts';

const INTEGERS = [
  'minute_interval',
  'max_num',
  'month_start',
  'month_end',
  'hour_start',
  'hour_end',
  'size',
  'num_each',
  'deployment_id',
  'position',
];
const DATES = ['date_start', 'date_end'];
const ID_LISTS = ['deployment_ids', 'event_ids', 'research_site_ids'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** Key order follows the serializer's declaration, as DRF renders it. */
const ORDER = [...INTEGERS.slice(0, 2), 'shuffle', ...INTEGERS.slice(2), ...DATES, ...ID_LISTS];

export function cleanKwargs(
  input: unknown,
): { ok: true; value: Record<string, unknown> } | { ok: false; errors: Errors } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      errors: {
        non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(input)}.`],
      },
    };
  }
  const data = input as Record<string, unknown>;
  const errors: Errors = {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    if (INTEGERS.includes(key)) {
      const n = toInt(value);
      if (n === null) errors[key] = ['A valid integer is required.'];
      else out[key] = n;
    } else if (key === 'shuffle') {
      const b = toBool(value);
      if (b === null) errors[key] = ['Must be a valid boolean.'];
      else out[key] = b;
    } else if (DATES.includes(key)) {
      if (typeof value !== 'string' || !validDate(value))
        errors[key] = ['Invalid date format. Use YYYY-MM-DD format.'];
      else out[key] = value;
    } else if (ID_LISTS.includes(key)) {
      if (!Array.isArray(value)) {
        errors[key] = [`Expected a list of items but got type "${pyType(value)}".`];
        continue;
      }
      const items: Errors = {};
      const ids = value.map((item, i) => {
        const n = toInt(item);
        if (n === null) items[String(i)] = ['A valid integer is required.'];
        return n;
      });
      if (Object.keys(items).length > 0) errors[key] = items;
      else out[key] = ids;
    } else if (key === 'exclude_events') {
      out[key] = String(value);
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const ordered: Record<string, unknown> = {};
  for (const key of [...ORDER, 'exclude_events']) if (key in out) ordered[key] = out[key];
  return { ok: true, value: ordered };
}
