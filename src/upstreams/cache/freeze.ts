/**
 * Payloads the shared cache hands out are frozen deeply: one object may serve many requests, and
 * none of them may change it for the others.
 */

/** Freezes `value` and everything inside it (an already frozen object is left as it is). */
export function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Array.isArray(value) ? value : Object.values(value)) deepFreeze(child);
}
