import type { GatewayContext } from '../context.ts';
import type { ProjectDto } from '../loaders/upstream.ts';
import { builder } from './builder.ts';
import { forwardArgDocs } from './connections/args.ts';
import { listKey } from './connections/cursor.ts';
import { parsePageArgs } from './connections/page-args.ts';
import { type PagedSource, resolvePage } from './connections/paging.ts';
import { connectionType } from './connections/types.ts';
import { connection, pageListSize, pageSize } from './cost/connections.ts';
import { chargeProjectDetail } from './cost/loads.ts';
import { type FieldCalls, free } from './cost/types.ts';
import { badUserInput, notFound } from './errors.ts';
import { parseBelugaId, settleNode, splitNodeId } from './global-id.ts';
import type { ProjectHolds, ProjectModel } from './models.ts';
import { belugaTime } from './normalize/time.ts';
import { prefetchChildFields } from './prefetch.ts';
import { propertyRead } from './property-read.ts';

export const ProjectRef = builder.objectRef<ProjectModel>('Project');

/** A field of the project's detail: a project known by id or summary loads it. */
const fromDetail: FieldCalls<ProjectHolds> = {
  weight: 1,
  predict: (input) => {
    chargeProjectDetail(input);
    return [];
  },
};

/** A project by id through the shared loader; null when missing or hidden (draft). */
export function loadProject(ctx: GatewayContext, sourceId: number): Promise<ProjectModel | null> {
  // A promise chain, not an async function: a page of 50 sets asks this 50 times.
  return ctx.loaders.project
    .load(String(sourceId))
    .then((dto) => (dto ? { sourceId: dto.id, dto } : null));
}

/** The project payload: from the parent when present, else one (batched, cached) load. */
async function projectDto(p: ProjectModel, ctx: GatewayContext): Promise<ProjectDto> {
  const dto = p.dto ?? (await ctx.loaders.project.load(String(p.sourceId)));
  if (!dto) {
    throw notFound('The project is not visible to this caller.');
  }
  return dto;
}

builder.node(ProjectRef, {
  description: 'A Beluga (Antenna) project: a monitoring programme owning capture sets and jobs.',
  id: { resolve: (p) => `BELUGA:${p.sourceId}`, upstreamCalls: free },
  loadedById: () => 'detail',
  loadOne: (id, ctx) => settleNode('Project', loadProject(ctx, Number(splitNodeId(id).sourceId))),
  fields: (t) => ({
    sourceId: t.int({
      description: 'The Beluga project id.',
      upstreamCalls: free,
      resolve: propertyRead('sourceId'),
    }),
    name: t.string({
      description: 'Project name.',
      upstreamCalls: {
        weight: 1,
        predict: (input) => {
          chargeProjectDetail(input, ['detail', 'summary']);
          return [];
        },
      },
      resolve: (p, _a, ctx) =>
        p.summary?.name ?? p.dto?.name ?? projectDto(p, ctx).then((dto) => dto.name),
    }),
    description: t.string({
      nullable: true,
      description: 'Free-text description; null when empty.',
      upstreamCalls: fromDetail,
      resolve: async (p, _a, ctx) => (await projectDto(p, ctx)).description || null,
    }),
    draft: t.boolean({
      nullable: true,
      description: 'Whether the project is a draft (visible to its members only).',
      upstreamCalls: fromDetail,
      resolve: async (p, _a, ctx) => (await projectDto(p, ctx)).draft,
    }),
    deploymentsCount: t.int({
      nullable: true,
      description: 'Number of monitoring stations (deployments).',
      upstreamCalls: fromDetail,
      resolve: async (p, _a, ctx) => (await projectDto(p, ctx)).deployments_count ?? null,
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the project was created (UTC).',
      upstreamCalls: fromDetail,
      resolve: async (p, _a, ctx) =>
        belugaTime((await projectDto(p, ctx)).created_at, ctx.config.beluga.timeZone),
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the project last changed (UTC).',
      upstreamCalls: fromDetail,
      resolve: async (p, _a, ctx) =>
        belugaTime((await projectDto(p, ctx)).updated_at, ctx.config.beluga.timeZone),
    }),
    permissions: t.stringList({
      description: 'What the caller may do with the project (Beluga `user_permissions`).',
      upstreamCalls: fromDetail,
      resolve: async (p, _a, ctx) => (await projectDto(p, ctx)).user_permissions,
    }),
  }),
});

builder.queryField('project', (t) =>
  t.field({
    type: ProjectRef,
    nullable: true,
    description:
      'A Beluga project by id; null when it does not exist or is a draft the caller is not a member of.',
    args: { sourceId: t.arg.int({ required: true, description: 'The Beluga project id.' }) },
    upstreamCalls: {
      weight: 1,
      predict: (input) => {
        const id = input.args.sourceId;
        if (parseBelugaId(String(id)) === null) return [];
        input.charge('beluga', 1, `project:${id}`);
        return [{ holds: 'detail' }];
      },
    },
    resolve: (_root, { sourceId }, ctx, info) => {
      if (parseBelugaId(String(sourceId)) === null) {
        throw badUserInput('The sourceId is not a valid project id.');
      }
      const project = loadProject(ctx, sourceId);
      // The selected fields' list calls need only the id (their `earlyLoad`, in
      // project-connections.ts): send them with the detail, not after it.
      const early: ProjectModel = { sourceId };
      prefetchChildFields(info, ctx, 'Project', early);
      return project;
    },
  }),
);

export const ProjectConnection = connectionType('Project', ProjectRef, {
  one: 'project',
  many: 'projects',
});

builder.queryField('projects', (t) =>
  t.field({
    type: ProjectConnection,
    description:
      "Beluga projects the caller may see (drafts only for their members), in Beluga's default order (priority, then creation). One Beluga list call per page.",
    args: {
      first: t.arg.int({ description: forwardArgDocs.first }),
      after: t.arg.string({ description: forwardArgDocs.after }),
    },
    upstreamCalls: {
      weight: 1,
      listSize: pageListSize('first'),
      predict: (input) => {
        const size = pageSize(input.args);
        if (size === null) return [];
        input.charge('beluga', 1, `projects:${JSON.stringify(input.args)}`);
        return connection([{ holds: 'detail', count: size, together: true }]);
      },
    },
    resolve: (_root, args, ctx) => {
      const key = listKey(['projects']);
      const source: PagedSource<ProjectModel> = {
        slice: async (offset, limit) => {
          const page = await ctx.loaders.projectList.load({ limit: Math.max(1, limit), offset });
          const items = page.results.slice(0, limit).map((dto) => ({ sourceId: dto.id, dto }));
          return { items, count: page.count };
        },
        count: async () => (await ctx.loaders.projectList.load({ limit: 1, offset: 0 })).count,
      };
      return resolvePage(parsePageArgs(args, key, 1), [source], () => 0, key);
    },
  }),
);
