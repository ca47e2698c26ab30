import { describe, expect, it } from 'vitest';
import { useFakes, WICKSON_NO_READ_KEY } from '../helpers/fakes.ts';
import { get } from './http.ts';

const KEY = { 'x-api-key': 'demo-key' };

describe('Wickson fake', () => {
  const fakes = useFakes({ wicksonHourlyLimit: 5 });
  const wickson = (path: string, headers: Record<string, string> = KEY) =>
    get(`${fakes().wickson.url}${path}`, headers);

  it('lists collections in the envelope, default first, consistent with the detail stats', async () => {
    const list = await wickson('/v1/media/collections');
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({
      success: true,
      message: 'Collections retrieved successfully',
      metadata: { api_version: '1.0.0' },
    });
    expect(list.json.data.collections).toEqual([
      'default',
      'research_papers',
      'product_images',
      'training_videos',
    ]);
    expect(list.json.data.collection_details.default).toEqual({
      item_count: 45,
      created_at: '2024-12-01T15:30:45Z',
    });
    expect(list.json.data.total_collections).toBe(4);
    for (const id of list.json.data.collections) {
      const detail = await wickson(`/v1/media/collections/${id}`);
      fakes().wickson.control.reset();
      const { stats } = detail.json.data;
      expect(detail.json.data.collection_id).toBe(id);
      expect(stats.item_count).toBe(list.json.data.collection_details[id].item_count);
      expect(stats.first_item_date).toBe(list.json.data.collection_details[id].created_at);
      expect(
        Object.values(stats.media_type_distribution).reduce((a: number, b) => a + (b as number), 0),
      ).toBe(stats.item_count);
      expect(Object.values(stats.media_type_distribution)).not.toContain(0);
    }
  });

  it('pages media by collection and type, and gets one item', async () => {
    const page = await wickson('/v1/media?collection=research_papers&page_size=5&page=4');
    expect(page.json.data.pagination).toMatchObject({
      page: 4,
      page_size: 5,
      total_pages: 4,
      total_items: 17,
    });
    expect(page.json.data.items).toHaveLength(2);
    const videos = await wickson('/v1/media?collection=research_papers&media_type=video');
    expect(videos.json.data.items.map((i: { media_type: string }) => i.media_type)).toEqual([
      'video',
      'video',
    ]);
    const id = videos.json.data.items[0].id as string;
    expect(id).toMatch(/^vid_/);
    const one = await wickson(`/v1/media/${id}?include_chunks=true`);
    expect(one.json.data).toMatchObject({
      id,
      media_type: 'video',
      storage: { collection: 'research_papers' },
    });
    expect(one.json.data.content.chunks.length).toBeGreaterThan(0);
    const tooBig = await wickson('/v1/media?page_size=101');
    expect(tooBig.status).toBe(400);
    expect(tooBig.json.success).toBe(false);
  });

  it('answers errors in the nested shape with a request id', async () => {
    const missing = await wickson('/v1/media/collections/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ success: false, error: { code: 'COLLECTION_NOT_FOUND' } });
    expect(missing.json.error.details.request_id).toMatch(/^req_[0-9a-f]+$/);
    const noKey = await wickson('/v1/media/collections', {});
    expect(noKey.status).toBe(401);
    expect(noKey.json.error.code).toBe('INVALID_API_KEY');
    expect((await wickson('/v1/media/collections', { 'x-api-key': 'wrong' })).json.error.code).toBe(
      'INVALID_API_KEY',
    );
    const noRead = await wickson('/v1/media/collections', { 'x-api-key': WICKSON_NO_READ_KEY });
    expect(noRead.status).toBe(403);
    expect(noRead.json.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    expect((await wickson('/v1/media/nothing')).json.error.code).toBe('MEDIA_NOT_FOUND');
  });

  it('sends rate-limit headers on every response and 429 once the budget is spent', async () => {
    const before = Math.floor(Date.now() / 1000);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      const reply = await wickson('/v1/media/collections');
      expect(reply.status).toBe(200);
      expect(reply.headers['x-ratelimit-limit']).toBe('5');
      seen.push(Number(reply.headers['x-ratelimit-remaining']));
      const reset = Number(reply.headers['x-ratelimit-reset']);
      expect(reset).toBeGreaterThanOrEqual(before + 3599);
      expect(reset).toBeLessThanOrEqual(before + 3602);
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const limited = await wickson('/v1/media/collections/default');
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    const unauthenticated = await wickson('/v1/media/collections', {});
    expect(unauthenticated.headers['x-ratelimit-limit']).toBe('5');
    fakes().wickson.control.reset();
    expect((await wickson('/v1/media/collections')).status).toBe(200);
  });
});
