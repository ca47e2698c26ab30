/**
 * The detections a capture shows with `with_detections` (by default on its detail), in the shape
 * of Antenna's nested detection serializer (`ami/main/api/serializers.py`): a box, the occurrence
 * it belongs to with its determination (a taxon), and the link to its classifications. Derived
 * from the capture's id, so the same capture always shows the same detections.
 */
import type { FakeRequest } from '../types.ts';
import { objectPermissions, type Viewer } from './access.ts';
import { link } from './drf.ts';

const TAXA = [
  { id: 3, name: 'Lepidoptera', rank: 'ORDER' },
  { id: 5, name: 'Vanessa cardui', rank: 'SPECIES' },
  { id: 8, name: 'Noctuidae', rank: 'FAMILY' },
  { id: 13, name: 'Actias luna', rank: 'SPECIES' },
];

export function detections(
  req: FakeRequest,
  viewer: Viewer,
  captureId: number,
  count: number,
  projectId: number,
) {
  const perms = (model: string) => objectPermissions(viewer, projectId, model);
  return Array.from({ length: count }, (_, k) => {
    const id = captureId * 10 + k;
    const taxon = TAXA[(captureId + k) % TAXA.length]!;
    const x = ((captureId * 7 + k * 13) % 80) / 100;
    const y = ((captureId * 11 + k * 17) % 80) / 100;
    return {
      id,
      details: link(req, `/api/v2/detections/${id}/`),
      url: `/media/detections/${id}.jpg`,
      width: null,
      height: null,
      bbox: [x, y, Math.round((x + 0.1) * 100) / 100, Math.round((y + 0.1) * 100) / 100],
      occurrence: {
        id,
        details: link(req, `/api/v2/occurrences/${id}/`),
        determination: {
          ...taxon,
          details: link(req, `/api/v2/taxa/${taxon.id}/`),
          gbif_taxon_key: null,
          fieldguide_id: null,
          inat_taxon_id: null,
          cover_image_url: null,
          cover_image_credit: null,
          user_permissions: perms('taxon'),
        },
        determination_score: 0.5 + (id % 50) / 100,
        user_permissions: perms('occurrence'),
      },
      classifications: link(req, '/api/v2/classifications/', `detection=${id}`),
      occurrence_meets_criteria: true,
      user_permissions: perms('detection'),
    };
  });
}
