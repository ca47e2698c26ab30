import { builder } from './builder.ts';
import type { JobModel } from './models.ts';

export const JobRef = builder.objectRef<JobModel>('Job');
