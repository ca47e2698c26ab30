import type { JobProgressDto } from '../loaders/upstream.ts';
import { builder } from './builder.ts';
import { free } from './cost/types.ts';
import { JobStatus } from './enums.ts';
import { toJobStatus } from './normalize/enums.ts';

type StageDto = JobProgressDto['stages'][number];
type ParamDto = StageDto['params'][number];

const JobProgressParamRef = builder.objectRef<ParamDto>('JobProgressParam').implement({
  description: 'One figure reported by a job stage (e.g. "Processed: 320").',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Machine key, e.g. `processed`.' }),
    name: t.exposeString('name', { description: 'Label, e.g. "Processed".' }),
    value: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value verbatim (often a number; `""` before the stage starts).',
      upstreamCalls: free,
      resolve: (p) => p.value ?? null,
    }),
  }),
});

const JobStageRef = builder.objectRef<StageDto>('JobStage').implement({
  description: 'One stage of a job (e.g. collect, process, results).',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Machine key, e.g. `process`.' }),
    name: t.exposeString('name', { description: 'Label, e.g. "Process".' }),
    status: t.field({
      type: JobStatus,
      description: 'State of this stage.',
      upstreamCalls: free,
      resolve: (s, _a, ctx) => toJobStatus(s.status, ctx.logger),
    }),
    progress: t.exposeFloat('progress', { description: 'Completion from 0 to 1.' }),
    params: t.field({
      type: [JobProgressParamRef],
      description: 'Figures the stage reports.',
      upstreamCalls: free,
      resolve: (s) => s.params,
    }),
  }),
});

export const JobProgressRef = builder.objectRef<JobProgressDto>('JobProgress').implement({
  description: 'Progress of a job: a summary and its stages.',
  fields: (t) => ({
    status: t.field({
      type: JobStatus,
      description: 'Overall state as the progress summary reports it.',
      upstreamCalls: free,
      resolve: (p, _a, ctx) => toJobStatus(p.summary.status, ctx.logger),
    }),
    progress: t.float({
      description: 'Overall completion from 0 to 1 (mean of the stages).',
      upstreamCalls: free,
      resolve: (p) => p.summary.progress,
    }),
    stages: t.field({
      type: [JobStageRef],
      description: 'The stages in order.',
      upstreamCalls: free,
      resolve: (p) => p.stages,
    }),
  }),
});
