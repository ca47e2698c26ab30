/**
 * The soak's query mix: point lookups on both sources, project collections, merged pages, jobs
 * and node/nodes over ids seen in earlier answers. Deterministic for a given seed.
 */
import type { Dataset } from '../../src/fakes/dataset.ts';

export interface SoakQuery {
  kind: string;
  query: string;
  variables?: Record<string, unknown>;
}

export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(rng: () => number, items: readonly T[]): T => {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('soak: empty pick list');
  return item;
};

export function createQueryMix(dataset: Dataset, rng: () => number) {
  const setIds = [...dataset.captureSets.keys()];
  const projectIds = [...dataset.projects.keys()];
  const jobIds = [...dataset.jobs.keys()];
  const wicksonIds = dataset.wickson.collections.map((c) => c.id);
  const seenIds: string[] = [];

  const builders: Array<() => SoakQuery> = [
    () => ({
      kind: 'beluga point',
      query: `query P($id: String!) { collection(source: BELUGA, sourceId: $id) { id name method stats { itemCount } } }`,
      variables: { id: String(pick(rng, setIds)) },
    }),
    () => ({
      kind: 'wickson point',
      query: `query W($id: String!) { collection(source: WICKSON, sourceId: $id) {
        id name stats { itemCount mediaTypeDistribution { mediaType count } } } }`,
      variables: { id: pick(rng, wicksonIds) },
    }),
    () => ({
      kind: 'both points',
      query: `{ b: collection(source: BELUGA, sourceId: "21") { name }
        w: collection(source: WICKSON, sourceId: "research_papers") { name stats { itemCount } } }`,
    }),
    () => ({
      kind: 'project collections',
      query: `query PC($id: Int!) { project(sourceId: $id) { name
        collections(first: 5) { totalCount edges { node { id name stats { itemCount } } } } } }`,
      variables: { id: pick(rng, projectIds) },
    }),
    () => ({
      kind: 'merged page',
      query: `{ collections(first: 10) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { id source sourceId name } } } }`,
    }),
    () => ({
      kind: 'job',
      query: `query J($id: Int!) { job(sourceId: $id) { name status type { key } collection { name } } }`,
      variables: { id: pick(rng, jobIds) },
    }),
    () =>
      seenIds.length < 3
        ? { kind: 'merged page', query: '{ collections(first: 5) { edges { node { id } } } }' }
        : {
            kind: 'nodes',
            query: `query N($ids: [ID!]!) { nodes(ids: $ids) { id ... on Collection { name } } }`,
            variables: { ids: [pick(rng, seenIds), pick(rng, seenIds), pick(rng, seenIds)] },
          },
  ];

  return {
    next: (): SoakQuery => pick(rng, builders)(),
    /** Collects global ids from answers so node/nodes queries hit real objects. */
    observe(body: unknown) {
      if (seenIds.length >= 200) return;
      const text = JSON.stringify(body);
      for (const match of text.matchAll(/"id":"([^"]{8,200})"/g)) {
        if (match[1] && !seenIds.includes(match[1])) seenIds.push(match[1]);
      }
    },
  };
}
