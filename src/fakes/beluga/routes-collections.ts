/** `captures/collections/` list and detail (Antenna's `SourceImageCollectionViewSet`). */
import type { CaptureSetRecord } from '../dataset.ts';
import { METHODS } from '../dataset-sets.ts';
import { djangoHtml, html } from '../http-utils.ts';
import type { FakeRequest, FakeResponse } from '../types.ts';
import { canSee, listPermissions, type Viewer, visibleProject } from './access.ts';
import {
  choiceError,
  notFound,
  paginate,
  parseOrdering,
  pkParam,
  projectIdParam,
  queryFlag,
  sortBy,
} from './drf.ts';
import { createListCache } from './list-cache.ts';
import { captureSet } from './serialize.ts';

const cached = createListCache<CaptureSetRecord>();

const ORDERING = [
  'id',
  'created_at',
  'updated_at',
  'name',
  'method',
  'source_images_count',
  'source_images_with_detections_count',
  'source_images_processed_count',
  'occurrences_count',
];

/**
 * `with_counts` present (any value) makes `project_id` mandatory, on list and detail; its value
 * reads as Django's forms.BooleanField; absent, lists leave the counts out and the detail has them.
 */
function countsParams(req: FakeRequest, detail: boolean) {
  const projectId = projectIdParam(req, req.query.has('with_counts'));
  return { projectId, withCounts: queryFlag(req, 'with_counts', detail) };
}

/**
 * With no valid `ordering`, the most recently updated first (Antenna PR #1381, RolnickLab/antenna:
 * the capture-set viewset's default ordering became `-updated_at`); ties by id.
 */
const DEFAULT_ORDER = [{ field: 'updated_at', desc: true }];

function sortValue(set: CaptureSetRecord, field: string): string | number {
  switch (field) {
    case 'name':
      return set.name.toLowerCase();
    case 'created_at':
      return set.createdAt;
    case 'updated_at':
      return set.updatedAt;
    case 'method':
      return set.method;
    case 'source_images_count':
      return set.sourceImagesCount;
    case 'source_images_with_detections_count':
      return set.withDetectionsCount;
    case 'source_images_processed_count':
      return set.processedCount;
    case 'occurrences_count':
      return set.occurrencesCount;
    default:
      return set.id;
  }
}

export function listCollections(req: FakeRequest, viewer: Viewer): FakeResponse {
  const { projectId, withCounts } = countsParams(req, false);
  const method = req.query.get('method');
  if (method !== null && method !== '' && !METHODS.includes(method))
    throw choiceError('method', method);
  const scoped = projectId !== null && viewer.dataset.projects.has(projectId) ? projectId : null;
  const ordering = parseOrdering(req, ORDERING);
  // The real API orders by an annotation that only exists with counts: a server error.
  if (!withCounts && ordering.some((t) => t.field === 'occurrences_count'))
    return html(500, djangoHtml(500));
  const sorted = cached(req, viewer, () => {
    const sets = [...viewer.dataset.captureSets.values()].filter(
      (s) =>
        canSee(viewer, viewer.dataset.projects.get(s.project)) &&
        (scoped === null || s.project === scoped) &&
        (!method || s.method === method),
    );
    return sortBy(sets, ordering.length > 0 ? ordering : DEFAULT_ORDER, sortValue);
  });
  const page = paginate(req, sorted, 20);
  return {
    status: 200,
    body: {
      ...page,
      results: page.results.map((s) => captureSet(req, viewer, s, withCounts)),
      user_permissions: listPermissions(viewer, scoped, 'sourceimagecollection'),
    },
  };
}

export function getCollection(req: FakeRequest, viewer: Viewer, rawId: string): FakeResponse {
  const id = pkParam(rawId);
  const { withCounts } = countsParams(req, true);
  const set = viewer.dataset.captureSets.get(id);
  if (!set || !visibleProject(viewer, set.project)) throw notFound();
  return { status: 200, body: captureSet(req, viewer, set, withCounts) };
}
