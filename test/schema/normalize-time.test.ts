import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { belugaTime, codeOrder, wicksonTime } from '../../src/schema/normalize/time.ts';

const viaLuxon = (naive: string, zone: string) => {
  const parsed = DateTime.fromISO(naive, { zone, setZone: false });
  return parsed.isValid ? parsed.toUTC().toISO({ suppressMilliseconds: false }) : null;
};

/** Deterministic pseudo-random wall times, denser around DST transitions (02:00–03:00). */
function wallTimes(count: number): string[] {
  let x = 12345;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const year = 1900 + next(300);
    const month = 1 + next(12);
    const day = 1 + next(31);
    const hour = i % 3 === 0 ? 1 + next(3) : next(24);
    const frac = ['', '.5', '.004512', '.999999', '.123456789'][next(5)];
    out.push(
      `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(next(60))}:${pad(next(60))}${frac}`,
    );
  }
  return out;
}

describe('time normalization', () => {
  it('converts Beluga wall times exactly like luxon, DST gaps and repeated hours included', () => {
    const zones = [
      'America/New_York',
      'Europe/London',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'America/St_Johns',
      'UTC',
    ];
    const samples = [
      ...wallTimes(1000),
      '2024-03-10T02:30:00', // New York spring-forward gap
      '2024-11-03T01:30:00.250', // New York repeated hour
      '2024-05-10T20:11:02.004512',
      '2024-02-30T10:00:00', // invalid day
      '2024-05-10', // date only: luxon's path
      '2024-05-10T20:11:02+02:00', // explicit offset: luxon's path
      'not a date',
    ];
    for (const zone of zones) {
      for (const naive of samples)
        expect(belugaTime(naive, zone), `${naive} ${zone}`).toBe(viaLuxon(naive, zone));
    }
    expect(belugaTime('2024-05-10T20:11:02.004512', 'America/New_York')).toBe(
      '2024-05-11T00:11:02.004Z',
    );
    expect(belugaTime(null, 'UTC')).toBeNull();
  });

  it('normalizes Wickson UTC times like luxon', () => {
    for (const utc of [
      ...wallTimes(500).map((t) => `${t}Z`),
      '2024-01-15T10:30:00Z',
      '2024-01-15T10:30:00+01:00',
      'x',
    ]) {
      const parsed = DateTime.fromISO(utc, { zone: 'utc' });
      expect(wicksonTime(utc), utc).toBe(parsed.isValid ? parsed.toUTC().toISO() : null);
    }
  });

  it('orders Beluga timestamps and enum names by code unit, as the collator orders them', () => {
    const stamps = [
      '2024-05-10T20:11:02.004512',
      '2024-05-10T20:11:02',
      '2024-05-10T20:11:02.5',
      '2023-12-31T23:59:59.999999',
      '2024-05-10T09:00:00',
      'IMAGE',
      'AUDIO',
      'VIDEO',
    ];
    const byCollator = [...stamps].sort((a, b) => a.localeCompare(b, 'en'));
    expect([...stamps].sort(codeOrder)).toEqual(byCollator);
    expect(codeOrder('a', 'a')).toBe(0);
  });
});
