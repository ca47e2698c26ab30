import { describe, expect, it } from 'vitest';
import { useFakes } from '../helpers/fakes.ts';
import { get } from './http.ts';

const PUBLIC = 'https://api.beluga.insectai.org';
const LIST = '/api/v2/captures/collections/';

describe('Beluga DRF limit/offset pagination', () => {
  const fakes = useFakes({ belugaPublicUrl: PUBLIC });
  const list = (query: string) => get(`${fakes().beluga.url}${LIST}?${query}`);

  it('defaults to 20 items (projects 40) with absolute, sorted links', async () => {
    const first = await list('ordering=id');
    expect(first.json.count).toBe(72);
    expect(first.json.results).toHaveLength(20);
    expect(first.json.previous).toBeNull();
    expect(first.json.next).toBe(`${PUBLIC}${LIST}?limit=20&offset=20&ordering=id`);
    const projects = await get(`${fakes().beluga.url}/api/v2/projects/`);
    expect(projects.json.count).toBe(12);
    expect(projects.json.results).toHaveLength(12);
    expect(projects.json.next).toBeNull();
    const twoProjects = await get(`${fakes().beluga.url}/api/v2/projects/?limit=5&offset=5`);
    expect(twoProjects.json.next).toBe(`${PUBLIC}/api/v2/projects/?limit=5&offset=10`);
    expect(twoProjects.json.previous).toBe(`${PUBLIC}/api/v2/projects/?limit=5`);
  });

  it('pages by arithmetic: previous drops offset at or below zero, next null at the end', async () => {
    const second = await list('limit=30&offset=10&project_id=&zeta=1&alpha=x+y');
    expect(second.json.results).toHaveLength(30);
    expect(second.json.previous).toBe(`${PUBLIC}${LIST}?alpha=x+y&limit=30&project_id=&zeta=1`);
    expect(second.json.next).toBe(
      `${PUBLIC}${LIST}?alpha=x+y&limit=30&offset=40&project_id=&zeta=1`,
    );
    const middle = await list('limit=20&offset=45');
    expect(middle.json.previous).toBe(`${PUBLIC}${LIST}?limit=20&offset=25`);
    const last = await list('limit=20&offset=60');
    expect(last.json.results).toHaveLength(12);
    expect(last.json.next).toBeNull();
    const exact = await list('limit=36&offset=36');
    expect(exact.json.next).toBeNull();
    const beyond = await list('offset=500');
    expect(beyond.json.results).toEqual([]);
    expect(beyond.json.count).toBe(72);
  });

  it('has no cap and falls back on bad limit and offset', async () => {
    expect((await list('limit=10000')).json.results).toHaveLength(72);
    for (const bad of ['limit=0', 'limit=-5', 'limit=abc', 'limit=2.5']) {
      expect((await list(bad)).json.results).toHaveLength(20);
    }
    const badOffset = await list('offset=-3&ordering=id');
    expect(badOffset.json.results[0].id).toBe((await list('ordering=id')).json.results[0].id);
    expect(badOffset.json.previous).toBeNull();
    expect((await list('offset=zz')).json.next).toBe(`${PUBLIC}${LIST}?limit=20&offset=20`);
  });

  it('uses the request Host when no public URL is configured', async () => {
    const { startFakes } = await import('../../src/fakes/index.ts');
    const local = await startFakes();
    try {
      const reply = await get(`${local.beluga.url}${LIST}`);
      expect(reply.json.next).toBe(`${local.beluga.url}${LIST}?limit=20&offset=20`);
      expect(reply.json.results[0].details).toBe(
        `${local.beluga.url}${LIST}${reply.json.results[0].id}/`,
      );
      expect(reply.json.results[0].source_images).toBe(
        `${local.beluga.url}/api/v2/captures/?collections=${reply.json.results[0].id}`,
      );
    } finally {
      await local.close();
    }
  });

  it('orders by whitelisted fields only, name case-insensitively, ties by id', async () => {
    const byName = (await list('ordering=name&limit=100')).json.results as {
      id: number;
      name: string;
    }[];
    const names = byName.map((s) => s.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    type Listed = { id: number; updated_at: string };
    const ignored = (await list('ordering=bogus,-nope')).json.results.map((s: Listed) => s.id);
    const byDefault = (await list('limit=100')).json.results as Listed[];
    expect(ignored).toEqual(byDefault.slice(0, 20).map((s) => s.id));
    // No (valid) ordering: newest updated_at first (Antenna PR #1381), ties by id.
    const newestFirst = [...byDefault].sort(
      (a, b) => b.updated_at.localeCompare(a.updated_at) || a.id - b.id,
    );
    expect(byDefault.map((s) => s.id)).toEqual(newestFirst.map((s) => s.id));
    expect(new Set(byDefault.map((s) => s.updated_at)).size).toBeGreaterThan(10);
    const counts = (await list('ordering=-source_images_count,id&limit=100')).json.results.map(
      (s: { source_images_count: number }) => s.source_images_count,
    );
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('jobs default to newest first and captures count the set', async () => {
    const jobs = (await get(`${fakes().beluga.url}/api/v2/jobs/?limit=50`)).json.results as {
      created_at: string;
    }[];
    const created = jobs.map((j) => j.created_at);
    expect(created).toEqual([...created].sort().reverse());
    const captures = await get(
      `${fakes().beluga.url}/api/v2/captures/?project_id=23&collections=112&limit=3`,
    );
    expect(captures.json.count).toBe(10000);
    const newest = await get(
      `${fakes().beluga.url}/api/v2/captures/?project_id=23&collections=112&limit=1&ordering=-timestamp`,
    );
    const oldest = await get(
      `${fakes().beluga.url}/api/v2/captures/?project_id=23&collections=112&limit=1&offset=9999`,
    );
    expect(newest.json.results[0].timestamp).toBe(oldest.json.results[0].timestamp);
    expect(captures.json.results[0].timestamp < captures.json.results[1].timestamp).toBe(true);
  });
});
