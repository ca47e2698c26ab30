import { describe, expect, it } from 'vitest';
import { planWicksonPages } from '../../../src/schema/collection-items.ts';

/** Whether one page of some size ≤ 100 covers [offset, offset + limit), by brute force. */
function onePageExists(offset: number, limit: number): boolean {
  for (let size = 1; size <= 100; size++) {
    for (let page = 1; (page - 1) * size <= offset; page++) {
      if (page * size >= offset + limit) return true;
    }
  }
  return false;
}

describe('planWicksonPages', () => {
  it('covers every window with one page when some page covers it, else two', () => {
    for (let offset = 0; offset <= 320; offset += 1) {
      for (const limit of [1, 2, 7, 20, 33, 50, 64, 99, 100]) {
        const plan = planWicksonPages(offset, limit);
        expect(plan.length, `${offset}+${limit}`).toBe(onePageExists(offset, limit) ? 1 : 2);
        const first = plan[0]!;
        const last = plan.at(-1)!;
        for (const p of plan) {
          expect(p.pageSize).toBe(first.pageSize);
          expect(p.pageSize).toBeLessThanOrEqual(100);
          expect(p.page).toBeGreaterThanOrEqual(1);
        }
        if (plan.length === 2) expect(last.page).toBe(first.page + 1);
        expect((first.page - 1) * first.pageSize).toBeLessThanOrEqual(offset);
        expect(last.page * last.pageSize).toBeGreaterThanOrEqual(offset + limit);
      }
    }
  });

  it('picks the smallest covering size and asks only for the total when limit is 0', () => {
    expect(planWicksonPages(0, 20)).toEqual([{ page: 1, pageSize: 20 }]);
    expect(planWicksonPages(20, 20)).toEqual([{ page: 2, pageSize: 20 }]);
    expect(planWicksonPages(90, 20)).toEqual([{ page: 5, pageSize: 22 }]);
    expect(planWicksonPages(90, 100)).toEqual([
      { page: 1, pageSize: 100 },
      { page: 2, pageSize: 100 },
    ]);
    expect(planWicksonPages(40, 0)).toEqual([{ page: 1, pageSize: 1 }]);
  });
});
