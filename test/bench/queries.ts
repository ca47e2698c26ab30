/**
 * The bench queries with their minimum upstream calls N* and dependent rounds d, worked out
 * by hand from ../shared/DESIGN.md ("How a query is resolved") and the upstream contracts, and the
 * variants (ids, cursors) the load rotates through so no cache flatters the numbers.
 */
import type { Dataset } from '../../src/fakes/dataset.ts';

export type QueryName = 'Q1' | 'Q2' | 'Q3' | 'Q4';

/** One upstream call of the floor script; `{0.project}` is filled from wave-1 response 0. */
export interface FloorCall {
  upstream: 'beluga' | 'wickson';
  path: string;
}

export interface Variant {
  variables: Record<string, unknown>;
  /** N* for this variant. */
  minCalls: number;
  /** Exactly the N* calls, grouped in dependent waves (d = waves.length). */
  waves: FloorCall[][];
}

export interface BenchQuery {
  name: QueryName;
  document: string;
  /** Dependent upstream rounds the ideal plan needs (the floor uses the same waves). */
  d: number;
  /** N* as a formula, for the report. */
  nStar: string;
  variants: Variant[];
  /** A substring that marks a wrong (empty) answer in a 200 response. */
  nullMarker?: string;
  /** Which variant a response answers (Q3: the page), when variants differ in N*. */
  classify?: (body: string) => number | undefined;
}

/**
 * Q1 point lookup. Wave 1: GET captures/collections/{id}/ (detail: the stats counts incl.
 * occurrences_count and the embedded job summaries status/job_type/created_at). Wave 2: GET
 * projects/{project}/ for `project { name }` (the detail only gives the project id).
 * N* = 2, d = 2.
 */
export const Q1 = `query Q1($id: String!) {
  collection(source: BELUGA, sourceId: $id) {
    id name method
    project { name }
    stats { itemCount occurrencesCount withDetectionsCount }
    jobs { status type { key } createdAt }
  }
}`;

/**
 * Q2 project page. Both calls need only the argument: GET projects/{id}/ and GET
 * captures/collections/?project_id={id}&limit=20 (items carry source_images_count and embedded
 * job summaries; every node's `project` is the same project, already loaded). N* = 2; d = 1 when
 * the two calls go out together (a gateway that awaits the project before the list needs d = 2).
 */
export const Q2 = `query Q2($id: Int!) {
  project(sourceId: $id) {
    name
    collections(first: 20) {
      edges { node { name project { name } jobs { status } stats { itemCount } } }
    }
  }
}`;

/**
 * Q3 merged page of 50. Wave 1: Beluga list (limit 50 at the cursor's offset) + Wickson list
 * (unpaginated; gives item_count). Wave 2: one Wickson collection detail per Wickson collection
 * on the page (mediaTypeDistribution, firstItemDate), one `captures/?ordering=timestamp&limit=1`
 * per Beluga set on the page (firstItemDate), and one projects list when the page holds ≥ 2
 * distinct projects (one project detail when only one). N* = 2 + W + B + [B > 0], d = 2.
 */
export const Q3 = `query Q3($cursor: String) {
  collections(first: 50, after: $cursor) {
    edges { node {
      name source
      stats { itemCount mediaTypeDistribution { mediaType count } firstItemDate }
      project { name }
    } }
  }
}`;

/**
 * Q4 browse items: a capture set's and a Wickson collection's first 20 items with their stats.
 * Wave 1: GET captures/collections/{id}/ (the set's project, source_images_count), GET
 * /v1/media/collections/{w} (mediaTypeDistribution) and GET /v1/media?collection={w}&page=1&page_size=20
 * (needs only the name). Wave 2: GET captures/?project_id={project}&collections={id}&limit=20
 * (project_id is required and comes from the set). N* = 4, d = 2.
 */
export const Q4 = `query Q4($beluga: String!, $wickson: String!) {
  b: collection(source: BELUGA, sourceId: $beluga) {
    name stats { itemCount }
    items(first: 20) { totalCount edges { cursor node { id filename url capturedAt width height detectionsCount } } }
  }
  w: collection(source: WICKSON, sourceId: $wickson) {
    stats { itemCount mediaTypeDistribution { mediaType count } }
    items(first: 20) { totalCount edges { cursor node { id mediaType filename createdAt } } }
  }
}`;

/** Cheap query (the two list calls) walking the pages to learn each one's composition. */
export const Q3_DISCOVERY = `query Q3Discovery($cursor: String) {
  collections(first: 50, after: $cursor) {
    pageInfo { endCursor hasNextPage }
    edges { node { source sourceId } }
  }
}`;

const PROJECT_DETAIL = (id: number | string) => `/api/v2/projects/${id}/?with_charts=false`;
export const PROJECTS_LIST = '/api/v2/projects/?limit=1000';

function visibleCaptureSets(dataset: Dataset): { id: number; project: number }[] {
  return [...dataset.captureSets.values()]
    .filter((s) => dataset.projects.get(s.project)?.draft === false)
    .map((s) => ({ id: s.id, project: s.project }))
    .sort((a, b) => a.id - b.id);
}

