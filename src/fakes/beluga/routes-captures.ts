/** `captures/` list (project_id required) and detail (contract §10). */

import { parseIntStrict } from '../http-utils.ts';
import type { FakeRequest, FakeResponse } from '../types.ts';
import { permissions, type Viewer, visibleProject } from './access.ts';
import {
  type CaptureRef,
  captureId,
  captureTimestamp,
  resolveCapture,
  sliceCaptures,
} from './captures.ts';
import {
  fkError,
  link,
  notFound,
  pageWindow,
  parseOrdering,
  pkParam,
  projectIdParam,
  truthy,
} from './drf.ts';

const ORDERING = [
  'created_at',
  'updated_at',
  'timestamp',
  'size',
  'width',
  'height',
  'detections_count',
  'occurrences_count',
  'taxa_count',
  'deployment__name',
  'event__start',
  'path',
  'last_processed',
];

function capture(req: FakeRequest, viewer: Viewer, ref: CaptureRef, withCounts: boolean) {
  const id = captureId(ref);
  const project = viewer.dataset.projects.get(ref.set.project)!;
  const deployment = project.deployments[ref.index % project.deployments.length]!;
  const timestamp = captureTimestamp(ref);
  const eventId = ref.set.id * 1000 + Math.floor(ref.index / 50);
  const detections = ref.index < ref.set.withDetectionsCount ? (id % 7) + 1 : 0;
  const path = `${deployment.id}/${timestamp.slice(0, 10).replaceAll('-', '')}/${timestamp.slice(11).replaceAll(':', '')}-snapshot.jpg`;
  return {
    id,
    details: link(req, `/api/v2/captures/${id}/`),
    deployment: {
      id: deployment.id,
      name: deployment.name,
      details: link(req, `/api/v2/deployments/${deployment.id}/`),
    },
    event: {
      id: eventId,
      name: `${timestamp.slice(0, 10)} session`,
      details: link(req, `/api/v2/events/${eventId}/`),
      date_label: timestamp.slice(0, 10),
    },
    url: `${req.origin}/media/captures/${path}`,
    path,
    timestamp,
    width: 4096,
    height: 2160,
    size: 1_500_000 + (id % 997) * 1000,
    size_display: `${(1.5 + (id % 997) / 1000).toFixed(1)} MB`,
    detections_count: detections,
    occurrences_count: withCounts ? detections : null,
    taxa_count: withCounts ? Math.min(detections, 3) : null,
    last_processed: ref.index < ref.set.processedCount ? ref.set.updatedAt : null,
    project: project.id,
    thumbnails: null,
    user_permissions: permissions(viewer, project.id, 'project').filter((p) => p !== 'update'),
  };
}

export function listCaptures(req: FakeRequest, viewer: Viewer): FakeResponse {
  const projectId = projectIdParam(req, true)!;
  if (!visibleProject(viewer, projectId)) throw notFound();
  let sets = [...viewer.dataset.captureSets.values()].filter((s) => s.project === projectId);
  const collections = req.query.get('collections');
  if (collections !== null && collections !== '') {
    const id = parseIntStrict(collections);
    if (id === null || !viewer.dataset.captureSets.has(id)) throw fkError('collections');
    sets = sets.filter((s) => s.id === id);
  }
  const withCounts = truthy(req.query.get('with_counts'));
  const [term] = parseOrdering(req, ORDERING);
  const desc =
    term !== undefined &&
    ['timestamp', 'created_at', 'updated_at'].includes(term.field) &&
    term.desc;
  const count = sets.reduce((n, s) => n + s.sourceImagesCount, 0);
  const page = pageWindow(req, count, 20);
  const limit = Math.max(0, Math.min(page.limit, count - page.offset));
  const refs = limit > 0 ? sliceCaptures(sets, page.offset, limit, desc) : [];
  return {
    status: 200,
    body: {
      count,
      next: page.next,
      previous: page.previous,
      results: refs.map((ref) => capture(req, viewer, ref, withCounts)),
      user_permissions: [],
    },
  };
}

/**
 * The detail requires `project_id` (400 without, 404 for a project that does not exist or is
 * hidden), and `project_id` filters: a capture of another project is 404 (Antenna
 * `ami/main/api/views.py` `SourceImageViewSet`: `require_project` on retrieve, `project_id` a
 * filterset field).
 */
export function getCapture(req: FakeRequest, viewer: Viewer, rawId: string): FakeResponse {
  const projectId = projectIdParam(req, true)!;
  if (!visibleProject(viewer, projectId)) throw notFound();
  const ref = resolveCapture(viewer.dataset.captureSets, pkParam(rawId));
  if (!ref || ref.set.project !== projectId) throw notFound();
  const body = capture(req, viewer, ref, true);
  const { user_permissions, ...rest } = body;
  return {
    status: 200,
    body: {
      ...rest,
      jobs: [],
      collections: [
        {
          id: ref.set.id,
          name: ref.set.name,
          details: link(req, `/api/v2/captures/collections/${ref.set.id}/`),
          method: ref.set.method,
        },
      ],
      event_next_capture_id: ref.index + 1 < ref.set.sourceImagesCount ? body.id + 1 : null,
      event_prev_capture_id: ref.index > 0 ? body.id - 1 : null,
      event_current_capture_index: ref.index,
      event_total_captures: ref.set.sourceImagesCount,
      user_permissions,
    },
  };
}
