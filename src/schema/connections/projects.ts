import { builder } from '../builder.ts';
import type { ProjectModel } from '../models.ts';
import { ProjectRef } from '../project.ts';
import { forwardArgDocs } from './args.ts';
import { listKey } from './cursor.ts';
import { parsePageArgs } from './page-args.ts';
import { type PagedSource, resolvePage } from './paging.ts';
import { connectionType } from './types.ts';

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