/** Up to `n` items spread evenly over `items`. */
function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)] as T);
}

export function q1Variants(dataset: Dataset, n = 64): Variant[] {
  return spread(visibleCaptureSets(dataset), n).map((s) => ({
    variables: { id: String(s.id) },
    minCalls: 2,
    waves: [
      [{ upstream: 'beluga', path: `/api/v2/captures/collections/${s.id}/` }],
      [{ upstream: 'beluga', path: PROJECT_DETAIL('{0.project}') }],
    ],
  }));
}

export function q2Variants(dataset: Dataset, n = 32): Variant[] {
  const projects = [...dataset.projects.values()].filter((p) => !p.draft).map((p) => p.id);
  return spread(projects, n).map((id) => ({
    variables: { id },
    minCalls: 2,
    waves: [
      [
        { upstream: 'beluga', path: PROJECT_DETAIL(id) },
        {
          upstream: 'beluga',
          path: `/api/v2/captures/collections/?limit=20&offset=0&project_id=${id}`,
        },
      ],
    ],
  }));
}

export function q4Variants(dataset: Dataset, n = 32): Variant[] {
  const sets = visibleCaptureSets(dataset).filter(
    (s) => (dataset.captureSets.get(s.id)?.sourceImagesCount ?? 0) > 0,
  );
  const wickson = dataset.wickson.collections.filter((c) => c.items.length > 0).map((c) => c.id);
  return spread(sets, n).map((s, i) => {
    const w = wickson[i % wickson.length] as string;
    return {
      variables: { beluga: String(s.id), wickson: w },
      minCalls: 4,
      waves: [
        [
          { upstream: 'beluga', path: `/api/v2/captures/collections/${s.id}/` },
          { upstream: 'wickson', path: `/v1/media/collections/${encodeURIComponent(w)}` },
          {
            upstream: 'wickson',
            path: `/v1/media?collection=${encodeURIComponent(w)}&page=1&page_size=20`,
          },
        ],
        [
          {
            upstream: 'beluga',
            path: `/api/v2/captures/?collections=${s.id}&limit=20&offset=0&ordering=timestamp&project_id={0.project}`,
          },
        ],
      ],
    };
  });
}

/** What one merged page holds, learnt from the gateway (or, for --floor-only, from the dataset). */
export interface PageComposition {
  cursor: string | null;
  /** Path and query of the Beluga list call for this page. */
  belugaListPath: string;
  beluga: { id: number; project: number }[];
  wickson: string[];
}

export function q3Variant(page: PageComposition): Variant {
  const projects = [...new Set(page.beluga.map((s) => s.project))];
  const projectCall: FloorCall[] =
    projects.length >= 2
      ? [{ upstream: 'beluga', path: PROJECTS_LIST }]
      : projects.length === 1
        ? [{ upstream: 'beluga', path: PROJECT_DETAIL(projects[0] as number) }]
        : [];
  const wave2: FloorCall[] = [
    ...page.wickson.map(
      (id): FloorCall => ({
        upstream: 'wickson',
        path: `/v1/media/collections/${encodeURIComponent(id)}`,
      }),
    ),
    ...page.beluga.map(
      (s): FloorCall => ({
        upstream: 'beluga',
        path: `/api/v2/captures/?collections=${s.id}&limit=1&ordering=timestamp&project_id=${s.project}`,
      }),
    ),
    ...projectCall,
  ];
  const wave1: FloorCall[] = [
    { upstream: 'beluga', path: page.belugaListPath },
    { upstream: 'wickson', path: '/v1/media/collections' },
  ];
  return {
    variables: { cursor: page.cursor },
    minCalls: wave1.length + wave2.length,
    waves: wave2.length > 0 ? [wave1, wave2] : [wave1],
  };
}

/**
 * Fallback composition for --floor-only (no gateway yet): merged by name, case-insensitively,
 * as Beluga orders `ordering=name`. Only used to exercise the floor script.
 */
export function q3PagesFromDataset(dataset: Dataset, pages: number): PageComposition[] {
  const byName = (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase());
  const beluga = visibleCaptureSets(dataset).map((s) => ({
    ...s,
    name: dataset.captureSets.get(s.id)?.name ?? '',
  }));
  beluga.sort((a, b) => byName(a.name, b.name));
  const wickson = dataset.wickson.collections.map((c) => c.id).sort(byName);
  const out: PageComposition[] = [];
  let bi = 0;
  let wi = 0;
  for (let p = 0; p < pages; p += 1) {
    const page: PageComposition = {
      cursor: p === 0 ? null : `page-${p}`,
      belugaListPath: `/api/v2/captures/collections/?limit=50&offset=${bi}&ordering=name`,
      beluga: [],
      wickson: [],
    };
    for (let k = 0; k < 50; k += 1) {
      const b = beluga[bi];
      const w = wickson[wi];
      if (b && (!w || byName(b.name, w) <= 0)) {
        page.beluga.push({ id: b.id, project: b.project });
        bi += 1;
      } else if (w) {
        page.wickson.push(w);
        wi += 1;
      }
    }
    out.push(page);
  }
  return out;
}
