import { builder } from './builder.ts';
import type { ProjectModel } from './models.ts';

export const ProjectRef = builder.objectRef<ProjectModel>('Project');
