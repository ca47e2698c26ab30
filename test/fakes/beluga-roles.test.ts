/**
 * The Beluga fake's permissions, table-driven from Antenna's own tests (RolnickLab/antenna):
 * `ami/main/tests.py` TestRolePermissions (test/helpers/antenna-role-table.ts),
 * TestDraftProjectPermissions, TestProjectRequiredOnListEndpoints,
 * TestFineGrainedJobRunPermission, TestMLDataManagerCanRunBatchMLJob, and
 * `ami/jobs/tests/test_jobs.py` TestJobView, each case where the fake serves the resource.
 */
import { describe, expect, it } from 'vitest';
import {
  FAKE_MEMBER_TOKEN,
  FAKE_OUTSIDER_TOKEN,
  FAKE_ROLE_PROJECT,
  FAKE_ROLE_TOKENS,
  FAKE_SUPERUSER_TOKEN,
} from '../../src/fakes/index.ts';
import { type RoleKey, roleMismatches } from '../helpers/antenna-role-table.ts';
import { useFakes } from '../helpers/fakes.ts';
import { get, type Json, send, token } from './http.ts';

const TOKENS: Record<RoleKey, string> = {
  project_manager: FAKE_MEMBER_TOKEN,
  ml_data_manager: FAKE_ROLE_TOKENS.MLDataManager,
  researcher: FAKE_ROLE_TOKENS.Researcher,
  identifier: FAKE_ROLE_TOKENS.Identifier,
  basic_member: FAKE_ROLE_TOKENS.BasicMember,
  regular_user: FAKE_OUTSIDER_TOKEN,
};
const DRAFT = 90;
const superuser = token(FAKE_SUPERUSER_TOKEN);

