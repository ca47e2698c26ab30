import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIN_SCALE } from '../../src/fakes/dataset.ts';
import { generateDataset } from '../../src/fakes/index.ts';
import { loadSeedFile, SEED_FILES } from '../../src/fakes/seeds.ts';
import { useFakes } from '../helpers/fakes.ts';
import { get, type Json } from './http.ts';

const SHARED = new URL('../../../shared/seeds/', import.meta.url);
const PUBLIC = 'https://api.beluga.insectai.org';

function sharedSeed(prefix: string, start: string): unknown {
  const name = readdirSync(SHARED).find((f) => f.startsWith(prefix))!;
  const text = readFileSync(new URL(name, SHARED), 'utf8');
  const from = text.indexOf(start);
  const end = prefix === '002' ? text.indexOf('Response Fields') : text.length;
  return JSON.parse(text.slice(from, end));
}

describe.skipIf(!existsSync(SHARED))('shipped seed data', () => {
  it('equals the JSON recorded in ../shared/seeds', () => {
    expect(loadSeedFile(SEED_FILES.captureSet21)).toEqual(sharedSeed('000', '\n{'));
    expect(loadSeedFile(SEED_FILES.captureSetsPage)).toEqual(sharedSeed('001', '{'));
    expect(loadSeedFile(SEED_FILES.wicksonResearchPapers)).toEqual(
      sharedSeed('002', '{\n"success"'),
    );
  });
});

describe('seed payloads served verbatim', () => {
  const fakes = useFakes({ belugaPublicUrl: PUBLIC });

  it('000: capture set 21 detail with counts', async () => {
    const reply = await get(`${fakes().beluga.url}/api/v2/captures/collections/21/?format=api`);
    expect(reply.status).toBe(200);
    expect(reply.json).toStrictEqual(loadSeedFile(SEED_FILES.captureSet21));
    expect(Object.keys(reply.json)).toEqual(
      Object.keys(loadSeedFile(SEED_FILES.captureSet21) as object),
    );
  });

  it('001: anonymous capture-set list ordered by -method', async () => {
    const reply = await get(
      `${fakes().beluga.url}/api/v2/captures/collections/?format=api&ordering=-method`,
    );
    const seed = loadSeedFile(SEED_FILES.captureSetsPage) as { results: object[] };
    expect(reply.json).toStrictEqual(seed);
    expect(Object.keys(reply.json)).toEqual([
      'count',
      'next',
      'previous',
      'results',
      'user_permissions',
    ]);
    reply.json.results.forEach((item: object, i: number) => {
      expect(Object.keys(item)).toEqual(Object.keys(seed.results[i]!));
    });
  });

  it('002: Wickson research_papers', async () => {
    const reply = await get(`${fakes().wickson.url}/v1/media/collections/research_papers`, {
      'x-api-key': 'demo-key',
    });
    expect(reply.json).toStrictEqual(loadSeedFile(SEED_FILES.wicksonResearchPapers));
  });

  it('every job of the seeds exists with the summary fields', async () => {
    const seed = loadSeedFile(SEED_FILES.captureSetsPage) as {
      results: { id: number; project: number; jobs: Json[] }[];
    };
    const set21 = loadSeedFile(SEED_FILES.captureSet21) as {
      id: number;
      project: number;
      jobs: Json[];
    };
    const { jobs } = fakes().dataset;
    for (const set of [...seed.results, set21]) {
      for (const summary of set.jobs) {
        const job = jobs.get(summary.id)!;
        expect(job).toMatchObject({
          status: summary.status,
          jobType: summary.job_type,
          createdAt: summary.created_at,
          updatedAt: summary.updated_at,
          project: set.project,
          captureSet: set.id,
        });
      }
    }
    const reply = await get(`${fakes().beluga.url}/api/v2/jobs/1146/`);
    expect(reply.json.source_image_collection.id).toBe(21);
    expect(reply.json.job_type).toEqual({
      name: 'Populate captures collection',
      key: 'populate_captures_collection',
    });
  });
});

describe('dataset', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateDataset({ seed: 7 });
    const b = generateDataset({ seed: 7 });
    const c = generateDataset({ seed: 8 });
    expect([...a.captureSets.values()]).toEqual([...b.captureSets.values()]);
    expect([...a.jobs.values()]).toEqual([...b.jobs.values()]);
    expect([...a.wickson.media.keys()]).toEqual([...b.wickson.media.keys()]);
    expect([...a.captureSets.values()]).not.toEqual([...c.captureSets.values()]);
  });

  it('holds all 11 methods, draft projects, and 72 anonymous-visible sets by default', () => {
    const d = generateDataset();
    expect(new Set([...d.captureSets.values()].map((s) => s.method)).size).toBe(11);
    const visible = [...d.captureSets.values()].filter((s) => !d.projects.get(s.project)!.draft);
    expect(visible).toHaveLength(72);
    expect(d.ids.draftProjects.length).toBeGreaterThan(0);
    expect(d.ids.draftCaptureSets.length).toBeGreaterThan(0);
    expect(d.ids.draftJobs.length).toBeGreaterThan(0);
  });

  it('scales to benchmark sizes', () => {
    const d = generateDataset({
      scale: { projects: 50, captureSets: 5000, jobs: 20000, wicksonCollections: 200 },
    });
    expect(d.projects.size).toBe(50);
    expect(d.captureSets.size).toBe(5000);
    expect(d.jobs.size).toBe(20000);
    expect(d.wickson.collections).toHaveLength(200);
    expect(d.wickson.collections[0]!.id).toBe('default');
    for (const set of d.captureSets.values()) {
      for (const id of set.jobIds) expect(d.jobs.get(id)!.captureSet).toBe(set.id);
    }
  });

  it('honours any scale down to the seed records and refuses a smaller one', () => {
    const d = generateDataset({ scale: MIN_SCALE });
    expect([
      d.projects.size,
      d.captureSets.size,
      d.jobs.size,
      d.wickson.collections.length,
    ]).toEqual([
      MIN_SCALE.projects,
      MIN_SCALE.captureSets,
      MIN_SCALE.jobs,
      MIN_SCALE.wicksonCollections,
    ]);
    expect(generateDataset({ scale: { jobs: 50 } }).jobs.size).toBe(50);
    expect(() => generateDataset({ scale: { captureSets: 80 } })).toThrow(
      'scale.captureSets must be at least 81',
    );
  });
});
