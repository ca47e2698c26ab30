/**
 * README "Example queries" (and the worked examples of "Cost: upstream calls"), with the capture
 * set and project of the Antenna under test in place of 21 and 23, and the upstream calls the
 * README states for each. Wickson stays the project's fake (`research_papers`).
 */
import type { AntennaEnv } from './env.ts';
import type { Facts } from './harness.ts';

export interface Example {
  name: string;
  query: (env: AntennaEnv, facts: Facts) => string;
  /** Beluga calls the README states for the query (Wickson's in `wickson`). */
  beluga: number;
  wickson: number;
}

const gid = (text: string) => Buffer.from(text).toString('base64url');

export const EXAMPLES: Example[] = [
  {
    name: 'both sources in one list, by name',
    query: () => `{
      collections(first: 5, orderBy: { field: NAME, direction: ASC }) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id source sourceId name stats { itemCount } project { name } } }
      } }`,
    // 1 capture-set list + 1 project lookup (one project on the page); 1 Wickson list.
    beluga: 2,
    wickson: 1,
  },
  {
    name: 'one capture set with its project and jobs',
    query: (env) => `{
      collection(source: BELUGA, sourceId: "${env.captureSetId}") {
        name method methodArguments createdAt
        project { name }
        stats { itemCount withDetectionsCount occurrencesCount taxaCount }
        jobs { sourceId status type { key name } createdAt }
      } }`,
    beluga: 2,
    wickson: 0,
  },
  {
    name: 'a capture set with jobs: progress (one jobs list) and firstItemDate (one captures call)',
    query: (_env, facts) => `{
      collection(source: BELUGA, sourceId: "${facts.setWithJobs}") {
        name project { name }
        stats { firstItemDate }
        jobs { sourceId progress { progress } startedAt }
      } }`,
    beluga: 4,
    wickson: 0,
  },
  {
    name: "a project's capture sets with counts",
    query: (env) => `{
      project(sourceId: ${env.projectId}) {
        name
        collections(first: 20) {
          totalCount
          edges { node { name project { name } jobs { status } stats { itemCount occurrencesCount taxaCount } } }
        }
      } }`,
    beluga: 2,
    wickson: 0,
  },
  {
    name: "a project's capture sets without counts",
    query: (env) => `{
      project(sourceId: ${env.projectId}) {
        name
        collections(first: 20) { totalCount edges { node { name stats { itemCount } } } }
      } }`,
    beluga: 2,
    wickson: 0,
  },
  {
    name: "a Wickson collection's stats",
    query: () => `{
      collection(source: WICKSON, sourceId: "research_papers") {
        name
        stats { itemCount firstItemDate lastItemDate mediaTypeDistribution { mediaType count } }
      } }`,
    beluga: 0,
    wickson: 1,
  },
  {
    name: "browse a capture set's images",
    query: (env) => `{
      collection(source: BELUGA, sourceId: "${env.captureSetId}") {
        name
        items(first: 50) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { id filename url capturedAt width height sizeBytes detectionsCount } }
        }
      } }`,
    beluga: 2,
    wickson: 0,
  },
  {
    name: "a capture set's last images (last: N alone, one -timestamp call)",
    query: (env) => `{
      collection(source: BELUGA, sourceId: "${env.captureSetId}") {
        items(last: 3) { totalCount edges { node { id capturedAt } } }
      } }`,
    beluga: 2,
    wickson: 0,
  },
  {
    name: "a Wickson collection's documents",
    query: () => `{
      collection(source: WICKSON, sourceId: "research_papers") {
        stats { mediaTypeDistribution { mediaType count } }
        items(first: 20) { totalCount edges { node { id mediaType filename createdAt summary } } }
      } }`,
    beluga: 0,
    // 1 detail + 1 media page + 2 media details (videos lack a listed summary).
    wickson: 4,
  },
  {
    name: 'jobs of a project, filtered by two statuses',
    query: (env) => `{
      project(sourceId: ${env.projectId}) {
        jobs(first: 10, status: [SUCCESS, FAILURE]) {
          totalCount
          edges { node { sourceId name status type { key } durationSeconds progress { progress } collection { name } } }
        }
      } }`,
    beluga: 3,
    wickson: 0,
  },
  {
    name: 'any object by id, mixing types and sources',
    query: (env) => `{
      nodes(ids: ["${gid(`Collection:BELUGA:${env.captureSetId}`)}", "${gid('Collection:WICKSON:research_papers')}"]) {
        id
        ... on Collection { source name }
      } }`,
    beluga: 1,
    wickson: 1,
  },
  {
    name: 'cost example: a set, its project and its first capture date',
    query: (env) => `{
      collection(source: BELUGA, sourceId: "${env.captureSetId}") { name project { name } stats { firstItemDate } } }`,
    beluga: 3,
    wickson: 0,
  },
  {
    name: 'cost example: the backend-for-frontend query',
    query: () => `{
      sets: collections(first: 50, filter: { sources: [BELUGA] }, orderBy: { field: NAME }) {
        edges { node { id name project { sourceId name } } }
      }
      media: collections(first: 100, filter: { sources: [WICKSON] }) {
        edges { node { id name createdAt stats { itemCount firstItemDate lastItemDate mediaTypeDistribution { mediaType count } } } }
      } }`,
    // Beluga: the set list and one project lookup; Wickson: the list and 4 details.
    beluga: 2,
    wickson: 5,
  },
];
