import type { GatewayContext } from '../../context.ts';
import type { JobDto } from '../../loaders/upstream.ts';
import { millis } from '../collection-order.ts';
import { badUserInput } from '../errors.ts';
import { JobRef } from '../job.ts';
import type { JobModel } from '../models.ts';
import { JOB_STATUSES, JOB_TYPE_KEYS, toUpstream } from '../normalize/enums.ts';
import { belugaTime } from '../normalize/time.ts';
import type { PagedSource } from './paging.ts';
import { connectionType } from './types.ts';

export const JobConnection = connectionType('Job', JobRef, { one: 'job', many: 'jobs' });

/** Upstream calls one page may need: one per (status, type) pair asked for. */
export const MAX_JOB_FILTER_CALLS = 12;

/**
 * The upstream filters take one value each. A list covering every value is no filter; an empty
 * list is no filter either (like `Collection.jobs`); otherwise each value becomes its own call.
 */
function filterValues(
  values: readonly string[] | null | undefined,
  all: readonly string[],
  upstream: (value: string) => string,
): (string | undefined)[] {
  const unique = [...new Set(values ?? [])];
  if (unique.length === 0 || all.every((v) => unique.includes(v))) return [undefined];
  return unique.map(upstream);
}

export function jobFilterCombinations(
  status: readonly string[] | null | undefined,
  type: readonly string[] | null | undefined,
): { status?: string; jobTypeKey?: string }[] {
  const statuses = filterValues(status, JOB_STATUSES, (s) => s);
  const types = filterValues(type, JOB_TYPE_KEYS, toUpstream);
  const pairs = statuses.flatMap((s) => types.map((k) => ({ status: s, jobTypeKey: k })));
  if (pairs.length > MAX_JOB_FILTER_CALLS) {
    throw badUserInput(
      `Too many status/type combinations: at most ${MAX_JOB_FILTER_CALLS} (status values times type values).`,
    );
  }
  return pairs;
}

const ORDERING = '-created_at,-id';

export function createdMillis(dto: JobDto, timeZone: string): number {
  return millis(belugaTime(dto.created_at, timeZone)) ?? 0;
}

export function jobSource(
  ctx: GatewayContext,
  projectId: number,
  filter: { status?: string; jobTypeKey?: string },
): PagedSource<JobModel> {
  const load = async (ordering: string, offset: number, limit: number) => {
    const page = await ctx.loaders.jobList.load({
      projectId,
      ...filter,
      ordering,
      limit: Math.max(1, limit),
      offset,
    });
    const items = page.results.slice(0, limit).map((dto) => ({ sourceId: dto.id, dto }));
    return { items, count: page.count };
  };
  return {
    slice: (offset, limit) => load(ORDERING, offset, limit),
    count: async () => (await load(ORDERING, 0, 1)).count,
  };
}
