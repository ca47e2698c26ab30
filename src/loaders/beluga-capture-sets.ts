import type DataLoader from 'dataloader';
import type { CaptureSetDto } from '../upstreams/beluga/schemas.ts';
import { asError, groupBy, makeLoader, mapBounded, type Slot } from './batch.ts';
import type { CaptureSetCounts, LoaderDeps } from './types.ts';

const WHOLE_LIST = 1000;

/**
 * Capture set by id (`"21"`). Beluga has no id filter: two or more sets hinted to one project (from
 * the summaries jobs embed) → one `?project_id=P&limit=1000` list call; the rest, and ids the list
 * missed, → one detail GET each, bounded. The list asks `with_counts=true` only when a set of the
 * group is in `wantCounts` (a counts field is selected); details always carry counts.
 */
export function createCaptureSetLoader(
  deps: LoaderDeps,
  hints: Map<string, number>,
  wantCounts: Set<string>,
  prime: (dto: CaptureSetDto) => void,
): DataLoader<string, CaptureSetDto | null> {
  const { beluga } = deps.clients;
  return makeLoader(deps, async (keys) => {
    const results = new Map<string, Slot<CaptureSetDto>>();
    const hinted = keys.filter((key) => hints.has(key));
    const lists = [...groupBy(hinted, (key) => String(hints.get(key)))].filter(
      ([, group]) => group.length >= 2,
    );
    await Promise.all(
      lists.map(async ([projectId, group]) => {
        try {
          const page = await beluga.listCaptureSets(
            {
              projectId: Number(projectId),
              limit: WHOLE_LIST,
              offset: 0,
              ...(group.some((key) => wantCounts.has(key)) ? { withCounts: true } : {}),
            },
            deps.scope,
          );
          const byId = new Map(page.results.map((dto) => [String(dto.id), dto]));
          for (const dto of page.results) prime(dto);
          for (const key of group) {
            const dto = byId.get(key);
            if (dto) results.set(key, dto);
          }
        } catch (error) {
          for (const key of group) results.set(key, asError(error));
        }
      }),
    );
    const rest = keys.filter((key) => !results.has(key));
    const fetched = await mapBounded(rest, deps.config.beluga.concurrency, (key) =>
      beluga.getCaptureSet(Number(key), deps.scope),
    );
    rest.forEach((key, i) => {
      results.set(key, fetched[i] as Slot<CaptureSetDto>);
    });
    return keys.map((key) => results.get(key) ?? null);
  });
}

/**
 * Counts by `"<projectId>:<setId>"`. Two or more sets of one project → one
 * `with_counts=true&project_id=P` list call; a single set → its detail, which computes counts.
 * Sets missing from the list fall back to the detail. The projects' groups run concurrently
 * (at most BELUGA_CONCURRENCY at once), in one round rather than one round per project.
 */
export function createCaptureSetCountsLoader(
  deps: LoaderDeps,
  primeCaptureSet: (dto: CaptureSetDto) => void,
): DataLoader<string, CaptureSetCounts | null> {
  const { beluga } = deps.clients;
  const viaDetail = async (setId: number) => {
    const dto = await beluga.getCaptureSet(setId, deps.scope);
    return dto ? countsOf(dto) : null;
  };
  return makeLoader(deps, async (keys) => {
    const parsed = keys.map((key) => {
      const [projectId, setId] = key.split(':').map(Number) as [number, number];
      return { key, projectId, setId };
    });
    const results = new Map<string, Slot<CaptureSetCounts>>();
    const countGroup = async (group: typeof parsed) => {
      const first = group[0]!;
      if (group.length === 1) {
        try {
          results.set(first.key, await viaDetail(first.setId));
        } catch (error) {
          results.set(first.key, asError(error));
        }
        return;
      }
      try {
        const page = await beluga.listCaptureSets(
          { projectId: first.projectId, withCounts: true, limit: 1000, offset: 0 },
          deps.scope,
        );
        const byId = new Map(page.results.map((dto) => [dto.id, dto]));
        const missing: typeof group = [];
        for (const p of group) {
          const dto = byId.get(p.setId);
          if (dto) {
            primeCaptureSet(dto);
            results.set(p.key, countsOf(dto));
          } else missing.push(p);
        }
        const fallback = await mapBounded(missing, deps.config.beluga.concurrency, (p) =>
          viaDetail(p.setId),
        );
        missing.forEach((p, i) => {
          results.set(p.key, fallback[i] as Slot<CaptureSetCounts>);
        });
      } catch (error) {
        for (const p of group) results.set(p.key, asError(error));
      }
    };
    const groups = [...groupBy(parsed, (p) => String(p.projectId)).values()];
    await mapBounded(groups, deps.config.beluga.concurrency, countGroup);
    return keys.map((key) => results.get(key) ?? null);
  });
}

export function countsOf(dto: CaptureSetDto): CaptureSetCounts {
  return { occurrencesCount: dto.occurrences_count, taxaCount: dto.taxa_count };
}

/**
 * Earliest or latest capture timestamp by `"<projectId>:<setId>:first|last"`: captures ordered by
 * timestamp with limit 1, one call per key (the upstream has no min/max aggregate).
 */
export function createCaptureDateLoader(deps: LoaderDeps): DataLoader<string, string | null> {
  const { beluga } = deps.clients;
  return makeLoader(deps, (keys) =>
    mapBounded(keys, deps.config.beluga.concurrency, async (key) => {
      const [projectId, setId, end] = key.split(':');
      const page = await beluga.listCaptures(
        {
          projectId: Number(projectId),
          captureSetId: Number(setId),
          ordering: end === 'last' ? '-timestamp' : 'timestamp',
          limit: 1,
        },
        deps.scope,
      );
      return page.results[0]?.timestamp ?? null;
    }),
  );
}
