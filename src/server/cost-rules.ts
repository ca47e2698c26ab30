/**
 * The cost rules: how many upstream calls each field of the graph can make, per upstream, written
 * from what its resolver and loaders do (src/schema, src/loaders). The walker (cost.ts) applies
 * them to a validated operation with its coerced variables (defaults included), so the prediction
 * is an upper bound of the calls the operation can make.
 *
 * A rule sees a group of parent objects of one kind (`count` is an upper bound of distinct
 * objects) and charges calls with a dedupe key, because every upstream read goes through a
 * per-request DataLoader: the same load from two fields or aliases of one group is one call.
 *
 * - Root lookups (`node`, `collection`, `project`, `job`): 1 call on the id's upstream; `nodes`:
 *   1 call per distinct id, on its upstream. An invalid id or page size makes 0 calls (the
 *   resolver refuses it before calling).
 * - Lists: `collections` 1 Beluga list call (plus 1 count call when paging with `before`) and the
 *   Wickson list once per request; `projects` 1 call; `Project.collections` 1 call per project;
 *   `Project.jobs` 1 call per project and (status, type) pair asked for (12 at most). A page holds
 *   `first`/`last` objects, default 20.
 * - Hydration, once per object: a capture set known from a job's summary fetches the set for any
 *   field outside the summary (1 per set; sets of one project share a list call); a Wickson
 *   collection from the list fetches its detail for `mediaTypeDistribution`, the dates and
 *   `createdAt` (1 per collection); Beluga `firstItemDate` and `lastItemDate` 1 each per set;
 *   counts on a set from a list without `with_counts` 1 per set; `Collection.jobs` 1 jobs list per
 *   set when a field outside the embedded summaries is selected.
 * - Projects of many objects: one `projects` list call when the objects arrive together (a page),
 *   else 1 per object. A project known by id or summary fetches its detail for fields besides
 *   `sourceId` and `name` (an id alone also for `name`).
 * - Whole-scope list calls (`limit=1000`) are assumed to hold every key they batch; ids they miss
 *   fall back to detail calls, which the runtime cap bounds.
 * - A field no rule names costs 1 call per parent object on each upstream; its children too.
 */

import { jobFilterCombinations } from '../schema/connections/jobs.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../schema/connections/page-args.ts';
import { decodeGlobalId, isWicksonId, parseBelugaId } from '../schema/global-id.ts';
import type { UpstreamName } from '../upstreams/errors.ts';

export type Args = Record<string, unknown>;

/** Objects of one kind reaching a selection. */
export interface Group {
  /** The GraphQL object type the selection applies to. */
  type: string;
  /** What the objects hold (a full payload, a summary, an id), per type. */
  variant: string;
  /** Upper bound of distinct objects. */
  count: number;
  /** True when all of them arrive in one tick (one page), so their project loads batch. */
  together: boolean;
  /** Beluga capture sets from a `with_counts` list: counts cost nothing. */
  withCounts?: boolean;
  /** Capture sets listed under their project: `project` is that project (loaded once for all). */
  projectLoaded?: boolean;
  /** Connection and edge groups: the groups of their nodes. */
  nodes?: Group[];
  /** The same objects seen as another type (stats of a collection): loads dedupe with them. */
  sameObjects?: boolean;
  /** Objects already walked as this group (an item's collection): loads dedupe with them. */
  shareWith?: Group;
  /** Items of a collection page: the collection group they were reached through. */
  parent?: Group;
  /** Set by the walker: the group whose dedupe keys this one shares. */
  scope?: Group;
}

export interface RuleInput {
  group: Group;
  args: Args;
  /** Charges `n` calls once per parent group and `key`. */
  charge(upstream: UpstreamName, n: number, key: string): void;
  /** Charges `n` calls once per request and `key` (a load that does not depend on the parent). */
  chargeOnce(upstream: UpstreamName, n: number, key: string): void;
  /** Whether any of `names` is selected directly under this field. */
  selects(names: readonly string[]): boolean;
}

/** The child groups the field's selection applies to (none for a leaf or a null). */
export type Rule = (input: RuleInput) => Group[];

