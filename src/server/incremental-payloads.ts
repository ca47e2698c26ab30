/**
 * The payloads of an incremental result (@defer/@stream) cleaned as a single result is
 * (plugins/use-operations.ts): every error, at the top of the first payload or in a later payload's
 * `incremental` entries, goes through the same allowlist (`sanitizeErrors`: closed codes, constant
 * messages, the request id); an upstream failure a resolver absorbed (a partial error) joins the
 * payload that delivers its field; the final payload (`hasNext: false`) carries `extensions.cost`
 * with the whole request's calls. Payload shapes: @graphql-tools/executor's incremental delivery
 * (`{ data, errors, hasNext }`, then `{ incremental: [{ data | items, path, label, errors }],
 * hasNext }`), as yoga serializes them.
 */
import type { PartialError } from '../context.ts';
import { sanitizeErrors } from './errors.ts';
import { GraphQLError } from './graphql.ts';

type Path = readonly (string | number)[];

interface Entry {
  data?: unknown;
  items?: readonly unknown[];
  path: Path;
  label?: string;
  errors?: readonly GraphQLError[];
}

export interface Payload {
  data?: unknown;
  errors?: readonly GraphQLError[];
  incremental?: readonly Entry[];
  hasNext?: boolean;
  extensions?: Record<string, unknown>;
}

export interface Cleaning {
  requestId: string;
  /** The request's absorbed failures not delivered yet; a payload takes those it delivers. */
  partials: PartialError[];
  /** Partial errors as located errors (see plugins/use-operations.ts). */
  located: (partials: readonly PartialError[]) => GraphQLError[];
  /** `extensions.cost` as of now. */
  cost: () => unknown;
  /** Sees every error sent, as sanitized (error-code metrics). */
  sent: (error: GraphQLError) => void;
  /** Logs an error of a later payload (yoga's masking, which logs the others, never sees them). */
  log: (raw: GraphQLError) => void;
}

export function cleanPayload(payload: Payload, cleaning: Cleaning): Payload {
  const out: Payload = payload.incremental
    ? { ...payload, incremental: payload.incremental.map((entry) => cleanEntry(entry, cleaning)) }
    : cleanInitial(payload, cleaning);
  if (payload.hasNext !== false) return out;
  // Left over: failures under a part the executor dropped (its parent was nulled in an earlier
  // payload, with its own error). Nothing delivers their field, so they go to the log only.
  for (const error of cleaning.located(cleaning.partials.splice(0))) cleaning.log(error);
  out.extensions = { ...payload.extensions, cost: cleaning.cost() };
  return out;
}

function cleanInitial(payload: Payload, cleaning: Cleaning): Payload {
  const taken = take(cleaning.partials, (path) => holds(payload.data, path));
  const raw = [...(payload.errors ?? []), ...cleaning.located(taken)];
  if (raw.length === 0) return payload;
  return { ...payload, errors: clean(raw, cleaning, payload.data != null) };
}

function cleanEntry(entry: Entry, cleaning: Cleaning): Entry {
  const taken = take(cleaning.partials, (path) => entryHolds(entry, path));
  const raw = [...(entry.errors ?? []), ...cleaning.located(taken)];
  if (raw.length === 0) return entry;
  for (const error of raw) cleaning.log(error);
  // An HTTP status means nothing once the first payload has gone: never serialize one here.
  const errors = clean(raw, cleaning, true).map(withoutHttp);
  return { ...entry, errors };
}

function clean(raw: readonly GraphQLError[], cleaning: Cleaning, hasData: boolean) {
  const sent = sanitizeErrors(raw, cleaning.requestId, hasData);
  for (const error of sent) cleaning.sent(error);
  return sent;
}

function withoutHttp(error: GraphQLError): GraphQLError {
  if (!error.extensions.http) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
}

/** Removes and returns the partial errors whose path `delivers` says this payload holds. */
function take(partials: PartialError[], delivers: (path: Path) => boolean): PartialError[] {
  const taken: PartialError[] = [];
  for (let i = 0; i < partials.length; ) {
    const partial = partials[i] as PartialError;
    if (delivers(partial.path)) {
      taken.push(partial);
      partials.splice(i, 1);
    } else i++;
  }
  return taken;
}

/** Whether an entry delivers the field at `path`: a deferred fragment's data or streamed items. */
function entryHolds(entry: Entry, path: Path): boolean {
  const at = entry.path;
  if (entry.items) {
    // Items streamed from index `first` of the list at `at` minus its last element.
    const list = at.length - 1;
    const first = at[list] as number;
    const index = path[list];
    if (!startsWith(path, at.slice(0, list)) || typeof index !== 'number') return false;
    const item = index - first;
    return item >= 0 && item < entry.items.length && holds(entry.items[item], path.slice(list + 1));
  }
  return startsWith(path, at) && holds(entry.data, path.slice(at.length));
}

/**
 * Whether `data` delivers the field at `path` below it: every key on the way is present, or an
 * object on the way is null (the field is gone with it, and that null is delivered here).
 */
function holds(data: unknown, path: Path): boolean {
  let current = data;
  for (const key of path) {
    if (current === null) return true;
    if (typeof current !== 'object' || !(key in current)) return false;
    current = (current as Record<string | number, unknown>)[key];
  }
  return true;
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((key, i) => path[i] === key);
}
