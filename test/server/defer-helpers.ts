/**
 * Reading incremental results (@defer/@stream) in tests: payloads one at a time from a
 * multipart/mixed (meros) or text/event-stream body, their merge into one result, and a gate on
 * the Wickson client that holds its calls until a test opens it (so "the first payload came
 * before the Wickson part" is an ordering, never a race with a timer).
 */
import { meros } from 'meros/browser';
import type { UpstreamClients } from '../../src/context.ts';
import type { Gateway } from '../../src/server/gateway.ts';
import type { GatewayDeps } from '../../src/server/gateway-parts.ts';
import type { Stack } from '../helpers/stack.ts';

/** The README's backend-for-frontend query. */
export const BFF = `{
  sets: collections(first: 50, filter: { sources: [BELUGA] }, orderBy: { field: NAME }) {
    edges { node { id name project { sourceId name } } }
  }
  media: collections(first: 100, filter: { sources: [WICKSON] }) {
    edges { node { id name createdAt stats { itemCount firstItemDate lastItemDate mediaTypeDistribution { mediaType count } } } }
  }
}`;

/** The same query with its Wickson part deferred. */
export const BFF_DEFERRED = `{
  sets: collections(first: 50, filter: { sources: [BELUGA] }, orderBy: { field: NAME }) {
    edges { node { id name project { sourceId name } } }
  }
  ... @defer(label: "media") {
    media: collections(first: 100, filter: { sources: [WICKSON] }) {
      edges { node { id name createdAt stats { itemCount firstItemDate lastItemDate mediaTypeDistribution { mediaType count } } } }
    }
  }
}`;

export interface IncrementalError {
  message: string;
  path?: (string | number)[];
  locations?: unknown;
  extensions?: Record<string, unknown>;
}

export interface Entry {
  data?: Record<string, unknown> | null;
  items?: unknown[];
  path: (string | number)[];
  label?: string;
  errors?: IncrementalError[];
}

export interface Payload {
  data?: Record<string, unknown> | null;
  errors?: IncrementalError[];
  incremental?: Entry[];
  hasNext?: boolean;
  extensions?: { cost?: unknown; [key: string]: unknown };
}

/** POSTs to a gateway without a port, asking for `accept`; the response is not read yet. */
export function send(
  gateway: Gateway,
  query: string,
  accept: string,
  init: { signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<Response> {
  return Promise.resolve(
    gateway.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, ...init.headers },
      body: JSON.stringify({ query }),
      ...(init.signal ? { signal: init.signal } : {}),
    }),
  );
}

/** The payloads of a multipart/mixed or text/event-stream response (or one JSON result). */
export async function* payloads(response: Response): AsyncGenerator<Payload> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    yield (await response.json()) as Payload;
    return;
  }
  if (type.startsWith('text/event-stream')) {
    yield* sseEvents(response);
    return;
  }
  // meros reads only 2xx bodies; a refusal before execution is one part with a 4xx status.
  const body = response.ok ? response : new Response(response.body, { headers: response.headers });
  const parts = await meros<Payload>(body);
  if (!(Symbol.asyncIterator in parts)) throw new Error(`not multipart: ${type}`);
  for await (const part of parts) {
    if (!part.json) throw new Error('a part that is not JSON');
    yield part.body;
  }
}

async function* sseEvents(response: Response): AsyncGenerator<Payload> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines
        .find((l) => l.startsWith('data:'))
        ?.slice(5)
        .trim();
      if (event === 'complete') return;
      if (event === 'next' && data) yield JSON.parse(data) as Payload;
    }
  }
}

/** Every payload of a response, in order. */
export async function readAll(response: Response): Promise<Payload[]> {
  const out: Payload[] = [];
  for await (const payload of payloads(response)) out.push(payload);
  return out;
}

/** The result the payloads add up to: later entries placed at their paths. */
export function merge(all: readonly Payload[]): Record<string, unknown> {
  const data = structuredClone(all[0]?.data ?? {}) as Record<string, unknown>;
  for (const payload of all.slice(1)) {
    for (const entry of payload.incremental ?? []) {
      if (entry.items) {
        const at = entry.path.slice(0, -1);
        const list = walk(data, at) as unknown[];
        list.splice(entry.path.at(-1) as number, entry.items.length, ...entry.items);
      } else if (entry.data) {
        deepAssign(walk(data, entry.path) as Record<string, unknown>, entry.data);
      }
    }
  }
  return data;
}

function walk(data: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], data);
}

function deepAssign(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) deepAssign(existing, value);
    else target[key] = value;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Holds every call on the wrapped client until `open()`; `held` counts those waiting. */
export function createGate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const gate = {
    held: 0,
    open: () => open(),
    wrap<T extends object>(client: T): T {
      return new Proxy(client, {
        get(target, key) {
          const value = Reflect.get(target, key);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            gate.held += 1;
            await opened;
            gate.held -= 1;
            return value.apply(target, args);
          };
        },
      });
    },
  };
  return gate;
}

/** A gateway of its own over the stack's clients and logger, with `deps` (slots, limits). */
export function gatewayOver(
  stack: Stack,
  deps: Partial<GatewayDeps> = {},
  wickson: UpstreamClients['wickson'] = stack.upstreams.wickson,
): Gateway {
  return stack.gatewayWith(deps, { wickson });
}

/** The same with the Wickson client behind `gate`. */
export function gatedGateway(
  stack: Stack,
  gate: ReturnType<typeof createGate>,
  deps: Partial<GatewayDeps> = {},
): Gateway {
  return gatewayOver(stack, deps, gate.wrap(stack.upstreams.wickson));
}

/** The raw body text (for leak checks) and its payloads. */
export async function readText(response: Response): Promise<{ text: string; all: Payload[] }> {
  const text = await response.text();
  const copy = new Response(text, { headers: response.headers });
  return { text, all: await readAll(copy) };
}

/** Every error of the payloads with the path it is at, sorted by path. */
export function errorsOf(all: readonly Payload[]): IncrementalError[] {
  const errors = all.flatMap((p) => [
    ...(p.errors ?? []),
    ...(p.incremental ?? []).flatMap((e) => e.errors ?? []),
  ]);
  return errors.sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));
}

/** The access-log lines ("graphql request") among pino JSON lines. */
export function requestLines(logs: readonly string[]): Record<string, unknown>[] {
  return logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'graphql request');
}
