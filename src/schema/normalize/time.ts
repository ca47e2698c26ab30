import { DateTime } from 'luxon';

/**
 * Beluga sends naive timestamps in the server's local time (`2024-05-10T20:11:02.004512`);
 * returns ISO-8601 UTC (`2024-05-11T00:11:02.004Z`). Null for null or unparseable input.
 * Microseconds are truncated to milliseconds.
 */
export function belugaTime(naive: string | null | undefined, timeZone: string): string | null {
  if (!naive) return null;
  const parsed = DateTime.fromISO(naive, { zone: timeZone, setZone: false });
  return parsed.isValid ? parsed.toUTC().toISO({ suppressMilliseconds: false }) : null;
}

/** Wickson sends UTC with `Z`; normalised to the same ISO form as Beluga's. */
export function wicksonTime(utc: string | null | undefined): string | null {
  if (!utc) return null;
  const parsed = DateTime.fromISO(utc, { zone: 'utc' });
  return parsed.isValid ? parsed.toUTC().toISO() : null;
}

/** `"5400.0"` → 5400; null for null or non-numeric. */
export function durationSeconds(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
