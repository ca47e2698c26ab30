/**
 * The fake Beluga runs the jobs it starts (src/fakes/beluga/job-runner.ts): on a manual clock a
 * job moves PENDING → STARTED (stages one after another) → SUCCESS exactly when the clock is
 * stepped, through the control route or in process; a populate fills its capture set as it goes;
 * a cancel stops the run; a reset forgets it.
 */
import { describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, useFakes } from '../helpers/fakes.ts';
import { get, type Json, send, token } from './http.ts';

const JOBS = '/api/v2/jobs/';
const SETS = '/api/v2/captures/collections/';
const member = token(FAKE_MEMBER_TOKEN);
const DRAFT_PROJECT = 90;

describe('Beluga fake: jobs run on the fake clock', () => {
  // 10 s per job: PENDING for the first second, then 9 s of stages.
  const fakes = useFakes({ manualClock: true, jobSeconds: 10 });
  const url = (path: string) => `${fakes().beluga.url}${path}`;
  const step = async (ms: number) => {
    const answer = await send(url('/__fake/clock'), 'POST', { advanceMs: ms });
    expect(answer.status).toBe(200);
    return answer.json;
  };
  const job = async (id: number) => (await get(url(`${JOBS}${id}/`), member)).json;
  const mlJob = () =>
    fakes().dataset.ids.draftJobs.find((id) => fakes().dataset.jobs.get(id)!.jobType.key === 'ml')!;

  it('advances a run job through PENDING, STARTED stages and SUCCESS as the clock steps', async () => {
    const id = mlJob();
    const started = await send(url(`${JOBS}${id}/run/`), 'POST', undefined, member);
    expect(started.json).toMatchObject({ status: 'PENDING', started_at: null, finished_at: null });
    expect(started.json.progress.stages.map((s: Json) => s.status)).toEqual([
      'CREATED',
      'CREATED',
      'CREATED',
    ]);
    // The clock stands still: nothing moves without a step.
    expect((await job(id)).status).toBe('PENDING');

    expect(await step(999)).toMatchObject({ manual: true, runningJobs: 1 });
    expect((await job(id)).status).toBe('PENDING');
    await step(1);
    const first = await job(id);
    expect(first).toMatchObject({ status: 'STARTED', finished_at: null });
    expect(first.started_at).not.toBeNull();
    expect(first.progress.summary).toEqual({ status: 'STARTED', progress: 0 });
    expect(first.progress.stages[0]).toMatchObject({ key: 'collect', status: 'STARTED' });

    // Half of the 9 s of stages: collect done, process half-way, results not begun.
    await step(4_500);
    const half = await job(id);
    expect(half.progress.stages.map((s: Json) => [s.status, s.progress])).toEqual([
      ['SUCCESS', 1],
      ['STARTED', 0.5],
      ['CREATED', 0],
    ]);
    expect(half.progress.summary.progress).toBe(0.5);
    expect(half.updated_at > first.updated_at).toBe(true);

    await step(4_500);
    const done = await job(id);
    expect(done).toMatchObject({ status: 'SUCCESS', duration: '9.0' });
    expect(done.finished_at).not.toBeNull();
    expect(done.progress.summary).toEqual({ status: 'SUCCESS', progress: 1 });
    expect((await step(0)).runningJobs).toBe(0);
  });

  it('starts jobs created with start_now and retried ones; a cancel stops the run', async () => {
    const setId = fakes().dataset.ids.draftCaptureSets[0]!;
    const project = fakes().dataset.captureSets.get(setId)!.project;
    const body = { name: 'Now', delay: 0, project_id: project, pipeline_id: 7 };
    const created = await send(url(`${JOBS}?start_now=1`), 'POST', body, member);
    const id = created.json.id as number;
    fakes().clock.advance(2_000);
    expect((await job(id)).status).toBe('STARTED');
    expect((await send(url(`${JOBS}${id}/cancel/`), 'POST', undefined, member)).json.status).toBe(
      'REVOKED',
    );
    fakes().clock.advance(20_000);
    const cancelled = await job(id);
    expect(cancelled.status).toBe('REVOKED');
    expect(cancelled.progress.stages[0]).toMatchObject({ status: 'REVOKED' });

    expect((await send(url(`${JOBS}${id}/retry/`), 'POST', undefined, member)).json.status).toBe(
      'PENDING',
    );
    fakes().clock.advance(10_000);
    expect((await job(id)).status).toBe('SUCCESS');
  });

  it('fills the capture set of a populate job as it runs', async () => {
    const created = await send(
      url(SETS),
      'POST',
      { name: 'Filled as it goes', project: DRAFT_PROJECT, method: 'full' },
      member,
    );
    const setId = created.json.id as number;
    const populate = await send(url(`${SETS}${setId}/populate/`), 'POST', undefined, member);
    const jobId = populate.json.job_id as number;
    const set = async () => (await get(url(`${SETS}${setId}/`), member)).json;
    expect((await set()).source_images_count).toBe(0);
    expect((await job(jobId)).status).toBe('PENDING');

    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      fakes().clock.advance(3_000);
      counts.push((await set()).source_images_count);
    }
    expect((await job(jobId)).status).toBe('SUCCESS');
    const target = counts.at(-1)!;
    expect(target).toBeGreaterThan(0);
    // Grows at each step and ends at the full sample.
    expect(counts.every((n, i) => i === 0 || n > counts[i - 1]!)).toBe(true);
    const final = await set();
    expect(final.source_images_with_detections_count).toBeLessThanOrEqual(target);
    const captures = await get(
      url(`/api/v2/captures/?project_id=${DRAFT_PROJECT}&collections=${setId}&limit=1`),
      member,
    );
    expect(captures.json.count).toBe(target);
  });

  it('forgets its runs on reset', async () => {
    const id = mlJob();
    await send(url(`${JOBS}${id}/run/`), 'POST', undefined, member);
    expect((await step(0)).runningJobs).toBe(1);
    fakes().beluga.control.reset();
    expect((await step(0)).runningJobs).toBe(0);
    expect((await send(url('/__fake/clock'), 'POST', { advanceMs: -1 })).status).toBe(400);
  });
});
