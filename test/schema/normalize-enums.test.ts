import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  toCollectionMethod,
  toJobStatus,
  toJobTypeKey,
  toMediaType,
} from '../../src/schema/normalize/enums.ts';

function capture() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'info' }, { write: (l: string) => lines.push(l) }) };
}

describe('enum mappers', () => {
  it('maps the real UNKNOWN job status and unknown job type silently', () => {
    const { lines, logger } = capture();
    expect(toJobStatus('UNKNOWN', logger)).toBe('UNKNOWN');
    expect(toJobTypeKey('unknown', logger)).toBe('UNKNOWN');
    expect(toJobStatus('SUCCESS', logger)).toBe('SUCCESS');
    expect(toCollectionMethod('random_from_each_event', logger)).toBe('RANDOM_FROM_EACH_EVENT');
    expect(toMediaType('model', logger)).toBe('MODEL');
    expect(lines).toEqual([]);
  });

  it('still logs values the upstream contract does not have', () => {
    const { lines, logger } = capture();
    expect(toJobStatus('EXPLODED', logger)).toBe('UNKNOWN');
    expect(toJobTypeKey('teleport', logger)).toBe('UNKNOWN');
    expect(toCollectionMethod('unknown', logger)).toBe('UNKNOWN');
    expect(toMediaType('other', logger)).toBe('OTHER');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('unknown upstream job status mapped to UNKNOWN');
  });

  it('logs each distinct unknown value once per process, not once per item', () => {
    const { lines, logger } = capture();
    for (let i = 0; i < 5; i++) expect(toJobStatus('MELTED', logger)).toBe('UNKNOWN');
    expect(toJobStatus('FROZEN', logger)).toBe('UNKNOWN');
    const again = capture();
    expect(toJobStatus('MELTED', again.logger)).toBe('UNKNOWN');
    expect(lines).toHaveLength(2);
    expect(again.lines).toHaveLength(0);
  });
});
