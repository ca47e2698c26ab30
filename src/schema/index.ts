import { builder } from './builder.ts';
import './enums.ts';
import './media-stats.ts';
import './job-progress.ts';
import './collection.ts';
import './project.ts';
import './job.ts';
import './media-item.ts';
import './collection-items.ts';
import './collection-list.ts';
import './project-connections.ts';
import './user-error.ts';
import './mutation.ts';
import './collection-mutations.ts';
import './job-mutations.ts';
import './subscription.ts';

export const schema = builder.toSchema();
