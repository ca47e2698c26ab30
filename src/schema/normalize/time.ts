import { DateTime, Info, type Zone } from 'luxon';

/**
 * Beluga sends naive timestamps in the server's local time (`2024-05-10T20:11:02.004512`);
 * returns ISO-8601 UTC (`2024-05-11T00:11:02.004Z`). Null for null or unparseable input.
 * Microseconds are truncated to milliseconds.
 */
export function belugaTime(naive: string | null | undefined, timeZone: string): string | null {
  if (!naive) return null;
  const key = `${timeZone} ${naive}`;
  const known = converted.get(key);
  if (known !== undefined) return known;
  if (converted.size >= MAX_CONVERTED) converted.clear();
  const fast = fastBelugaTime(naive, timeZone);
  const utc = fast !== undefined ? fast : slowBelugaTime(naive, timeZone);
  converted.set(key, utc);
  return utc;
}

/**
 * The same timestamps come back on every page and detail (a set's created_at, its jobs'): each
 * is converted once. Bounded: cleared when full.
 */
const converted = new Map<string, string | null>();
const MAX_CONVERTED = 20_000;

function slowBelugaTime(naive: string, timeZone: string): string | null {
  const parsed = DateTime.fromISO(naive, { zone: timeZone, setZone: false });
  return parsed.isValid ? parsed.toUTC().toISO({ suppressMilliseconds: false }) : null;
}

/** Wickson sends UTC with `Z`; normalised to the same ISO form as Beluga's. */
export function wicksonTime(utc: string | null | undefined): string | null {
  if (!utc) return null;
  const m = PLAIN.exec(utc);
  if (m?.[8] === 'Z' || m?.[8] === '') {
    const local = localMillis(m);
    if (local !== undefined) return new Date(local).toISOString();
  }
  const parsed = DateTime.fromISO(utc, { zone: 'utc' });
  return parsed.isValid ? parsed.toUTC().toISO() : null;
}

/**
 * Orders machine strings (ISO timestamps, enum names) by code unit: the same order as
 * `localeCompare` for them, without an ICU collator (its data pages and per-call cost).
 */
export function codeOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `"5400.0"` → 5400; null for null or non-numeric. */
export function durationSeconds(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/*
 * Fast path (luxon costs ~20 µs per timestamp; lists convert thousands): the common
 * `YYYY-MM-DDTHH:mm:ss[.fff…]` form is parsed here and the zone offset, from luxon's own zone,
 * is cached per UTC hour. The local → UTC step is luxon's `fixOffset`, so results match luxon,
 * DST gaps and repeated hours included. Anything else goes through luxon.
 */
const PLAIN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z?)$/;
const HOUR = 3_600_000;
const MAX_CACHED_HOURS = 50_000;

interface ZoneCache {
  zone: Zone;
  /** Offset (minutes) luxon guesses first: the zone's offset when first used. */
  guess: number;
  hours: Map<number, number>;
}
const zones = new Map<string, ZoneCache | null>();

function zoneCache(timeZone: string): ZoneCache | null {
  let cache = zones.get(timeZone);
  if (cache === undefined) {
    const zone = Info.normalizeZone(timeZone);
    cache = zone?.isValid ? { zone, guess: zone.offset(Date.now()), hours: new Map() } : null;
    zones.set(timeZone, cache);
  }
  return cache;
}

/** The zone's offset at `ts`, from a per-hour cache when the whole hour has one offset. */
function offsetAt(cache: ZoneCache, ts: number): number {
  const hour = Math.floor(ts / HOUR);
  const known = cache.hours.get(hour);
  if (known !== undefined) return known;
  const start = cache.zone.offset(hour * HOUR);
  if (start !== cache.zone.offset(hour * HOUR + HOUR - 1000)) return cache.zone.offset(ts);
  if (cache.hours.size >= MAX_CACHED_HOURS) cache.hours.clear();
  cache.hours.set(hour, start);
  return start;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The wall-clock fields as if UTC (ms), or undefined when out of range or outside 1900–2199. */
function localMillis(m: RegExpExecArray): number | undefined {
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  if (year === undefined || month === undefined || day === undefined) return undefined;
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day > days || (hour as number) > 23 || (minute as number) > 59 || (second as number) > 59)
    return undefined;
  const fraction = m[7];
  const millis = fraction ? Math.floor(Number.parseFloat(`0.${fraction}`) * 1000) : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

function fastBelugaTime(naive: string, timeZone: string): string | null | undefined {
  const m = PLAIN.exec(naive);
  if (!m || m[8] === 'Z') return undefined;
  const cache = zoneCache(timeZone);
  const local = cache ? localMillis(m) : undefined;
  if (!cache || local === undefined) return undefined;
  // luxon's fixOffset: guess, correct once, and in a DST gap keep the wall time shifted.
  const o = cache.guess;
  let utc = local - o * 60_000;
  const o2 = offsetAt(cache, utc);
  if (o2 !== o) {
    utc -= (o2 - o) * 60_000;
    const o3 = offsetAt(cache, utc);
    if (o3 !== o2) utc = local - Math.min(o2, o3) * 60_000;
  }
  return new Date(utc).toISOString();
}