const same =
  (type: string): Rule =>
  ({ group }) => [{ ...group, type, sameObjects: true }];

/** Page size a connection field uses: `last`, else `first`, else the default; null when refused. */
export function pageSize(args: Args): number | null {
  const first = typeof args.first === 'number' ? args.first : null;
  const last = typeof args.last === 'number' ? args.last : null;
  if (first !== null && last !== null) return null;
  const size = last ?? first ?? DEFAULT_PAGE_SIZE;
  return Number.isInteger(size) && size >= 0 && size <= MAX_PAGE_SIZE ? size : null;
}

const page = (group: Group, size: number): Pick<Group, 'count' | 'together'> => ({
  count: group.count * size,
  together: group.together && group.count <= 1,
});

const connection = (type: string, nodes: Group[]): Group[] =>
  nodes.length ? [{ type, variant: 'connection', count: 0, together: true, nodes }] : [];

// --- Beluga capture sets and Wickson collections -----------------------------------------------

const isBeluga = (g: Group) => g.variant.startsWith('beluga');
const isStub = (g: Group) => g.variant === 'beluga-stub';
/** A Wickson collection without its detail: from the list, or named by an item only (bare). */
const isWicksonList = (g: Group) => g.variant === 'wickson-list' || g.variant === 'wickson-bare';

/** A capture set from a job's summary fetches the set for fields outside the summary. */
function setPayload(input: RuleInput): void {
  if (isStub(input.group)) input.charge('beluga', input.group.count, 'capture-set');
}

/** A Wickson collection from the list fetches its detail for the stats. */
function wicksonDetail(input: RuleInput): void {
  if (isWicksonList(input.group)) input.charge('wickson', input.group.count, 'collection-detail');
}

function projectsOf(input: RuleInput, count: number): void {
  input.charge('beluga', input.group.together ? Math.min(1, count) : count, 'project');
}

const belugaPayloadField: Rule = (input) => {
  if (isBeluga(input.group)) setPayload(input);
  return [];
};

const captureDate =
  (end: string, wickson: (input: RuleInput) => void): Rule =>
  (input) => {
    if (isBeluga(input.group)) input.charge('beluga', input.group.count, `capture-date-${end}`);
    else wickson(input);
    return [];
  };

const counts: Rule = (input) => {
  const { group } = input;
  if (isStub(group)) setPayload(input);
  else if (isBeluga(group) && !group.withCounts) input.charge('beluga', group.count, 'counts');
  return [];
};

/** Job fields the capture set's embedded summaries lack (src/schema/collection-jobs.ts). */
const OUTSIDE_SUMMARY = ['name', 'progress', 'startedAt', 'finishedAt', 'durationSeconds'];

const collectionFields: Record<string, Rule> = {
  description: belugaPayloadField,
  methodArguments: belugaPayloadField,
  updatedAt: belugaPayloadField,
  permissions: belugaPayloadField,
  createdAt: (input) => {
    if (isBeluga(input.group)) setPayload(input);
    else wicksonDetail(input);
    return [];
  },
  project: (input) => {
    const { group } = input;
    if (!isBeluga(group)) return [];
    if (isStub(group)) return [{ ...group, type: 'Project', variant: 'summary' }];
    if (!group.projectLoaded) projectsOf(input, group.count);
    return [{ ...group, type: 'Project', variant: 'payload' }];
  },
  jobs: (input) => {
    const { group } = input;
    if (!isBeluga(group)) return [];
    setPayload(input);
    if (input.selects(OUTSIDE_SUMMARY)) input.charge('beluga', group.count, 'set-jobs');
    return [{ ...group, type: 'Job', variant: 'summary' }];
  },
  stats: same('MediaCollectionStats'),
  items: (input) => {
    const { group, args } = input;
    const size = pageSize(args);
    if (size === null) return [];
    const count = args.before != null ? 1 : 0;
    // Wickson: a window takes at most two numbered pages; a `last` page without a known total
    // first reads the largest page, then at most two windows.
    const wicksonCalls = (args.last != null ? 5 : 2) + count;
    if (isBeluga(group)) input.charge('beluga', group.count * (1 + count), `items:${key(args)}`);
    else input.charge('wickson', group.count * wicksonCalls, `items:${key(args)}`);
    const variant = isBeluga(group) ? 'beluga-listed' : 'wickson-listed';
    return connection('MediaItemConnection', [
      { type: 'MediaItem', variant, ...page(group, size), parent: group },
    ]);
  },
};

