/**
 * The watch hub's vocabulary (no GraphQL here: the subscription fields in src/schema use the hub
 * through the request context). A topic is one upstream resource seen with one credential scope;
 * its watchers share one poll, wherever they are connected.
 */
import type { ErrorCode } from '../upstreams/errors.ts';
import type { CredentialSource } from '../upstreams/types.ts';

/** What can be watched: a Beluga job or capture set, a Wickson media collection. */
export type TopicKind = 'job' | 'captureSet' | 'wicksonCollection';

export interface TopicSpec {
  kind: TopicKind;
  /** The upstream id, checked by the caller (a Beluga pk, a Wickson collection name). */
  id: string;
  /**
   * The Beluga credential the watcher reads with (`Token …`, or none). It polls for every watcher
   * of its scope and never leaves this process: topics are keyed by its HMAC (the cache's scope).
   */
  authorization: string | undefined;
  credentialSource: CredentialSource;
}

/** The resource as one read saw it. */
export interface Snapshot {
  /** The upstream payload (already parsed): a job detail, a capture-set detail, a collection. */
  value: unknown;
  /** When it was fetched upstream (Unix ms; the shared cache's stamp). */
  fetchedAt: number;
  /** What subscribers can see of it, hashed: equal fingerprints are the same event. */
  fingerprint: string;
  /** No later change can come (a job in a final status). */
  final: boolean;
}

/** Why a stream ended early: a code of the closed set (src/upstreams/errors.ts). */
export interface LiveEnd {
  code: ErrorCode;
  retryAfterSeconds?: number;
}

/** What a watcher yields: the resource now, or the end of its stream with an error. */
export type LiveItem = { snapshot: Snapshot } | { end: LiveEnd };

/** Timers and time of the hub, injected so tests step them. */
export interface LiveClock {
  /** Unix ms. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: LiveClock = {
  now: Date.now,
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
