/**
 * The one way a test waits for a real process, socket or store to catch up: vitest's
 * `vi.waitUntil`, checking every 10 ms and failing the test when the bound passes (never a
 * silent give-up). Only for what a test cannot drive itself; time it can inject, it injects.
 */
import { vi } from 'vitest';

export function pollUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<true> {
  return vi.waitUntil(async () => (await condition()) === true, {
    timeout: timeoutMs,
    interval: 10,
  });
}
