/**
 * Beluga timestamps are naive local times (America/New_York, no offset). The fake does its
 * arithmetic on "naive milliseconds" (the wall-clock reading treated as if it were UTC), so no
 * time-zone conversion is ever needed.
 */
export function naiveMs(text: string): number {
  return Date.parse(`${text.slice(0, 23)}Z`);
}

/** `YYYY-MM-DDTHH:MM:SS.ffffff`, the fraction omitted when it is zero (Django's rendering). */
export function formatNaive(ms: number, micros = 0): string {
  const whole = Math.floor(ms / 1000) * 1000;
  const base = new Date(whole).toISOString().slice(0, 19);
  const fraction = (ms - whole) * 1000 + micros;
  if (fraction <= 0) return base;
  return `${base}.${String(fraction).padStart(6, '0')}`;
}

/** Wickson: UTC, `Z`, second precision. */
export function formatUtc(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

export const DAY_MS = 86_400_000;
