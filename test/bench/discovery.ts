/**
 * One-off passes through the running gateway: learn each Q3 page's composition (so its N* is
 * known), and run each variant alone to compare its exact upstream calls with N* by route and
 * count the dependent rounds it really took.
 */
import type { Fakes } from '../../src/fakes/index.ts';
import { countByRoute, ledgerEntries, resetLedgers } from './cells.ts';
import { type BenchQuery, type PageComposition, Q3, Q3_DISCOVERY } from './queries.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function postGraphql(
  url: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ status: number; text: string; json: { data?: unknown; errors?: unknown } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let json: { data?: unknown; errors?: unknown } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {}
  return { status: res.status, text, json };
}

interface DiscoveryPage {
  collections: {
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    edges: { node: { source: string; sourceId: string } }[];
  };
}

/**
 * Walks every merged page (cheap query), keeps the first page and the `want - 1` pages holding
 * the most Wickson collections (so both sources are exercised), then runs the real Q3 on each to
 * learn its Beluga list call and its first name (which identifies the page in a response).
 */
export async function discoverQ3(
  url: string,
  fakes: Fakes,
  want: number,
  maxPages = 300,
): Promise<{ pages: PageComposition[]; firstNames: string[] }> {
  const walked: { cursor: string | null; nodes: { source: string; sourceId: string }[] }[] = [];
  let cursor: string | null = null;
  for (let p = 0; p < maxPages; p += 1) {
    const res = await postGraphql(url, Q3_DISCOVERY, { cursor });
    const data = res.json.data as DiscoveryPage | undefined;
    if (!data?.collections || res.json.errors)
      throw new Error(`Q3 discovery failed: ${res.text.slice(0, 400)}`);
    walked.push({ cursor, nodes: data.collections.edges.map((e) => e.node) });
    if (!data.collections.pageInfo.hasNextPage) break;
    cursor = data.collections.pageInfo.endCursor;
  }
  const wicksonCount = (p: (typeof walked)[number]) =>
    p.nodes.filter((n) => n.source === 'WICKSON').length;
  const rest = walked
    .slice(1)
    .filter((p) => p.nodes.length === 50)
    .sort((a, b) => wicksonCount(b) - wicksonCount(a));
  const chosen = [walked[0], ...rest.slice(0, want - 1)].filter((p) => p !== undefined);
  const pages: PageComposition[] = [];
  const firstNames: string[] = [];
  for (const page of chosen) {
    resetLedgers(fakes);
    const real = await postGraphql(url, Q3, { cursor: page.cursor });
    await sleep(20);
    const list = ledgerEntries(fakes).find(
      (e) => e.upstream === 'beluga' && e.route === 'collections.list',
    );
    if (!list) throw new Error('Q3 made no Beluga collections.list call');
    firstNames.push(/"name":"((?:[^"\\]|\\.)*)"/.exec(real.text)?.[1] ?? '');
    pages.push({
      cursor: page.cursor,
      belugaListPath: `${list.path}?${new URLSearchParams(list.query).toString()}`,
      beluga: page.nodes
        .filter((n) => n.source === 'BELUGA')
        .map((n) => ({
          id: Number(n.sourceId),
          project: fakes.dataset.captureSets.get(Number(n.sourceId))?.project ?? 0,
        })),
      wickson: page.nodes.filter((n) => n.source === 'WICKSON').map((n) => n.sourceId),
    });
  }
  return { pages, firstNames };
}

/** Dependent rounds seen at the fakes: a call starting ≥ L/2 after the current round began opens a new one. */
function rounds(startedAt: number[], latencyMs: number): number {
  const sorted = [...startedAt].sort((a, b) => a - b);
  let count = 0;
  let roundStart = Number.NEGATIVE_INFINITY;
  for (const t of sorted) {
    if (t - roundStart >= latencyMs / 2) {
      count += 1;
      roundStart = t;
    }
  }
  return count;
}

export async function ledgerCheck(
  url: string,
  fakes: Fakes,
  q: BenchQuery,
  latencyMs: number,
  max = 6,
) {
  const samples = [];
  for (const v of q.variants.slice(0, max)) {
    resetLedgers(fakes);
    const res = await postGraphql(url, q.document, v.variables);
    await sleep(20);
    const entries = ledgerEntries(fakes);
    const nullAnswer = q.nullMarker ? res.text.includes(q.nullMarker) : false;
    samples.push({
      variables: v.variables,
      min_calls: v.minCalls,
      calls: entries.length,
      extra: entries.length - v.minCalls,
      rounds: rounds(
        entries.map((e) => e.startedAt),
        latencyMs,
      ),
      ok: res.status === 200 && !res.json.errors && !nullAnswer,
      ...(res.status === 200 && !res.json.errors ? {} : { response: res.text.slice(0, 400) }),
      by_route: countByRoute(entries),
      ...(entries.length !== v.minCalls
        ? {
            calls_detail: entries.map(
              (e) => `${e.upstream} ${e.method} ${e.path} ${new URLSearchParams(e.query)}`,
            ),
          }
        : {}),
    });
  }
  return {
    latency_ms: latencyMs,
    variants_checked: samples.length,
    all_equal: samples.every((s) => s.extra === 0),
    all_ok: samples.every((s) => s.ok),
    observed_rounds: [...new Set(samples.map((s) => s.rounds))],
    samples,
  };
}