const key = (args: Args) => JSON.stringify(args);

const mediaItemFields: Record<string, Rule> = {
  collection: (input) => {
    const { group } = input;
    if (group.parent) return [{ ...group.parent, shareWith: group.parent }];
    // By id: a Beluga capture detail names its set (a stub, or one load); Wickson only the id.
    if (group.variant === 'beluga-detail') {
      input.charge('beluga', group.count, 'item-collection');
      return [{ ...group, type: 'Collection', variant: 'beluga', withCounts: true }];
    }
    return [{ ...group, type: 'Collection', variant: 'wickson-bare' }];
  },
  summary: (input) => {
    if (input.group.variant === 'wickson-listed') {
      input.charge('wickson', input.group.count, 'media-detail');
    }
    return [];
  },
};

/**
 * A write's answer lacks the capture counts (a create's are null): any count field of it loads the
 * set's detail, one call shared with occurrencesCount/taxaCount (the `counts` key).
 */
const writtenCounts: Rule = (input) => {
  if (input.group.variant === 'beluga-written') input.charge('beluga', input.group.count, 'counts');
  else belugaPayloadField(input);
  return [];
};

const statsFields: Record<string, Rule> = {
  itemCount: (input) => {
    if (isBeluga(input.group)) writtenCounts(input);
    else if (input.group.variant === 'wickson-bare') wicksonDetail(input);
    return [];
  },
  mediaTypeDistribution: (input) => {
    if (isBeluga(input.group)) writtenCounts(input);
    else wicksonDetail(input);
    return [];
  },
  firstItemDate: captureDate('first', wicksonDetail),
  lastItemDate: captureDate('last', wicksonDetail),
  withDetectionsCount: writtenCounts,
  processedCount: writtenCounts,
  occurrencesCount: counts,
  taxaCount: counts,
};

// --- Projects and jobs --------------------------------------------------------------------------

const projectPayload: Rule = (input) => {
  if (input.group.variant !== 'payload') projectsOf(input, input.group.count);
  return [];
};

const projectFields: Record<string, Rule> = {
  name: (input) => {
    if (input.group.variant === 'id') projectsOf(input, input.group.count);
    return [];
  },
  description: projectPayload,
  draft: projectPayload,
  deploymentsCount: projectPayload,
  createdAt: projectPayload,
  updatedAt: projectPayload,
  permissions: projectPayload,
  collections: (input) => {
    const { group, args } = input;
    const size = pageSize(args);
    if (size === null) return [];
    const perProject = args.before != null ? 2 : 1;
    input.charge('beluga', group.count * perProject, `collections:${JSON.stringify(args)}`);
    return connection('CollectionConnection', [
      {
        type: 'Collection',
        variant: 'beluga',
        withCounts: true,
        projectLoaded: group.variant === 'payload',
        ...page(group, size),
      },
    ]);
  },
  jobs: (input) => {
    const { group, args } = input;
    const size = pageSize(args);
    const pairs = jobPairs(args);
    if (size === null || pairs === 0) return [];
    input.charge('beluga', group.count * pairs, `jobs:${JSON.stringify(args)}`);
    return connection('JobConnection', [{ type: 'Job', variant: 'payload', ...page(group, size) }]);
  },
};

function jobPairs(args: Args): number {
  try {
    return jobFilterCombinations(args.status as string[] | null, args.type as string[] | null)
      .length;
  } catch {
    return 0;
  }
}

const jobFields: Record<string, Rule> = {
  collection: ({ group }) =>
    group.variant === 'summary'
      ? [{ ...group, type: 'Collection', variant: 'beluga' }]
      : [{ ...group, type: 'Collection', variant: 'beluga-stub' }],
  project: ({ group }) => [
    { ...group, type: 'Project', variant: group.variant === 'summary' ? 'id' : 'summary' },
  ],
};

