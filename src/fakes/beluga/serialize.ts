/** Beluga wire shapes, key order as Antenna's serializers send them. */
import type { CaptureSetRecord, JobRecord, ProjectRecord } from '../dataset.ts';
import type { FakeRequest } from '../types.ts';
import {
  isMember,
  jobPermissions,
  objectPermissions,
  setPermissions as setPerms,
  type Viewer,
} from './access.ts';
import { link } from './drf.ts';

export function setPermissions(viewer: Viewer, set: CaptureSetRecord): string[] {
  return setPerms(viewer, set.project, set.name);
}

export function jobSummary(req: FakeRequest, viewer: Viewer, job: JobRecord) {
  return {
    id: job.id,
    details: link(req, `/api/v2/jobs/${job.id}/`),
    status: job.status,
    job_type: { name: job.jobType.name, key: job.jobType.key },
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    user_permissions: jobPermissions(viewer, job.project, job.jobType.key),
  };
}

/**
 * `withCounts`: occurrence and taxon counts (a detail, or `with_counts`). `annotated: false` is an
 * instance the view did not load through its annotated queryset (the answer to a create): the
 * model's count methods answer None there (Antenna `ami/main/models.py`
 * `SourceImageCollection.source_images_count`), so all five counts are null.
 */
export function captureSet(
  req: FakeRequest,
  viewer: Viewer,
  set: CaptureSetRecord,
  withCounts: boolean,
  annotated = true,
) {
  const captures = (count: number) => (annotated ? count : null);
  return {
    id: set.id,
    details: link(req, `/api/v2/captures/collections/${set.id}/`),
    name: set.name,
    project: set.project,
    method: set.method,
    kwargs: set.kwargs,
    source_images: link(req, '/api/v2/captures/', `collections=${set.id}`),
    source_images_count: captures(set.sourceImagesCount),
    source_images_with_detections_count: captures(set.withDetectionsCount),
    source_images_processed_count: captures(set.processedCount),
    occurrences_count: withCounts ? set.occurrencesCount : null,
    taxa_count: withCounts ? set.taxaCount : null,
    description: set.description,
    jobs: set.jobIds.map((id) => jobSummary(req, viewer, viewer.dataset.jobs.get(id)!)),
    created_at: set.createdAt,
    updated_at: set.updatedAt,
    user_permissions: setPermissions(viewer, set),
  };
}

export function projectItem(req: FakeRequest, viewer: Viewer, project: ProjectRecord) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    details: link(req, `/api/v2/projects/${project.id}/`),
    deployments_count: project.deployments.length,
    created_at: project.createdAt,
    updated_at: project.updatedAt,
    image: project.image ? `${req.origin}${project.image}` : null,
    draft: project.draft,
    user_permissions: objectPermissions(viewer, project.id, 'project'),
  };
}

function summaryData(viewer: Viewer, project: ProjectRecord) {
  const sets = [...viewer.dataset.captureSets.values()].filter((s) => s.project === project.id);
  const captures = sets.reduce((n, s) => n + s.sourceImagesCount, 0);
  const occurrences = sets.reduce((n, s) => n + s.occurrencesCount, 0);
  return [
    {
      id: 'captures',
      title: 'Captures',
      plots: [
        {
          title: 'Captures per station',
          type: 'bar',
          data: {
            x: project.deployments.map((d) => d.name),
            y: project.deployments.map((_, i) => Math.round(captures / (i + 2))),
          },
        },
      ],
    },
    {
      id: 'occurrences',
      title: 'Occurrences',
      plots: [{ title: 'Occurrences', type: 'bar', data: { x: ['total'], y: [occurrences] } }],
    },
  ];
}

export function projectDetail(
  req: FakeRequest,
  viewer: Viewer,
  project: ProjectRecord,
  withCharts: boolean,
) {
  const { user_permissions, ...item } = projectItem(req, viewer, project);
  return {
    ...item,
    deployments: project.deployments.map((d) => ({
      id: d.id,
      name: d.name,
      image: null,
      details: link(req, `/api/v2/deployments/${d.id}/`),
      latitude: d.latitude,
      longitude: d.longitude,
      events_count: d.events,
      user_permissions: objectPermissions(viewer, project.id, 'deployment'),
    })),
    ...(withCharts ? { summary_data: summaryData(viewer, project) } : {}),
    owner: {
      id: project.owner.id,
      name: project.owner.name,
      image: null,
      details: link(req, `/api/v2/users/${project.owner.id}/`),
      user_permissions: [],
    },
    feature_flags: {
      tags: false,
      reprocess_existing_detections: false,
      default_filters: false,
      reprocess_all_images: false,
      async_pipeline_workers: true,
    },
    settings: {
      default_filters_exclude_taxa: [],
      default_filters_include_taxa: [],
      default_filters_score_threshold: 0.5,
      default_processing_pipeline: null,
      session_time_gap_seconds: 7200,
      user_permissions,
    },
    is_member: isMember(viewer, project.id),
    user_permissions,
  };
}
