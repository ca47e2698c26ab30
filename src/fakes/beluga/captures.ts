/**
 * Virtual captures: capture i of set S has id S*100000+i and timestamp start + i*step, so a
 * 10,000-capture set costs no memory. Project-wide lists merge the sets' sorted sequences.
 */
import type { CaptureSetRecord } from '../dataset.ts';
import { formatNaive } from '../time.ts';

export const CAPTURE_ID_BASE = 100_000;

export interface CaptureRef {
  set: CaptureSetRecord;
  index: number;
}

export const captureId = (ref: CaptureRef) => ref.set.id * CAPTURE_ID_BASE + ref.index;
export const captureMs = (ref: CaptureRef) =>
  ref.set.captureStartMs + ref.index * ref.set.captureStepMs;
export const captureTimestamp = (ref: CaptureRef) => formatNaive(captureMs(ref));

export function resolveCapture(sets: Map<number, CaptureSetRecord>, id: number): CaptureRef | null {
  const set = sets.get(Math.floor(id / CAPTURE_ID_BASE));
  const index = id % CAPTURE_ID_BASE;
  return set && index < set.sourceImagesCount ? { set, index } : null;
}

/** Captures [offset, offset+limit) of the merged, timestamp-ordered sequences of `sets`. */
export function sliceCaptures(
  sets: CaptureSetRecord[],
  offset: number,
  limit: number,
  desc: boolean,
): CaptureRef[] {
  const cursors = sets.filter((s) => s.sourceImagesCount > 0).map((set) => ({ set, i: 0 }));
  const at = (c: { set: CaptureSetRecord; i: number }): CaptureRef => ({
    set: c.set,
    index: desc ? c.set.sourceImagesCount - 1 - c.i : c.i,
  });
  if (cursors.length === 1) {
    const c = cursors[0]!;
    const end = Math.min(c.set.sourceImagesCount, offset + limit);
    const out: CaptureRef[] = [];
    for (let i = offset; i < end; i++) out.push(at({ set: c.set, i }));
    return out;
  }
  const out: CaptureRef[] = [];
  for (let n = 0; n < offset + limit; n++) {
    let best: (typeof cursors)[number] | null = null;
    let bestKey = 0;
    for (const c of cursors) {
      if (c.i >= c.set.sourceImagesCount) continue;
      const ref = at(c);
      const key = captureMs(ref) * (desc ? -1 : 1);
      if (!best || key < bestKey || (key === bestKey && captureId(ref) < captureId(at(best)))) {
        best = c;
        bestKey = key;
      }
    }
    if (!best) break;
    if (n >= offset) out.push(at(best));
    best.i += 1;
  }
  return out;
}
