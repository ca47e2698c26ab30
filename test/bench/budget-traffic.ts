/**
 * The budget scenario's traffic (issue 11): a fixed arrival rate, each second 40% the merged home
 * list with item counts, 30% one Wickson collection page with its stats, 30% one Beluga capture set
 * with its project and jobs. Ids are drawn over the fakes' dataset, callers are anonymous or the
 * fakes' member; the plan is seeded, so every row replays the same requests.
 */
import type { Dataset } from '../../src/fakes/dataset.ts';
import { FAKE_MEMBER_TOKEN } from '../../src/fakes/index.ts';
import { createRng } from '../../src/fakes/prng.ts';

export type BudgetKind = 'home' | 'wickson' | 'beluga';

/** One Wickson list call and one Beluga list call without the cache. */
export const HOME = `query Home {
  collections(first: 20) { edges { node { id name source stats { itemCount } } } }
}`;

/** One Wickson detail call without the cache. */
export const WICKSON_PAGE = `query WicksonCollection($id: String!) {
  collection(source: WICKSON, sourceId: $id) {
    id name description
    stats { itemCount processedCount fetchedAt mediaTypeDistribution { mediaType count } }
  }
}`;

/** Three Beluga calls without the cache: the set, its project, its jobs. */
export const BELUGA_SET = `query BelugaCaptureSet($id: String!) {
  collection(source: BELUGA, sourceId: $id) {
    id name stats { itemCount }
    project { sourceId name }
    jobs { sourceId name status }
  }
}`;

export interface PlannedRequest {
  /** Milliseconds after the start of the run. */
  at: number;
  kind: BudgetKind;
  body: string;
  headers: Record<string, string>;
}

/** Per second: 8 home lists, 6 Wickson pages, 6 Beluga sets (at 20 requests/s), shuffled. */
const SHARES: [BudgetKind, number][] = [
  ['home', 0.4],
  ['wickson', 0.3],
  ['beluga', 0.3],
];

export function budgetPlan(
  dataset: Dataset,
  options: { rps: number; seconds: number; seed?: number },
): PlannedRequest[] {
  const rng = createRng(options.seed ?? 11);
  const wicksonIds = dataset.wickson.collections.map((c) => c.id);
  const drafts = new Set(dataset.ids.draftCaptureSets);
  const belugaIds = [...dataset.captureSets.keys()].filter((id) => !drafts.has(id)).map(String);
  const member = { authorization: `Token ${FAKE_MEMBER_TOKEN}` };
  const slots = SHARES.flatMap(([kind, share]) =>
    Array.from({ length: Math.round(share * options.rps) }, () => kind),
  );
  const plan: PlannedRequest[] = [];
  const gap = 1000 / slots.length;
  for (let second = 0; second < options.seconds; second++) {
    const order = [...slots];
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j] as BudgetKind, order[i] as BudgetKind];
    }
    order.forEach((kind, i) => {
      const headers = rng.next() < 1 / 3 ? member : {};
      const at = Math.round(second * 1000 + i * gap);
      if (kind === 'home') {
        plan.push({ at, kind, headers, body: JSON.stringify({ query: HOME }) });
      } else {
        const [document, ids] =
          kind === 'wickson' ? [WICKSON_PAGE, wicksonIds] : [BELUGA_SET, belugaIds];
        const variables = { id: rng.pick(ids) };
        plan.push({ at, kind, headers, body: JSON.stringify({ query: document, variables }) });
      }
    });
  }
  return plan;
}
