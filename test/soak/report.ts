/** Classifies soak responses and renders the summary table. */
import { ERROR_CODES } from '../../src/upstreams/errors.ts';

const CLOSED = new Set<string>(ERROR_CODES);

export interface SoakStats {
  requests: number;
  okResponses: number;
  partialResponses: number;
  errorOnlyResponses: number;
  nonGraphQL: number;
  outsideClosedSet: number;
  codes: Map<string, number>;
  statuses: Map<number, number>;
  kinds: Map<string, number>;
  samples: string[];
}

export function createStats(): SoakStats {
  return {
    requests: 0,
    okResponses: 0,
    partialResponses: 0,
    errorOnlyResponses: 0,
    nonGraphQL: 0,
    outsideClosedSet: 0,
    codes: new Map(),
    statuses: new Map(),
    kinds: new Map(),
    samples: [],
  };
}

const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

/** Valid means: JSON object with non-null `data` or with errors, every error coded from the set. */
export function record(stats: SoakStats, kind: string, status: number, text: string): unknown {
  stats.requests++;
  bump(stats.statuses, status);
  bump(stats.kinds, kind);
  let body: { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
  try {
    body = JSON.parse(text);
  } catch {
    stats.nonGraphQL++;
    if (stats.samples.length < 5)
      stats.samples.push(`non-JSON ${status} (${kind}) ${text.slice(0, 80)}`);
    return undefined;
  }
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  const hasData = typeof body?.data === 'object' && body.data !== null;
  if (!hasData && errors.length === 0) {
    stats.nonGraphQL++;
    if (stats.samples.length < 5) stats.samples.push(`no data, no errors ${status} (${kind})`);
    return body;
  }
  for (const error of errors) {
    const code = String(error?.extensions?.code);
    bump(stats.codes, code);
    if (!CLOSED.has(code)) {
      stats.outsideClosedSet++;
      if (stats.samples.length < 5)
        stats.samples.push(`code ${code} outside the closed set (${kind})`);
    }
  }
  if (errors.length === 0) stats.okResponses++;
  else if (hasData) stats.partialResponses++;
  else stats.errorOnlyResponses++;
  return body;
}

export function renderTable(rows: Array<[string, string | number]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

export const sortedEntries = <K>(map: Map<K, number>) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
