/**
 * The model types whose objects cost differently depending on what they hold, each with its view
 * (`holds`, declared beside the model). A field declaration on one of these types is typed by its
 * view; other object types are `'plain'` (see `HoldsOf` in ./types.ts).
 */
import type {
  CollectionHolds,
  CollectionParent,
  JobHolds,
  JobModel,
  MediaItemHolds,
  MediaItemModel,
  ProjectHolds,
  ProjectModel,
} from '../models.ts';
import type { JobPayloadHolds, JobPayloadModel } from '../payload-models.ts';

export interface CostViews {
  Collection: { model: CollectionParent; holds: CollectionHolds };
  Project: { model: ProjectModel; holds: ProjectHolds };
  Job: { model: JobModel; holds: JobHolds };
  MediaItem: { model: MediaItemModel; holds: MediaItemHolds };
  JobPayload: { model: JobPayloadModel; holds: JobPayloadHolds };
}
