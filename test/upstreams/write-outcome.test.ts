/** The one rule for a failed write, and the Beluga reader that vouches for a refusal. */
import { describe, expect, it } from 'vitest';
import { readBelugaErrorBody } from '../../src/upstreams/beluga/error-body.ts';
import { classifyStatus } from '../../src/upstreams/classify.ts';
import { failedWriteOutcome, UpstreamTimeoutError } from '../../src/upstreams/errors.ts';

const call = { upstream: 'beluga' as const, method: 'POST', path: '/api/v2/jobs/' };
const outcomeOf = (status: number, text: string) =>
  failedWriteOutcome(
    classifyStatus(
      call,
      { status, headers: {}, text },
      { nowMs: 0, credentialSource: 'client', readErrorBody: readBelugaErrorBody },
    ).error,
  );

describe('failedWriteOutcome', () => {
  it("REFUSED only for Beluga's own words on 400, 401, 403, 404, 405", () => {
    expect(outcomeOf(400, '{"name": ["This field is required."]}')).toBe('REFUSED');
    expect(outcomeOf(400, '["Deployment must have a data source"]')).toBe('REFUSED');
    for (const status of [401, 403, 404, 405])
      expect(outcomeOf(status, '{"detail": "Not found."}')).toBe('REFUSED');
  });

  it('UNKNOWN for the same statuses without them, and for every other status', () => {
    for (const status of [400, 401, 403, 404, 405])
      for (const text of ['', '<h1>Bad</h1>', '"text"', 'null'])
        expect(outcomeOf(status, text)).toBe('UNKNOWN');
    for (const status of [401, 403, 404, 405])
      expect(outcomeOf(status, '{"detail": 1}')).toBe('UNKNOWN');
    for (const status of [301, 302, 409, 429, 500, 502, 503, 504])
      expect(outcomeOf(status, '{"detail": "Nothing was done."}')).toBe('UNKNOWN');
  });

  it('NOT_SENT when it never left; UNKNOWN for anything that is not an upstream error', () => {
    expect(failedWriteOutcome(new UpstreamTimeoutError({ ...call, sent: false }, 'x'))).toBe(
      'NOT_SENT',
    );
    expect(failedWriteOutcome(new UpstreamTimeoutError(call, 'x'))).toBe('UNKNOWN');
    expect(failedWriteOutcome(new Error('bug'))).toBe('UNKNOWN');
  });
});
