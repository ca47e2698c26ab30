import { describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN, useFakes } from '../helpers/fakes.ts';
import { get, type Json, token } from './http.ts';

const KEY = { 'x-api-key': 'demo-key' };

describe('Fake items agree with their collections’ stats', () => {
  const fakes = useFakes();
  const beluga = (path: string, headers: Record<string, string> = {}) =>
    get(`${fakes().beluga.url}${path}`, headers);
  const wickson = (path: string) => get(`${fakes().wickson.url}${path}`, KEY);

  it('capture set 21 holds its 403 captures, by timestamp, matching its counts', async () => {
    const set = (await beluga('/api/v2/captures/collections/21/')).json;
    expect(set.source_images_count).toBe(403);
    const captures: Json[] = [];
    for (let offset = 0; offset < 403; offset += 100) {
      const page = await beluga(
        `/api/v2/captures/?project_id=23&collections=21&limit=100&offset=${offset}`,
      );
      expect(page.json.count).toBe(403);
      captures.push(...page.json.results);
    }
    expect(new Set(captures.map((c) => c.id)).size).toBe(403);
    const stamps = captures.map((c) => c.timestamp as string);
    expect([...stamps].sort()).toEqual(stamps);
    expect(captures.filter((c) => c.detections_count > 0)).toHaveLength(
      set.source_images_with_detections_count,
    );
    expect(captures.filter((c) => c.last_processed !== null)).toHaveLength(
      set.source_images_processed_count,
    );
    const newest = await beluga(
      '/api/v2/captures/?project_id=23&collections=21&ordering=-timestamp&limit=1',
    );
    expect(newest.json.results[0].id).toBe(captures.at(-1)!.id);

    const detail = await beluga(`/api/v2/captures/${captures[7]!.id}/?project_id=23`);
    expect(detail.json).toMatchObject({
      id: captures[7]!.id,
      timestamp: stamps[7],
      url: captures[7]!.url,
      project: 23,
      collections: [{ id: 21 }],
    });
  });

  it('every visible capture set lists exactly source_images_count captures', async () => {
    const sets = (await beluga('/api/v2/captures/collections/?limit=1000')).json.results as Json[];
    expect(sets.length).toBeGreaterThan(50);
    for (const set of sets) {
      const page = await beluga(
        `/api/v2/captures/?project_id=${set.project}&collections=${set.id}&limit=1`,
      );
      expect(page.json.count, `set ${set.id}`).toBe(set.source_images_count);
    }
  });

  it("a draft project's captures are hidden from outsiders and shown to members", async () => {
    const { dataset } = fakes();
    const setId = dataset.ids.draftCaptureSets.find(
      (id) => dataset.captureSets.get(id)!.sourceImagesCount > 0,
    )!;
    const project = dataset.captureSets.get(setId)!.project;
    const path = `/api/v2/captures/?project_id=${project}&collections=${setId}&limit=1`;
    const member = await beluga(path, token(FAKE_MEMBER_TOKEN));
    expect(member.status).toBe(200);
    const captureId = member.json.results[0].id as number;
    const detail = `/api/v2/captures/${captureId}/?project_id=${project}`;
    for (const headers of [{}, token(FAKE_OUTSIDER_TOKEN)]) {
      expect((await beluga(path, headers)).status).toBe(404);
      expect((await beluga(detail, headers)).status).toBe(404);
    }
    expect((await beluga(detail, token(FAKE_MEMBER_TOKEN))).status).toBe(200);
  });

  it("a capture's detail requires its project_id, as Antenna's does", async () => {
    const id = 21 * 100_000 + 7;
    const without = await beluga(`/api/v2/captures/${id}/`);
    expect([without.status, without.json]).toEqual([
      400,
      { project_id: ['This field is required.'] },
    ]);
    const notInt = await beluga(`/api/v2/captures/${id}/?project_id=x`);
    expect([notInt.status, notInt.json]).toEqual([
      400,
      { project_id: ['A valid integer is required.'] },
    ]);
    for (const project of [99999, 1]) {
      const other = await beluga(`/api/v2/captures/${id}/?project_id=${project}`);
      expect([other.status, other.json]).toEqual([404, { detail: 'Not found.' }]);
    }
    expect((await beluga(`/api/v2/captures/${id}/?project_id=23`)).status).toBe(200);
  });

  it('research_papers holds 17 media items: 12 documents, 3 images, 2 videos, within its dates', async () => {
    const stats = (await wickson('/v1/media/collections/research_papers')).json.data.stats;
    const page = await wickson('/v1/media?collection=research_papers&page_size=100');
    const items = page.json.data.items as Json[];
    expect(page.json.data.pagination).toMatchObject({ page: 1, total_pages: 1, total_items: 17 });
    expect(items).toHaveLength(17);
    const count = (type: string) => items.filter((i) => i.media_type === type).length;
    expect([count('document'), count('image'), count('video')]).toEqual([12, 3, 2]);
    const dates = items.map((i) => i.storage.created_at as string).sort();
    expect([dates[0], dates.at(-1)]).toEqual(['2025-01-15T10:22:33Z', '2025-03-05T16:45:22Z']);
    expect([stats.first_item_date, stats.last_item_date]).toEqual([dates[0], dates.at(-1)]);
    // The list's summary is optional: videos come without it, the detail always has it.
    const video = items.find((i) => i.media_type === 'video')!;
    expect(video.metadata).toBeUndefined();
    expect(items.find((i) => i.media_type === 'document')!.metadata.search.summary).toBeTruthy();
    const detail = await wickson(`/v1/media/${video.id}`);
    expect(detail.json.data.metadata.search.summary).toBeTruthy();
  });

  it('every Wickson collection pages to items matching its item_count, distribution and dates', async () => {
    const list = (await wickson('/v1/media/collections')).json.data;
    for (const id of list.collections as string[]) {
      const stats = (await wickson(`/v1/media/collections/${encodeURIComponent(id)}`)).json.data
        .stats;
      const items: Json[] = [];
      for (let page = 1; ; page++) {
        const reply = await wickson(
          `/v1/media?collection=${encodeURIComponent(id)}&page_size=7&page=${page}`,
        );
        items.push(...reply.json.data.items);
        expect(reply.json.data.pagination.total_items).toBe(stats.item_count);
        if (page >= reply.json.data.pagination.total_pages) break;
      }
      expect(new Set(items.map((i) => i.id)).size).toBe(stats.item_count);
      expect(list.collection_details[id].item_count).toBe(stats.item_count);
      const distribution: Record<string, number> = {};
      for (const i of items) distribution[i.media_type] = (distribution[i.media_type] ?? 0) + 1;
      expect(distribution).toEqual(stats.media_type_distribution);
      const dates = items.map((i) => i.storage.created_at as string).sort();
      expect([dates[0] ?? null, dates.at(-1) ?? null]).toEqual([
        stats.first_item_date,
        stats.last_item_date,
      ]);
    }
  });
});
