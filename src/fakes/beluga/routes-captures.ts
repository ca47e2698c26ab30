/**
 * `captures/` list and detail, as Antenna's `SourceImageViewSet`
 * (`ami/main/api/views.py`): `project_id` required on both; `with_detections` and `with_counts`
 * read as forms.BooleanField, off by default in the list and on by default on the detail.
 */

import { parseIntStrict } from '../http-utils.ts';
import type { FakeRequest, FakeResponse } from '../types.ts';
import { listPermissions, objectPermissions, type Viewer, visibleProject } from './access.ts';
import {
  type CaptureRef,
  captureId,
  captureTimestamp,
  resolveCapture,
  sliceCaptures,
} from './captures.ts';
import { detections } from './detections.ts';
import {
  fkError,
  link,
  notFound,
  pageWindow,
  parseOrdering,
  pkParam,
  projectIdParam,
  queryFlag,
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

interface Extras {
  withCounts: boolean;
  withDetections: boolean;
}

function capture(req: FakeRequest, viewer: Viewer, ref: CaptureRef, extras: Extras) {
  const id = captureId(ref);
  const project = viewer.dataset.projects.get(ref.set.project)!;
  const deployment = project.deployments[ref.index % project.deployments.length]!;
  const timestamp = captureTimestamp(ref);
  const eventId = ref.set.id * 1000 + Math.floor(ref.index / 50);
  const count = ref.index < ref.set.withDetectionsCount ? (id % 7) + 1 : 0;
  const path = `${deployment.id}/${timestamp.slice(0, 10).replaceAll('-', '')}/${timestamp.slice(11).replaceAll(':', '')}-snapshot.jpg`;
  const perms = (model: string) => objectPermissions(viewer, project.id, model);
  return {
    id,
    details: link(req, `/api/v2/captures/${id}/`),
    deployment: {
      id: deployment.id,
      name: deployment.name,
      details: link(req, `/api/v2/deployments/${deployment.id}/`),
      user_permissions: perms('deployment'),
    },
    event: {
      id: eventId,
      name: `${timestamp.slice(0, 10)} session`,
      details: link(req, `/api/v2/events/${eventId}/`),
      date_label: timestamp.slice(0, 10),
      user_permissions: perms('event'),
    },
    url: `${req.origin}/media/captures/${path}`,
    path,
    timestamp,
    width: 4096,
    height: 2160,
    size: 1_500_000 + (id % 997) * 1000,
    size_display: `${(1.5 + (id % 997) / 1000).toFixed(1)} MB`,
    detections_count: count,
    occurrences_count: extras.withCounts ? count : null,
    taxa_count: extras.withCounts ? Math.min(count, 3) : null,
    last_processed: ref.index < ref.set.processedCount ? ref.set.updatedAt : null,
    ...(extras.withDetections
      ? { detections: detections(req, viewer, id, count, project.id) }
      : {}),
    project: project.id,
    thumbnails: null,
    user_permissions: perms('sourceimage'),
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
  const extras = {
    withCounts: queryFlag(req, 'with_counts', false),
    withDetections: queryFlag(req, 'with_detections', false),
  };
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
      results: refs.map((ref) => capture(req, viewer, ref, extras)),
      user_permissions: listPermissions(viewer, projectId, 'sourceimage'),
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
  const body = capture(req, viewer, ref, {
    withCounts: queryFlag(req, 'with_counts', true),
    withDetections: queryFlag(req, 'with_detections', true),
  });
  const { project, thumbnails, user_permissions, ...rest } = body;
  return {
    status: 200,
    body: {
      ...rest,
      project,
      uploaded_by: null,
      test_image: false,
      jobs: [],
      collections: [
        {
          id: ref.set.id,
          name: ref.set.name,
          details: link(req, `/api/v2/captures/collections/${ref.set.id}/`),
          method: ref.set.method,
          user_permissions: objectPermissions(viewer, project, 'sourceimagecollection'),
        },
      ],
      event_next_capture_id: ref.index + 1 < ref.set.sourceImagesCount ? body.id + 1 : null,
      event_prev_capture_id: ref.index > 0 ? body.id - 1 : null,
      event_current_capture_index: ref.index,
      event_total_captures: ref.set.sourceImagesCount,
      thumbnails,
      user_permissions,
    },
  };
}
