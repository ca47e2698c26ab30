import { DateTimeResolver } from 'graphql-scalars';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar, serializeDateTime } from '../../src/schema/date-time.ts';

/** What the response carried before: the library's `Date`, through JSON.stringify. */
const onTheWire = (value: unknown) => JSON.stringify({ v: DateTimeResolver.serialize(value) });

describe('the DateTime scalar', () => {
  it('answers each string exactly as the library did, the first time and from memory', () => {
    for (const value of [
      '2024-05-11T00:11:02.004Z',
      '2024-05-11T00:11:02Z',
      '2024-05-10T20:11:02.004512-04:00',
      '2024-02-29T23:59:59.999+01:00',
    ]) {
      const first = serializeDateTime(value);
      const again = serializeDateTime(value);
      expect(typeof first).toBe('string');
      expect(again).toBe(first);
      expect(JSON.stringify({ v: first })).toBe(onTheWire(value));
    }
  });
  it('still refuses an invalid string, every time, with the library error', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => serializeDateTime('2024-13-45T99:00:00Z')).toThrow(
        /DateTime cannot represent an invalid date-time-string/,
      );
      expect(() => serializeDateTime('yesterday')).toThrow(/invalid date-time-string/);
    }
  });
  it('leaves Date and number values to the library', () => {
    const date = new Date('2024-05-11T00:11:02.004Z');
    expect(serializeDateTime(date)).toBe(date);
    expect(JSON.stringify({ v: serializeDateTime(0) })).toBe(onTheWire(0));
    expect(() => serializeDateTime({})).toThrow(/non string/);
  });
  it('parses input as the library does', () => {
    expect(DateTimeScalar.name).toBe('DateTime');
    expect(DateTimeScalar.parseValue('2024-05-11T00:11:02Z')).toEqual(
      DateTimeResolver.parseValue('2024-05-11T00:11:02Z'),
    );
  });
});