describe('Beluga fake: roles as Antenna tests them', () => {
  const fakes = useFakes();
  const url = (path: string) => `${fakes().beluga.url}/api/v2/${path}`;
  let n = 0;

  it.each(Object.keys(TOKENS) as RoleKey[])('TestRolePermissions: %s', async (role) => {
    const mismatches = await roleMismatches(
      {
        origin: fakes().beluga.url,
        project: FAKE_ROLE_PROJECT,
        token: TOKENS[role],
        superuserToken: FAKE_SUPERUSER_TOKEN,
        name: (what) => `${what} ${++n}`,
      },
      role,
    );
    expect(mismatches).toEqual([]);
  });

  describe('TestDraftProjectPermissions: a draft shows to its members and superusers only', () => {
    const viewers: [string, Record<string, string>, boolean][] = [
      ['superuser', superuser, true],
      ['owner (a project manager, as Antenna makes the owner)', token(FAKE_MEMBER_TOKEN), true],
      ...Object.entries(FAKE_ROLE_TOKENS).map(
        ([role, key]): [string, Record<string, string>, boolean] => [role, token(key), true],
      ),
      ['outsider (or a member removed)', token(FAKE_OUTSIDER_TOKEN), false],
      ['anonymous', {}, false],
    ];

    it.each(viewers)('%s', async (_who, headers, sees) => {
      const { dataset } = fakes();
      const set = [...dataset.captureSets.values()].find(
        (s) => s.project === DRAFT && s.sourceImagesCount > 0 && s.jobIds.length > 0,
      )!;
      const status = sees ? 200 : 404;
      expect((await get(url(`projects/${DRAFT}/`), headers)).status).toBe(status);
      const projects = (await get(url('projects/?limit=1000'), headers)).json.results as Json[];
      expect(projects.some((p) => p.id === DRAFT)).toBe(sees);
      expect((await get(url(`captures/collections/${set.id}/`), headers)).status).toBe(status);
      const sets = (await get(url('captures/collections/?limit=1000'), headers)).json.results;
      expect((sets as Json[]).some((s) => s.id === set.id)).toBe(sees);
      expect((await get(url(`jobs/${set.jobIds[0]}/`), headers)).status).toBe(status);
      const jobs = (await get(url('jobs/?limit=1000'), headers)).json.results as Json[];
      expect(jobs.some((j) => j.id === set.jobIds[0])).toBe(sees);
      const captures = await get(
        url(`captures/?project_id=${DRAFT}&collections=${set.id}`),
        headers,
      );
      expect(captures.status).toBe(status);
      const capture = await get(url(`captures/${set.id * 100_000}/?project_id=${DRAFT}`), headers);
      expect(capture.status).toBe(status);
    });
  });

  it('TestProjectRequiredOnListEndpoints: captures need project_id, projects do not', async () => {
    const headers = token(FAKE_MEMBER_TOKEN);
    const without = await get(url('captures/'), headers);
    expect([without.status, without.json]).toEqual([
      400,
      { project_id: ['This field is required.'] },
    ]);
    expect((await get(url(`captures/?project_id=${DRAFT}`), headers)).status).toBe(200);
    expect((await get(url('projects/'), headers)).status).toBe(200);
  });

  describe('TestFineGrainedJobRunPermission: run needs run_<job type>_job', () => {
    const KEYS = [
      'ml',
      'populate_captures_collection',
      'data_storage_sync',
      'regroup_events',
      'data_export',
      'post_processing',
    ];
    /** A user granted create_job and `run` perms on a public project, outside any role. */
    const grantee = (runs: string[]) => {
      const key = `${'f'.repeat(32)}${String(Date.now() % 1e8).padStart(8, '0')}`;
      fakes().dataset.users.set(key, {
        id: 99,
        name: 'Granted',
        token: key,
        roles: new Map(),
        grants: new Map([
          [FAKE_ROLE_PROJECT, new Set(['create_job', ...runs.map((k) => `run_${k}_job`)])],
        ]),
        superuser: false,
      });
      return key;
    };
    const jobOf = async (jobTypeKey: string) =>
      (
        await send(
          url('jobs/'),
          'POST',
          { name: 'Test Job', delay: 0, project_id: FAKE_ROLE_PROJECT, job_type_key: jobTypeKey },
          superuser,
        )
      ).json.id as number;
    const runAll = async (key: string) => {
      const out: Record<string, number> = {};
      for (const type of KEYS) {
        const id = await jobOf(type);
        out[type] = (await send(url(`jobs/${id}/run/`), 'POST', undefined, token(key))).status;
      }
      return out;
    };
    const expected = (allowed: string[]) =>
      Object.fromEntries(KEYS.map((k) => [k, allowed.includes(k) ? 200 : 403]));

    it.each([[KEYS.slice(0, 1)], [KEYS.slice(0, 2)], [[]]])('allowed %j', async (allowed) => {
      expect(await runAll(grantee(allowed))).toEqual(expected(allowed));
    });

    it("the job detail's user_permissions follow the grant", async () => {
      const key = grantee([]);
      const id = await jobOf('ml');
      const perms = async () => (await get(url(`jobs/${id}/`), token(key))).json.user_permissions;
      expect(await perms()).toEqual([]);
      fakes().dataset.users.get(key)!.grants!.get(FAKE_ROLE_PROJECT)!.add('run_ml_job');
      expect(await perms()).toContain('run');
      fakes().dataset.users.get(key)!.grants!.get(FAKE_ROLE_PROJECT)!.delete('run_ml_job');
      expect(await perms()).not.toContain('run');
    });
  });

  it('TestMLDataManagerCanRunBatchMLJob: ML data managers and project managers run ML jobs', async () => {
    for (const [key, status] of [
      [FAKE_ROLE_TOKENS.MLDataManager, 200],
      [FAKE_MEMBER_TOKEN, 200],
      [FAKE_ROLE_TOKENS.BasicMember, 403],
    ] as const) {
      const job = await send(
        url('jobs/'),
        'POST',
        { name: 'Test ML Job', delay: 0, project_id: DRAFT, job_type_key: 'ml' },
        superuser,
      );
      expect(
        (await send(url(`jobs/${job.json.id}/run/`), 'POST', undefined, token(key))).status,
      ).toBe(status);
    }
    const job = await send(
      url('jobs/'),
      'POST',
      { name: 'Mine', delay: 0, project_id: DRAFT },
      superuser,
    );
    const seen = await get(url(`jobs/${job.json.id}/`), token(FAKE_ROLE_TOKENS.MLDataManager));
    expect(seen.json.user_permissions).toContain('run');
  });

  describe('TestJobView (in a project that is not a draft, as there)', () => {
    const PUBLIC = FAKE_ROLE_PROJECT;
    const set = () =>
      [...fakes().dataset.captureSets.values()].find((s) => s.project === PUBLIC)!.id;
    const create = (name: string, headers: Record<string, string> = superuser) =>
      send(
        url(`jobs/?project_id=${PUBLIC}`),
        'POST',
        {
          project_id: PUBLIC,
          name,
          source_image_collection_id: set(),
          delay: 0,
          start_now: false,
          job_type_key: 'populate_captures_collection',
        },
        headers,
      );

    it('gets a job and lists a project’s jobs', async () => {
      const created = await create('Test populate job');
      const one = await get(url(`jobs/${created.json.id}/?project_id=${PUBLIC}`), superuser);
      expect([one.status, one.json.id]).toEqual([200, created.json.id]);
      const list = await get(url(`jobs/?project_id=${PUBLIC}&limit=1000`), superuser);
      expect(list.status).toBe(200);
      expect(list.json.count).toBe(
        [...fakes().dataset.jobs.values()].filter((j) => j.project === PUBLIC).length,
      );
    });

    it('creates a job CREATED; anonymous create and run are 401', async () => {
      const created = await create("Test job - Start but don't run");
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        project: { id: PUBLIC },
        name: "Test job - Start but don't run",
        status: 'CREATED',
      });
      expect((await create('unauthenticated', {})).status).toBe(401);
      const run = await send(url(`jobs/${created.json.id}/run/?project_id=${PUBLIC}`), 'POST');
      expect(run.status).toBe(401);
    });

    it.each(['run', 'retry'])('%s with no_async=True ends in SUCCESS', async (action) => {
      const created = await create(`Test ${action} job`);
      const done = await send(
        url(`jobs/${created.json.id}/${action}/?no_async=True&project_id=${PUBLIC}`),
        'POST',
        undefined,
        superuser,
      );
      expect([done.status, done.json.id, done.json.status]).toEqual([
        200,
        created.json.id,
        'SUCCESS',
      ]);
      expect(done.json.progress.summary.status).toBe('SUCCESS');
    });

    it('ids_only: minimal items, one per page unless a limit is given', async () => {
      await create('Test job 2');
      await create('Test job 3');
      const count = (await get(url(`jobs/?project_id=${PUBLIC}&limit=1`), superuser)).json.count;
      const ten = await get(url(`jobs/?project_id=${PUBLIC}&ids_only=True&limit=10`), superuser);
      expect(ten.json.count).toBe(count);
      expect(ten.json.results).toHaveLength(Math.min(10, count));
      expect(ten.json.results.every((r: Json) => Number.isInteger(r.id))).toBe(true);
      expect(ten.json.results[0]).not.toHaveProperty('details');
      const one = await get(url(`jobs/?project_id=${PUBLIC}&ids_only=True`), superuser);
      expect([one.json.count, one.json.results.length]).toEqual([count, 1]);
    });

    it('cutoff_hours=abc is a 400', async () => {
      const bad = await get(url(`jobs/?project_id=${PUBLIC}&cutoff_hours=abc`), superuser);
      expect(bad.status).toBe(400);
    });
  });
});