// --- Root fields --------------------------------------------------------------------------------

const one = { count: 1, together: true };

/** The group a global id loads into, with the upstream and the calls it costs. */
function nodeGroup(id: unknown): { upstream: UpstreamName; calls: number; group: Group } | null {
  if (typeof id !== 'string') return null;
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalId(id);
  } catch {
    return null;
  }
  const wickson = decoded.id.startsWith('WICKSON:');
  const variants: Record<string, string> = {
    Collection: wickson ? 'wickson-detail' : 'beluga',
    MediaItem: wickson ? 'wickson-detail' : 'beluga-detail',
  };
  const variant = variants[decoded.typename] ?? 'payload';
  // A Beluga item key without its project (issued before it was added) reads the set first.
  const legacyItem =
    decoded.typename === 'MediaItem' && !wickson && decoded.id.split(':').length === 3;
  return {
    upstream: wickson ? 'wickson' : 'beluga',
    calls: legacyItem ? 2 : 1,
    // A capture-set detail always carries its counts.
    group: { type: decoded.typename, variant, ...one, withCounts: true },
  };
}

const queryFields: Record<string, Rule> = {
  node: (input) => {
    const found = nodeGroup(input.args.id);
    if (!found) return [];
    input.charge(found.upstream, found.calls, `node:${String(input.args.id)}`);
    return [found.group];
  },
  nodes: (input) => {
    const ids = Array.isArray(input.args.ids) ? new Set(input.args.ids) : new Set();
    const groups = new Map<string, Group>();
    for (const id of ids) {
      const found = nodeGroup(id);
      if (!found) continue;
      input.charge(found.upstream, found.calls, `node:${String(id)}`);
      const key = `${found.group.type}:${found.group.variant}`;
      const group = groups.get(key);
      if (group) group.count += 1;
      else groups.set(key, found.group);
    }
    return [...groups.values()];
  },
  collection: (input) => {
    const { source, sourceId } = input.args;
    if (typeof sourceId !== 'string') return [];
    if (source === 'BELUGA' && parseBelugaId(sourceId) !== null) {
      input.charge('beluga', 1, `capture-set:${sourceId}`);
      return [{ type: 'Collection', variant: 'beluga', ...one, withCounts: true }];
    }
    if (source === 'WICKSON' && isWicksonId(sourceId)) {
      input.charge('wickson', 1, `collection:${sourceId}`);
      return [{ type: 'Collection', variant: 'wickson-detail', ...one }];
    }
    return [];
  },
  collections: (input) => {
    const { args } = input;
    const size = pageSize(args);
    if (size === null) return [];
    const filter = (args.filter ?? {}) as Args;
    const given = Array.isArray(filter.sources) ? filter.sources : [];
    const sources = given.length ? given : ['BELUGA', 'WICKSON'];
    const belugaOnly = filter.projectId != null || filter.method != null;
    const groups: Group[] = [];
    if (sources.includes('BELUGA') && filter.method !== 'UNKNOWN') {
      const calls = args.before != null ? 2 : 1;
      input.charge('beluga', calls, `collections:${JSON.stringify(args)}`);
      const withCounts = filter.projectId != null;
      groups.push({
        type: 'Collection',
        variant: 'beluga',
        count: size,
        together: true,
        withCounts,
      });
    }
    if (sources.includes('WICKSON') && !belugaOnly) {
      input.chargeOnce('wickson', 1, 'wickson-collections');
      groups.push({ type: 'Collection', variant: 'wickson-list', count: size, together: true });
    }
    return connection('CollectionConnection', groups);
  },
  project: (input) => {
    const id = input.args.sourceId;
    if (typeof id !== 'number' || parseBelugaId(String(id)) === null) return [];
    input.charge('beluga', 1, `project:${id}`);
    return [{ type: 'Project', variant: 'payload', ...one }];
  },
  projects: (input) => {
    const size = pageSize(input.args);
    if (size === null) return [];
    input.charge('beluga', 1, `projects:${JSON.stringify(input.args)}`);
    return connection('ProjectConnection', [
      { type: 'Project', variant: 'payload', count: size, together: true },
    ]);
  },
  job: (input) => {
    const id = input.args.sourceId;
    if (typeof id !== 'number' || parseBelugaId(String(id)) === null) return [];
    input.charge('beluga', 1, `job:${id}`);
    return [{ type: 'Job', variant: 'payload', ...one }];
  },
};

