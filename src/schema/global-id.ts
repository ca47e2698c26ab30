import { brandWithType, typeBrandKey as typeTag } from '@pothos/core';
import { invalidId } from './errors.ts';

/** The node types, each with the sources it exists in. */
const NODE_SOURCES: Record<string, readonly string[]> = {
  Collection: ['BELUGA', 'WICKSON'],
  Project: ['BELUGA'],
  Job: ['BELUGA'],
  MediaItem: ['BELUGA', 'WICKSON'],
};

const MAX_WICKSON_ID_CHARS = 256;
/** base64url of `MediaItem:WICKSON:` plus two 256-character ids of up to 4 UTF-8 bytes each. */
const MAX_GLOBAL_ID_LENGTH = 2800;
const BELUGA_ID = /^[1-9][0-9]{0,9}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
/** Half of a UTF-16 pair without its other half (`"\ud800"` in JSON): no URL can carry it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_INT32 = 2_147_483_647;
/** Joins a Wickson media item's collection and id: a control character, so in neither. */
const ITEM_SEPARATOR = '\u001f';

/** A Beluga primary key as the upstream accepts it, or null. */
export function parseBelugaId(value: string): number | null {
  if (!BELUGA_ID.test(value)) return null;
  const n = Number(value);
  return n <= MAX_INT32 ? n : null;
}

/**
 * Wickson does not document its id characters, so any name it lists must round-trip: 1–256
 * well-formed characters without controls. Only `.` and `..` are refused, as path segments; the
 * client percent-encodes everything else into the URL path.
 */
export function isWicksonId(value: string): boolean {
  const length = [...value].length;
  return (
    length >= 1 &&
    length <= MAX_WICKSON_ID_CHARS &&
    !CONTROL.test(value) &&
    !LONE_SURROGATE.test(value) &&
    value !== '.' &&
    value !== '..'
  );
}

/** `Collection` + `BELUGA:21` → opaque base64url of `Collection:BELUGA:21`. */
export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${String(id)}`, 'utf8').toString('base64url');
}

/**
 * Opaque id → `{typename, id: "SOURCE:sourceId"}`. Rejects anything this graph could not have
 * issued (bad base64, unknown type, wrong source for the type, non-numeric Beluga key).
 */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  if (
    typeof globalId !== 'string' ||
    globalId.length === 0 ||
    globalId.length > MAX_GLOBAL_ID_LENGTH ||
    !BASE64URL.test(globalId)
  ) {
    throw invalidId();
  }
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  const [typename, source, ...rest] = text.split(':');
  // A Wickson name may contain ':'; for Beluga the extra segments fail the number check.
  const sourceId = rest.join(':');
  if (typename === undefined || source === undefined || rest.length === 0) throw invalidId();
  const sources = Object.hasOwn(NODE_SOURCES, typename) ? NODE_SOURCES[typename] : undefined;
  if (!sources?.includes(source)) throw invalidId();
  const valid =
    typename === 'MediaItem'
      ? parseItemKey(source, sourceId) !== null
      : source === 'BELUGA'
        ? parseBelugaId(sourceId) !== null
        : isWicksonId(sourceId);
  if (!valid) throw invalidId();
  return { typename, id: `${source}:${sourceId}` };
}

/**
 * A media item's key: its collection and its own id, so one detail call finds it and
 * `collection` needs none. Beluga `21:2100005:23` (set, capture, the capture's project: Antenna's
 * capture detail requires `project_id`, see `SourceImageViewSet.get_queryset` in Antenna's
 * `ami/main/api/views.py`); a key without the project (`21:2100005`, issued before it was added)
 * still resolves, the set's detail telling the project. Wickson ids may hold any character but
 * controls, so collection and media id are joined by U+001F.
 */
export function itemKey(
  source: 'BELUGA' | 'WICKSON',
  collectionId: string,
  itemId: string,
  projectId?: number,
) {
  if (source === 'WICKSON') return `${collectionId}${ITEM_SEPARATOR}${itemId}`;
  return projectId === undefined
    ? `${collectionId}:${itemId}`
    : `${collectionId}:${itemId}:${projectId}`;
}

export interface ItemKey {
  collectionId: string;
  itemId: string;
  /** The Beluga capture's project, when the key carries it. */
  projectId?: number;
}

export function parseItemKey(source: string, key: string): ItemKey | null {
  if (source !== 'BELUGA') {
    const parts = key.split(ITEM_SEPARATOR);
    if (parts.length !== 2) return null;
    const [collectionId, itemId] = parts as [string, string];
    return isWicksonId(collectionId) && isWicksonId(itemId) ? { collectionId, itemId } : null;
  }
  const parts = key.split(':');
  if (parts.length !== 2 && parts.length !== 3) return null;
  const ids = parts.map(parseBelugaId);
  if (ids.some((id) => id === null)) return null;
  const [collectionId, itemId] = parts as [string, string];
  return ids.length === 3 ? { collectionId, itemId, projectId: ids[2]! } : { collectionId, itemId };
}

/** The `SOURCE:sourceId` part of a decoded id. */
export function splitNodeId(id: string): { source: 'BELUGA' | 'WICKSON'; sourceId: string } {
  const at = id.indexOf(':');
  const source = id.slice(0, at) === 'WICKSON' ? 'WICKSON' : 'BELUGA';
  return { source, sourceId: id.slice(at + 1) };
}

/**
 * For `loadOne` of node types: a failed load resolves to its Error instead of rejecting, so
 * `nodes(ids:)` nulls only that item (graphql-js turns an Error list item into a located error)
 * and the other ids still resolve. A loaded object is branded with its type here: the relay
 * plugin brands it only after the whole lookup, while a second `node`/`nodes` of the same id in
 * the request already completes from its cached promise (no brand: "must resolve to an Object").
 */
export function settleNode<T>(typename: string, load: Promise<T>): Promise<T> {
  return load.then(
    (value) => {
      if (value !== null && typeof value === 'object' && !(typeTag in value)) {
        brandWithType(value, typename as never);
      }
      return value;
    },
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))) as T,
  );
}
