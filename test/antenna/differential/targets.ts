/**
 * The two Belugas the differential check asks the same questions: the project's fake and the
 * Antenna under test, each behind a recording proxy and reached through the gateway's own Beluga
 * client, with the objects each holds (their ids differ; their shapes must not).
 */
import pino from 'pino';
import { configFrom } from '../../../src/config.ts';
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN, type Fakes } from '../../../src/fakes/index.ts';
import { createUpstreams, type Upstreams } from '../../../src/upstreams/index.ts';
import type { BelugaClient, UpstreamScope } from '../../../src/upstreams/types.ts';
import { NO_SHARED_CACHE } from '../../helpers/no-cache.ts';
import type { AntennaEnv } from '../env.ts';
import { rest } from '../harness.ts';
import { type RecordingProxy, startRecordingProxy } from './proxy.ts';

export interface Target {
  name: 'fake' | 'Antenna';
  origin: string;
  proxy: RecordingProxy;
  client: BelugaClient;
  upstreams: Upstreams;
  manager: UpstreamScope;
  outsider: UpstreamScope;
  anonymous: UpstreamScope;
  badToken: UpstreamScope;
  /** A project the manager manages, a set of it with jobs and captures, one of each. */
  project: number;
  set: number;
  job: number;
  capture: number;
  /** A job of a project that is not a draft (an outsider sees it, and may not run it). */
  publicJob: number;
}

const scope = (token?: string): UpstreamScope => ({
  authorization: token ? `Token ${token}` : undefined,
  credentialSource: 'client',
  signal: undefined,
  requestId: 'differential',
});

async function connect(
  name: Target['name'],
  origin: string,
  wicksonUrl: string,
): Promise<Pick<Target, 'name' | 'origin' | 'proxy' | 'client' | 'upstreams'>> {
  const proxy = await startRecordingProxy(origin);
  const config = configFrom({
    NODE_ENV: 'test',
    BELUGA_URL: proxy.url,
    WICKSON_URL: wicksonUrl,
    UPSTREAM_TIMEOUT_MS: '30000',
    ...NO_SHARED_CACHE,
  });
  const upstreams = createUpstreams(config, { logger: pino({ level: 'silent' }) });
  return { name, origin, proxy, client: upstreams.beluga, upstreams };
}

/** The fake: draft project 90, where the fake's project manager token may write. */
export async function fakeTarget(fakes: Fakes): Promise<Target> {
  const { dataset } = fakes;
  const set = [...dataset.captureSets.values()].find(
    (s) =>
      s.project === 90 &&
      s.jobIds.length > 0 &&
      s.sourceImagesCount > 1 &&
      s.withDetectionsCount > 0,
  )!;
  return {
    ...(await connect('fake', fakes.beluga.url, fakes.wickson.url)),
    manager: scope(FAKE_MEMBER_TOKEN),
    outsider: scope(FAKE_OUTSIDER_TOKEN),
    anonymous: scope(),
    badToken: scope('0000000000000000000000000000000000000000'),
    project: set.project,
    set: set.id,
    job: set.jobIds[0]!,
    capture: set.id * 100_000,
    publicJob: [...dataset.jobs.values()].find((j) => !dataset.ids.draftJobs.includes(j.id))!.id,
  };
}

export async function antennaTarget(env: AntennaEnv, wicksonUrl: string): Promise<Target> {
  const token = { token: env.managerToken };
  const sets = await rest(
    env.url,
    'GET',
    `/api/v2/captures/collections/?project_id=${env.projectId}&ordering=id&limit=1000`,
    token,
  );
  const set = (
    sets.json.results as { id: number; jobs: { id: number }[]; source_images_count: number }[]
  ).find((s) => s.jobs.length > 0 && s.source_images_count > 1);
  if (!set) throw new Error(`project ${env.projectId} has no capture set with jobs and captures`);
  // A capture with detections, so their nested shape is compared too (any capture without).
  const captures = await rest(
    env.url,
    'GET',
    `/api/v2/captures/?project_id=${env.projectId}&limit=100`,
    token,
  );
  const listed = captures.json.results as { id: number; detections_count: number | null }[];
  const capture = listed.find((c) => (c.detections_count ?? 0) > 0) ?? listed[0]!;
  return {
    ...(await connect('Antenna', env.url, wicksonUrl)),
    manager: scope(env.managerToken),
    outsider: scope(env.outsiderToken),
    anonymous: scope(),
    badToken: scope('0000000000000000000000000000000000000000'),
    project: env.projectId,
    set: set.id,
    job: set.jobs[0]!.id,
    capture: capture.id,
    publicJob: set.jobs[0]!.id,
  };
}
