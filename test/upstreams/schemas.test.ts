/** Every recorded seed payload parses with its wire schema, and comes through the clients intact. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureSetDto, CaptureSetPageDto } from '../../src/upstreams/beluga/schemas.ts';
import { CollectionDetailDto } from '../../src/upstreams/wickson/schemas.ts';
import { useFakes } from '../helpers/fakes.ts';
import { closeHarnesses, harness } from './helpers.ts';

const seed = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../src/fakes/seed-data/${name}`, import.meta.url), 'utf8'));

describe('seed payloads', () => {
  it('seeds/000 (capture set 21) parses as CaptureSetDto', () => {
    const parsed = CaptureSetDto.safeParse(seed('beluga-capture-set-21.json'));
    expect(parsed.success && parsed.data.id).toBe(21);
  });

  it('seeds/001 (capture-set page) parses as a page of CaptureSetDto', () => {
    const parsed = CaptureSetPageDto.safeParse(seed('beluga-capture-sets-page.json'));
    expect(parsed.success && parsed.data.results.length).toBe(20);
  });

  it('seeds/002 (research_papers) parses as CollectionDetailDto', () => {
    const parsed = CollectionDetailDto.safeParse(seed('wickson-research-papers.json'));
    expect(parsed.success && parsed.data.data.stats.item_count).toBe(17);
  });
});

describe('answers of the real Antenna', () => {
  it("a create's 201 (null capture counts, as Antenna sends them) parses as CaptureSetDto", () => {
    // Recorded from Antenna at 731cc2a: POST /api/v2/captures/collections/ as a project manager.
    const created = {
      id: 6,
      details: 'http://127.0.0.1:8765/api/v2/captures/collections/6/',
      name: 'probe-fid-1',
      project: 1,
      method: 'random',
      kwargs: { size: 3 },
      source_images: 'http://127.0.0.1:8765/api/v2/captures/?collections=6',
      source_images_count: null,
      source_images_with_detections_count: null,
      source_images_processed_count: null,
      occurrences_count: null,
      taxa_count: null,
      description: '',
      jobs: [],
      created_at: '2026-12-05T08:43:24.525187',
      updated_at: '2026-12-05T08:43:24.525294',
      user_permissions: ['update', 'populate', 'delete'],
    };
    const parsed = CaptureSetDto.safeParse(created);
    expect(parsed.success && parsed.data.source_images_count).toBeNull();
  });
});

describe('seed payloads through the clients', () => {
  const fakes = useFakes({ belugaPublicUrl: 'https://api.beluga.insectai.org' });
  afterAll(closeHarnesses);

  it('capture set 21 and research_papers equal the parsed seeds', async () => {
    const h = await harness(fakes());
    // The seed was recorded through the browsable API (`?format=api` in its links).
    const recorded = JSON.stringify(seed('beluga-capture-set-21.json')).replaceAll(
      '?format=api',
      '',
    );
    // Plus the time each was fetched (src/upstreams/fetched-at.ts).
    const fetchedAt = expect.any(Number);
    expect(await h.upstreams.beluga.getCaptureSet(21, h.scope())).toEqual({
      ...CaptureSetDto.parse(JSON.parse(recorded)),
      fetchedAt,
    });
    expect(await h.upstreams.wickson.getCollection('research_papers', h.scope())).toEqual({
      ...CollectionDetailDto.parse(seed('wickson-research-papers.json')).data,
      fetchedAt,
    });
  });
});