// --- Mutations ----------------------------------------------------------------------------------

/** Job fields a populate answer (`{job_id, project_id}`) lacks: selecting one reads the job. */
const jobDetailFields = () => [
  ...(FREE_FIELDS.Job ?? []).filter((name) => name !== 'id' && name !== 'sourceId'),
  'collection',
  'project',
];

/**
 * Each mutation field is one Beluga write (never deduplicated: mutation fields run one after
 * another, and a write drops the request's Beluga reads, so reads under it are charged anew).
 */
let writeFields = 0;
const write =
  (payload: string, variant = 'payload'): Rule =>
  (input) => {
    writeFields += 1;
    input.charge('beluga', 1, `write:${writeFields}`);
    return [{ type: payload, variant, count: 1, together: true }];
  };

const mutationFields: Record<string, Rule> = {
  createCollection: write('CollectionPayload'),
  updateCollection: write('CollectionPayload'),
  deleteCollection: write('DeleteCollectionPayload'),
  populateCollection: write('JobPayload', 'populate'),
  createJob: write('JobPayload'),
  runJob: write('JobPayload'),
  retryJob: write('JobPayload'),
  cancelJob: write('JobPayload'),
};

const payloadFields: Record<string, Record<string, Rule>> = {
  CollectionPayload: {
    // The write's answer is the set's representation, with null counts.
    collection: ({ group }) => [{ ...group, type: 'Collection', variant: 'beluga-written' }],
  },
  JobPayload: {
    job: (input) => {
      if (input.group.variant === 'populate' && input.selects(jobDetailFields())) {
        input.charge('beluga', 1, 'populated-job');
      }
      return [{ ...input.group, type: 'Job', variant: 'payload' }];
    },
  },
};

/**
 * Type → field → rule. Fields in FREE_FIELDS read the parent's payload (no call). Connection and
 * edge types pass their node groups through (`edges`, `node`); `pageInfo` and `totalCount` are
 * free (the counts come with the page's list calls).
 */
export const COST_RULES: Record<string, Record<string, Rule>> = {
  Query: queryFields,
  Collection: collectionFields,
  MediaCollectionStats: statsFields,
  Project: projectFields,
  Job: jobFields,
  MediaItem: mediaItemFields,
  Mutation: mutationFields,
  ...payloadFields,
};

/** Fields that never call an upstream; the schema test checks that every field is classified. */
export const FREE_FIELDS: Record<string, readonly string[]> = {
  Collection: ['id', 'source', 'sourceId', 'name', 'method', 'projectId'],
  // fetchedAt is the fetch time of the payload the stats come from.
  MediaCollectionStats: ['fetchedAt'],
  Project: ['id', 'sourceId'],
  Job: [
    'id',
    'sourceId',
    'name',
    'status',
    'type',
    'createdAt',
    'updatedAt',
    'startedAt',
    'finishedAt',
    'durationSeconds',
    'progress',
    'permissions',
  ],
  MediaTypeCount: ['mediaType', 'count'],
  JobType: ['key', 'name'],
  JobProgress: ['status', 'progress', 'stages'],
  JobStage: ['key', 'name', 'status', 'progress', 'params'],
  JobProgressParam: ['key', 'name', 'value'],
  PageInfo: ['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor'],
  CollectionPayload: ['userErrors'],
  DeleteCollectionPayload: ['deletedId', 'userErrors'],
  JobPayload: ['userErrors'],
  UserError: ['field', 'message'],
  MediaItem: [
    'id',
    'source',
    'sourceId',
    'mediaType',
    'filename',
    'url',
    'capturedAt',
    'createdAt',
    'width',
    'height',
    'sizeBytes',
    'detectionsCount',
  ],
};
