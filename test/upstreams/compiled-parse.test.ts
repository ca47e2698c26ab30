/**
 * parseBody parses through zod's compiled fast path (`z.compile`): on every payload the fakes and
 * the seeds serve it answers exactly what zod's runtime parser answers (same keys, same values,
 * defaults filled), and on a broken payload it reports the runtime's issues.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as beluga from '../../src/upstreams/beluga/schemas.ts';
import type { UpstreamCall } from '../../src/upstreams/errors.ts';
import { parseBody } from '../../src/upstreams/parse.ts';
import * as wickson from '../../src/upstreams/wickson/schemas.ts';
import { useFakes } from '../helpers/fakes.ts';

const call: UpstreamCall = { upstream: 'beluga', method: 'GET', path: '/test/' };

function expectSameAsRuntime(schema: z.ZodType, text: string): void {
  const runtime = schema.safeParse(JSON.parse(text));
  const fast = parseBody(text, 'application/json', schema, call);
  if (runtime.success) {
    expect(fast.ok).toBe(true);
    // toStrictEqual: the same own keys (stripped ones absent, optional ones not invented).
    expect(fast.ok && fast.value).toStrictEqual(runtime.data);
  } else {
    expect(fast.ok).toBe(false);
    const paths = runtime.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}`);
    expect(fast.ok ? [] : fast.error.issues.map((i) => i.path)).toEqual(paths.slice(0, 10));
  }
}

const seed = (name: string): string =>
  readFileSync(new URL(`../../src/fakes/seed-data/${name}`, import.meta.url), 'utf8');

describe('every wire schema compiles', () => {
  it('so no payload silently takes the slower runtime parser', () => {
    const exported: [string, unknown][] = Object.entries({ ...beluga, ...wickson });
    const schemas = exported.filter((e): e is [string, z.ZodType] => e[1] instanceof z.ZodType);
    expect(schemas.length).toBeGreaterThan(20);
    for (const [name, schema] of schemas) {
      expect(() => z.compile(schema, { strict: true }), name).not.toThrow();
    }
  });
});

describe('the compiled parse answers what zod answers', () => {
  const fakes = useFakes();

  const belugaReads: [string, z.ZodType][] = [
    ['/api/v2/captures/collections/?limit=25', beluga.CaptureSetPageDto],
    ['/api/v2/projects/?limit=1000', beluga.ProjectPageDto],
    ['/api/v2/jobs/?limit=25', beluga.JobPageDto],
  ];
  const wicksonReads: [string, z.ZodType][] = [
    ['/v1/media/collections', wickson.CollectionsListDto],
    ['/v1/media/collections/research_papers', wickson.CollectionDetailDto],
    ['/v1/media?collection=research_papers&page=1&page_size=20', wickson.MediaListDto],
  ];

  it('on the pages and details the fakes serve', async () => {
    for (const [path, schema] of belugaReads) {
      const res = await fetch(`${fakes().beluga.url}${path}`);
      expect(res.status).toBe(200);
      expectSameAsRuntime(schema, await res.text());
    }
    for (const [path, schema] of wicksonReads) {
      const res = await fetch(`${fakes().wickson.url}${path}`, {
        headers: { 'x-api-key': 'demo-key' },
      });
      expect(res.status).toBe(200);
      expectSameAsRuntime(schema, await res.text());
    }
  });

  it('on the recorded seeds, a page without user_permissions (the default filled in), and a detail', () => {
    expectSameAsRuntime(beluga.CaptureSetDto, seed('beluga-capture-set-21.json'));
    expectSameAsRuntime(beluga.CaptureSetPageDto, seed('beluga-capture-sets-page.json'));
    expectSameAsRuntime(wickson.CollectionDetailDto, seed('wickson-research-papers.json'));
    const page = JSON.parse(seed('beluga-capture-sets-page.json'));
    delete page.user_permissions;
    expectSameAsRuntime(beluga.CaptureSetPageDto, JSON.stringify(page));
  });

  it('on broken payloads: the runtime issues, not a half-parsed value', () => {
    const page = JSON.parse(seed('beluga-capture-sets-page.json'));
    const broken = [
      { ...page, count: -1 },
      { ...page, results: [{ ...page.results[0], id: 1.5 }, ...page.results.slice(1)] },
      { ...page, results: [{ ...page.results[0], name: null }] },
      { ...page, results: [{ ...page.results[0], jobs: {} }] },
      { ...page, next: 7 },
      [],
    ];
    for (const body of broken) expectSameAsRuntime(beluga.CaptureSetPageDto, JSON.stringify(body));
    const detail = JSON.parse(seed('wickson-research-papers.json'));
    detail.data.stats.media_type_distribution.pdf = 'many';
    expectSameAsRuntime(wickson.CollectionDetailDto, JSON.stringify(detail));
    expectSameAsRuntime(wickson.CollectionDetailDto, JSON.stringify({ ...detail, success: false }));
  });
});
