/** Job and project loaders: given these loads in one tick, the client saw exactly these calls. */
import { describe, expect, it } from 'vitest';
import { captureSet, fakeBeluga, job, loadersOver, project } from './fake-beluga.ts';

const data = () => ({
  sets: [captureSet(21, 23, [1, 2, 3]), captureSet(22, 23, [4])],
  jobs: [job(1, 21, 23), job(2, 21, 23), job(3, 21, 23), job(4, 22, 23)],
  projects: [project(23), project(24)],
});

describe('job', () => {
  it('jobs of an unseen set each get their detail', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await Promise.all([loaders.job.load('1'), loaders.job.load('2')]);
    expect(beluga.calls.sort()).toEqual(['getJob 1', 'getJob 2']);
  });

  it("jobs of one seen set share one list sized to the set's jobs", async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await loaders.captureSet.load({ id: '21' });
    beluga.calls.length = 0;
    const jobs = await Promise.all([loaders.job.load('1'), loaders.job.load('3')]);
    expect(jobs.map((j) => j?.id)).toEqual([1, 3]);
    expect(beluga.calls).toEqual(['listJobs captureSetId=21&limit=3&offset=0']);
  });

  it('single jobs of several sets of one project share one project list', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await loaders.captureSetList.load({ projectId: 23, limit: 10, offset: 0 });
    beluga.calls.length = 0;
    await Promise.all([loaders.job.load('1'), loaders.job.load('4')]);
    expect(beluga.calls).toEqual(['listJobs projectId=23&limit=1000&offset=0']);
  });

  it('a listed job costs nothing afterwards', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await loaders.jobsByCaptureSet.load({ id: '21', jobCount: 3 });
    await Promise.all([loaders.job.load('1'), loaders.job.load('2')]);
    expect(beluga.calls).toEqual(['listJobs captureSetId=21&limit=3&offset=0']);
  });
});

describe('project', () => {
  it('one project: its detail', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    await loaders.project.load('23');
    expect(beluga.calls).toEqual(['getProject 23']);
  });

  it('several: one list; an id a complete list lacks is null without a detail', async () => {
    const beluga = fakeBeluga(data());
    const loaders = loadersOver(beluga);
    const found = await Promise.all([
      loaders.project.load('23'),
      loaders.project.load('24'),
      loaders.project.load('99'),
    ]);
    expect(found.map((p) => p?.id ?? null)).toEqual([23, 24, null]);
    expect(beluga.calls).toEqual(['listProjects limit=1000&offset=0']);
  });
});
