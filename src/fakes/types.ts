/** The fakes' API for tests and the bench: options, running fakes, control, ledger, faults. */
import type { FakeClock } from './clock.ts';
import type { Dataset, DatasetScale } from './dataset.ts';

export interface Latency {
  fixedMs: number;
  jitterMs?: number;
}

export interface FakeOptions {
  host?: string;
  belugaPort?: number;
  wicksonPort?: number;
  seed?: number;
  scale?: Partial<DatasetScale>;
  wicksonApiKey?: string;
  wicksonHourlyLimit?: number;
  belugaPublicUrl?: string;
  latency?: Latency;
  /** Wall clock (Unix ms) for the timestamps Beluga writes set; default Date.now. */
  now?: () => number;
  /**
   * The Beluga fake's clock stands still except when stepped (`fakes.clock.advance`, or
   * `POST /__fake/clock`), so running jobs change state only then. Default: it follows `now`.
   */
  manualClock?: boolean;
  /** FAKE_JOB_SECONDS: how long a started job runs from enqueue to SUCCESS (default 60). */
  jobSeconds?: number;
}

export interface Fakes {
  beluga: RunningFake;
  wickson: RunningFake;
  dataset: Dataset;
  /** The Beluga fake's clock (timestamps of writes, running jobs). */
  clock: FakeClock;
  close(): Promise<void>;
}

export interface RunningFake {
  url: string;
  port: number;
  control: FakeControl;
  close(): Promise<void>;
}

export interface LedgerFilter {
  route?: string;
  method?: string;
}

export interface FakeControl {
  setLatency(latency: Latency): void;
  addFault(fault: FaultSpec): string;
  removeFault(id: string): void;
  clearFaults(): void;
  ledger: {
    entries(filter?: LedgerFilter): LedgerEntry[];
    count(filter?: LedgerFilter): number;
    reset(): void;
  };
  reset(): void;
}

export interface LedgerEntry {
  route: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The request body as received (writes), absent when empty. */
  body?: string;
  status: number;
  startedAt: number;
  closedEarly: boolean;
}

export type FaultKind =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | {
      kind: 'rate-limit';
      retryAfter?: string;
      resetInSeconds?: number;
      shape?: 'nested' | 'flat';
    }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'malformed'; body?: string; contentType?: string }
  | { kind: 'html'; status?: number }
  | { kind: 'truncate' }
  | { kind: 'slow'; chunkDelayMs: number }
  | { kind: 'huge'; megabytes: number; contentLengthLie?: number }
  | { kind: 'redirect'; location: string; status?: number }
  | { kind: 'drift'; mutate: (body: unknown) => unknown }
  /** Django's own failure pages (django-pages.ts); `server-error` and `technical-500` run the route. */
  | { kind: 'django'; page: DjangoPage }
  /**
   * Runs the route on arrival and holds its answer until `release` settles (in-process only):
   * a read that started before a write answers with what it read then. `onHeld` fires on arrival.
   */
  | { kind: 'hold'; release: Promise<unknown>; onHeld?: () => void };

/**
 * `server-error`: the view ran (a write is committed), then an exception: the DEBUG=False 500 page.
 * `technical-500`: the same under DEBUG=True (the technical page with a traceback).
 * `not-found`: the HTML 404 of a route no URL pattern matches. `append-slash`: CommonMiddleware's
 * 301 to the path with a trailing slash (APPEND_SLASH).
 */
export type DjangoPage = 'server-error' | 'technical-500' | 'not-found' | 'append-slash';

export type FaultSpec = {
  route?: string;
  /** Only requests with this HTTP method (e.g. `POST`); any method when absent. */
  method?: string;
  times?: number;
  probability?: number;
  /** Run the route first, so a write takes effect, then answer with the fault. */
  afterHandler?: boolean;
} & FaultKind;

/** What a route handler produces; faults may transform it before it is written. */
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless `raw` is set. */
  body?: unknown;
  raw?: string;
  contentType?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** Origin for absolute URLs, no trailing slash. */
  origin: string;
  /** Request body text (writes); absent when empty. */
  body?: string;
}

export interface RouteMatch {
  route: string;
  handle(): FakeResponse;
}

export interface FakeService {
  name: 'beluga' | 'wickson';
  /** Route names (`collections.list`, …): what faults and ledger filters may name. */
  routes: readonly string[];
  match(req: FakeRequest): RouteMatch | null;
  /** Extra control routes under /__fake/ (the body parsed as JSON); undefined: not one of them. */
  control?(method: string, path: string, body: unknown): FakeResponse | undefined;
  /** Response for a path no route matches. */
  notFound(req: FakeRequest): FakeResponse;
  reset(): void;
}
