/**
 * The Project type's connection fields, `Project.collections` and `Project.jobs`: beside
 * `project.ts` rather than in it because they build on the Collection and Job connections,
 * which import `project.ts` themselves.
 */

import type { GatewayContext } from '../context.ts';
import { builder } from './builder.ts';
import { CollectionOrder } from './collection-inputs.ts';
import { CollectionConnection, resolveProjectCollections } from './collection-list.ts';
import type { CollectionOrderValue } from './collection-order.ts';
import { backwardArgDocs, forwardArgDocs } from './connections/args.ts';
import { listKey } from './connections/cursor.ts';
import {
  createdMillis,
  JobConnection,
  jobFilterCombinations,
  jobSource,
  MAX_JOB_FILTER_CALLS,
} from './connections/jobs.ts';
import type { PageArgs } from './connections/page-args.ts';
import { parsePageArgs } from './connections/page-args.ts';
import { resolvePage } from './connections/paging.ts';
import { connection, page, pageListSize, pageSize } from './cost/connections.ts';
import { CollectionMethod, JobStatus, JobTypeKey } from './enums.ts';
import type { CollectionHolds, JobModel, ProjectModel } from './models.ts';
import { ProjectRef } from './project.ts';
import { selectsCounts } from './selection.ts';

/** List calls one page of `Project.jobs` makes: one per (status, type) pair; 0 when refused. */
function filterPairs(args: {
  status?: readonly string[] | null;
  type?: readonly string[] | null;
}): number {
  try {
    return jobFilterCombinations(args.status, args.type).length;
  } catch {
    return 0;
  }
}

interface CollectionsArgs extends PageArgs {
  method?: string | null;
  orderBy?: { field: CollectionOrderValue['field']; direction?: 'ASC' | 'DESC' | null } | null;
}

/** One page of `Project.collections`: its resolver and its early load both run it. */
function projectCollections(
  project: ProjectModel,
  args: CollectionsArgs,
  ctx: GatewayContext,
  withCounts: boolean,
) {
  const query = { projectId: project.sourceId, method: args.method, orderBy: args.orderBy };
  return resolveProjectCollections(args, query, ctx, withCounts);
}

interface JobsArgs extends PageArgs {
  status?: readonly string[] | null;
  type?: readonly string[] | null;
}

/** One page of `Project.jobs`, newest first: its resolver and its early load both run it. */
function projectJobs(project: ProjectModel, args: JobsArgs, ctx: GatewayContext) {
  const pairs = jobFilterCombinations(args.status, args.type);
  const key = listKey(['jobs', project.sourceId, JSON.stringify(pairs)]);
  const request = parsePageArgs(args, key, pairs.length);
  const zone = ctx.config.beluga.timeZone;
  const newestFirst = (a: JobModel, b: JobModel) =>
    createdMillis(b.dto!, zone) - createdMillis(a.dto!, zone) || b.sourceId - a.sourceId;
  const sources = pairs.map((pair) => jobSource(ctx, project.sourceId, pair));
  return resolvePage(request, sources, newestFirst, key);
}

builder.objectField(ProjectRef, 'collections', (t) =>
  t.field({
    type: CollectionConnection,
    description:
      "The project's capture sets, sorted by `orderBy` (default NAME ascending). One Beluga list call per page; selecting `stats { occurrencesCount }` or `taxaCount` adds `with_counts` to that same call.",
    args: {
      first: t.arg.int({ description: forwardArgDocs.first }),
      after: t.arg.string({ description: forwardArgDocs.after }),
      last: t.arg.int({ description: backwardArgDocs.last }),
      before: t.arg.string({ description: backwardArgDocs.before }),
      method: t.arg({
        type: CollectionMethod,
        description: 'Only capture sets sampled with this method (UNKNOWN matches nothing).',
      }),
      orderBy: t.arg({
        type: CollectionOrder,
        description: 'Sort order (default NAME ascending).',
      }),
    },
    upstreamCalls: {
      weight: 2,
      listSize: pageListSize('first', 'last'),
      predict: (input) => {
        const { parent, args } = input;
        const size = pageSize(args);
        if (size === null) return [];
        // A `before` cursor also needs the list's total.
        const perProject = args.before != null ? 2 : 1;
        input.charge('beluga', parent.count * perProject, `collections:${JSON.stringify(args)}`);
        // Selecting a count adds `with_counts` to the same call; the project is the parent.
        const projectLoaded = parent.holds === 'detail';
        const holds: CollectionHolds = {
          source: 'BELUGA',
          payload: 'full',
          withCounts: true,
          projectLoaded,
        };
        return connection([{ holds, ...page(parent, size) }]);
      },
    },
    // Not with `with_counts` early: Beluga ignores an unknown project_id, so for a missing
    // project that call would count every capture set (the slow path, antenna #770). It waits
    // for the project's detail, one round more when the project exists. A plain list for a
    // missing project is wasted too, but cheap.
    earlyLoad: (project, args, ctx, selection) =>
      selectsCounts(selection) ? undefined : projectCollections(project, args, ctx, false),
    resolve: (project, args, ctx, info) =>
      projectCollections(project, args, ctx, selectsCounts(info)),
  }),
);

builder.objectField(ProjectRef, 'jobs', (t) =>
  t.field({
    type: JobConnection,
    description: `The project's jobs, newest first. Beluga filters take one value each, so a page costs one Beluga list call per (status, type) pair asked for, merged here newest first (one call without filters, or when a list names every value); at most ${MAX_JOB_FILTER_CALLS} pairs.`,
    args: {
      first: t.arg.int({ description: forwardArgDocs.first }),
      after: t.arg.string({ description: forwardArgDocs.after }),
      status: t.arg({
        type: [JobStatus],
        description: 'Only jobs in one of these states (empty or absent: all).',
      }),
      type: t.arg({
        type: [JobTypeKey],
        description: 'Only jobs of one of these types (empty or absent: all).',
      }),
    },
    upstreamCalls: {
      weight: MAX_JOB_FILTER_CALLS,
      listSize: pageListSize('first'),
      predict: (input) => {
        const { parent, args } = input;
        const size = pageSize(args);
        const pairs = filterPairs(args);
        if (size === null || pairs === 0) return [];
        input.charge('beluga', parent.count * pairs, `jobs:${JSON.stringify(args)}`);
        return connection([{ holds: { payload: 'detail' }, ...page(parent, size) }]);
      },
    },
    earlyLoad: (project, args, ctx) => projectJobs(project, args, ctx),
    resolve: (project, args, ctx) => projectJobs(project, args, ctx),
  }),
);
