/**
 * The recorded upstream payloads (./seed-data/), shipped with the fakes so they work on their
 * own. The dataset contains these records verbatim.
 */
import { readFileSync } from 'node:fs';

const dir = new URL('./seed-data/', import.meta.url);

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as T;
}

export interface SeedJobSummary {
  id: number;
  details: string;
  status: string;
  job_type: { name: string; key: string };
  created_at: string;
  updated_at: string;
  user_permissions: string[];
}

export interface SeedCaptureSet {
  id: number;
  details: string;
  name: string;
  project: number;
  method: string;
  kwargs: Record<string, unknown>;
  source_images: string;
  source_images_count: number;
  source_images_with_detections_count: number;
  source_images_processed_count: number;
  occurrences_count: number | null;
  taxa_count: number | null;
  description: string;
  jobs: SeedJobSummary[];
  created_at: string;
  updated_at: string;
  user_permissions: string[];
}

export interface SeedWicksonCollection {
  success: true;
  message: string;
  data: {
    collection_id: string;
    stats: {
      item_count: number;
      first_item_date: string;
      last_item_date: string;
      media_type_distribution: Record<string, number>;
    };
  };
  metadata: { api_version: string };
}

export const SEED_FILES = {
  captureSet21: 'beluga-capture-set-21.json',
  captureSetsPage: 'beluga-capture-sets-page.json',
  wicksonResearchPapers: 'wickson-research-papers.json',
} as const;

export function loadSeeds() {
  return {
    captureSet21: load<SeedCaptureSet>(SEED_FILES.captureSet21),
    captureSetsPage: load<{ count: number; results: SeedCaptureSet[] }>(SEED_FILES.captureSetsPage),
    wicksonResearchPapers: load<SeedWicksonCollection>(SEED_FILES.wicksonResearchPapers),
  };
}

export function loadSeedFile(name: string): unknown {
  return load(name);
}
