/**
 * The loads several fields share, each charged under one key so that two fields needing it count
 * it once, as the request's DataLoader serves them once (src/loaders/index.ts). Each takes the
 * declaration's input and charges one load per parent object where its objects lack the data.
 */
import type { CollectionHolds, ProjectHolds } from '../models.ts';
import type { CostInput } from './types.ts';

type OnCollection = CostInput<CollectionHolds, unknown>;

/** A capture set known from a job's summary loads the set (sets of one project share a list). */
export function chargeSetPayload(input: OnCollection): void {
  const { holds, count } = input.parent;
  if (holds.source === 'BELUGA' && holds.payload === 'summary') {
    input.charge('beluga', count, 'capture-set');
  }
}

/**
 * The set's counts, item counts and stats: a summary loads the set; a write's answer, whose counts
 * are null, loads the set's detail once for all of them.
 */
export function chargeSetCounts(input: OnCollection): void {
  const { holds, count } = input.parent;
  if (holds.source !== 'BELUGA') return;
  if (holds.payload === 'written') input.charge('beluga', count, 'written-set-detail');
  else chargeSetPayload(input);
}

/** A Wickson collection from the list, or named by an item only, loads its detail. */
export function chargeWicksonDetail(input: OnCollection): void {
  const { holds, count } = input.parent;
  if (holds.source === 'WICKSON' && holds.payload !== 'detail') {
    input.charge('wickson', count, 'collection-detail');
  }
}

/** The Wickson detail, for a stat the list entry carries too (`item_count`): only by id. */
export function chargeWicksonDetailById(input: OnCollection): void {
  if (input.parent.holds.source === 'WICKSON' && input.parent.holds.payload === 'id') {
    chargeWicksonDetail(input);
  }
}

/**
 * Projects of `count` objects: one `projects` list call when they arrive together (a page or a
 * batch), else one load each.
 */
export function chargeProjects(input: CostInput<unknown, unknown>, count: number): void {
  input.charge('beluga', input.parent.together ? Math.min(1, count) : count, 'project');
}

/** A project known by id or summary loads its detail for any field beyond those. */
export function chargeProjectDetail(
  input: CostInput<ProjectHolds, unknown>,
  unless: readonly ProjectHolds[] = ['detail'],
): void {
  if (!unless.includes(input.parent.holds)) chargeProjects(input, input.parent.count);
}
