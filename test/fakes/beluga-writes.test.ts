import { describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN, useFakes } from '../helpers/fakes.ts';
import { get, type Json, send, token } from './http.ts';

const SETS = '/api/v2/captures/collections/';
const JOBS = '/api/v2/jobs/';
const DRAFT_PROJECT = 90;
const member = token(FAKE_MEMBER_TOKEN);
const outsider = token(FAKE_OUTSIDER_TOKEN);
const DENIED = { detail: 'You do not have permission to perform this action.' };
const ANONYMOUS = { detail: 'Authentication credentials were not provided.' };

describe('Beluga fake: capture-set writes', () => {
  // 2026-06-01 16:00 UTC is 12:00 in New York (EDT): Beluga's naive local time.
  const fakes = useFakes({ now: () => Date.UTC(2026, 5, 1, 16, 0, 0) });
  const url = (path: string) => `${fakes().beluga.url}${path}`;
  const create = (body: unknown, headers: Record<string, string> = member) =>
    send(url(SETS), 'POST', body, headers);

  it('creates a set: 201 with the representation, null counts, then lists and detail show it', async () => {
    const before = await get(url(`${SETS}?project_id=${DRAFT_PROJECT}&limit=1000`), member);
    const created = await create({
      name: 'Dusk only',
      project: DRAFT_PROJECT,
      method: 'interval',
      kwargs: { minute_interval: 15, date_start: '2024-06-01', shuffle: null, bogus: 1 },
    });
    expect(created.status).toBe(201);
    const id = created.json.id;
    expect(created.json).toEqual({
      id,
      details: url(`${SETS}${id}/`),
      name: 'Dusk only',
      project: DRAFT_PROJECT,
      method: 'interval',
      kwargs: { minute_interval: 15, date_start: '2024-06-01' },
      source_images: url(`/api/v2/captures/?collections=${id}`),
      source_images_count: null,
      source_images_with_detections_count: null,
      source_images_processed_count: null,
      occurrences_count: null,
      taxa_count: null,
      description: '',
      jobs: [],
      created_at: '2026-06-01T12:00:00',
      updated_at: '2026-06-01T12:00:00',
      user_permissions: ['update', 'delete', 'populate'],
    });
    expect(id).toBe(Math.max(...fakes().dataset.captureSets.keys()));
    const after = await get(url(`${SETS}?project_id=${DRAFT_PROJECT}&limit=1000`), member);
    expect(after.json.count).toBe(before.json.count + 1);
    expect(after.json.results.map((s: Json) => s.id)).toContain(id);
    const detail = await get(url(`${SETS}${id}/`), member);
    expect(detail.json).toMatchObject({
      name: 'Dusk only',
      source_images_count: 0,
      source_images_with_detections_count: 0,
      source_images_processed_count: 0,
      occurrences_count: 0,
    });
    expect(detail.headers.allow).toBe('GET, PUT, PATCH, DELETE, HEAD, OPTIONS');
  });

  it('validates the body before it checks credentials, with DRF field errors', async () => {
    for (const headers of [{}, member]) {
      const missing = await create({}, headers);
      expect(missing.status).toBe(400);
      expect(missing.json).toEqual({
        name: ['This field is required.'],
        project: ['This field is required.'],
      });
    }
    const bad = await create({
      name: '',
      project: 99999,
      method: 'bogus',
      kwargs: { date_end: '2024-13-01', deployment_ids: [1, 'x'] },
    });
    expect(bad.json).toEqual({
      name: ['This field may not be blank.'],
      project: ['Invalid pk "99999" - object does not exist.'],
      method: ['"bogus" is not a valid choice.'],
      kwargs: {
        date_end: ['Invalid date format. Use YYYY-MM-DD format.'],
        deployment_ids: { 1: ['A valid integer is required.'] },
      },
    });
    const notDict = await create({ name: 'x', project: DRAFT_PROJECT, kwargs: 'num_each=1' });
    expect(notDict.json).toEqual({
      kwargs: { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] },
    });
    const taken = fakes().dataset.captureSets.get(fakes().dataset.ids.draftCaptureSets[0]!)!;
    const clash = await create({ name: taken.name, project: taken.project });
    expect(clash.status).toBe(400);
    expect(clash.json).toEqual({
      non_field_errors: ['The fields name, project must make a unique set.'],
    });
    const junk = await create('{not json');
    expect(junk.status).toBe(400);
    expect(junk.json.detail).toMatch(/^JSON parse error/);
  });

  it('refuses anonymous (401 + WWW-Authenticate) and outsiders (403) on a valid body', async () => {
    const anonymous = await create({ name: 'n', project: 23 }, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual(ANONYMOUS);
    expect(anonymous.headers['www-authenticate']).toBe('Token');
    const foreign = await create({ name: 'n', project: 23 }, outsider);
    expect(foreign.status).toBe(403);
    expect(foreign.json).toEqual(DENIED);
    const count = fakes().dataset.captureSets.size;
    expect((await create({ name: 'n', project: 23 })).status).toBe(403);
    expect(fakes().dataset.captureSets.size).toBe(count);
  });

  it('updates with PATCH (partial) and PUT (full); finds the object before checking rights', async () => {
    const id = fakes().dataset.ids.draftCaptureSets[0]!;
    const patched = await send(url(`${SETS}${id}/`), 'PATCH', { description: 'Tidied' }, member);
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      id,
      description: 'Tidied',
      updated_at: '2026-06-01T12:00:00',
    });
    // Antenna's update answers from the list queryset: capture counts, no occurrence counts.
    expect(typeof patched.json.source_images_count).toBe('number');
    expect(patched.json.occurrences_count).toBeNull();
    const put = await send(url(`${SETS}${id}/`), 'PUT', { description: 'x' }, member);
    expect(put.status).toBe(400);
    expect(put.json).toEqual({
      name: ['This field is required.'],
      project: ['This field is required.'],
    });
    const renamed = await send(
      url(`${SETS}${id}/`),
      'PUT',
      { name: 'Renamed', project: fakes().dataset.captureSets.get(id)!.project },
      member,
    );
    expect(renamed.json.name).toBe('Renamed');
    expect((await get(url(`${SETS}${id}/`), member)).json.name).toBe('Renamed');
    // Hidden draft: 404 for outsiders and anonymous users, before any permission check.
    for (const headers of [{}, outsider]) {
      const hidden = await send(url(`${SETS}${id}/`), 'PATCH', { name: 'x' }, headers);
      expect(hidden.status).toBe(404);
      expect(hidden.json).toEqual({ detail: 'Not found.' });
    }
    expect((await send(url(`${SETS}21/`), 'PATCH', { name: 'x' }, outsider)).json).toEqual(DENIED);
    expect((await send(url(`${SETS}21/`), 'PATCH', { name: 'x' }, {})).status).toBe(401);
  });

  it('deletes with 204 and an empty body; the set is gone and its jobs lose it', async () => {
    const { dataset } = fakes();
    const id = dataset.ids.draftCaptureSets.find((s) => dataset.captureSets.get(s)!.jobIds.length)!;
    const jobId = dataset.captureSets.get(id)!.jobIds[0]!;
    const deleted = await send(url(`${SETS}${id}/`), 'DELETE', undefined, member);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await get(url(`${SETS}${id}/`), member)).status).toBe(404);
    expect((await get(url(`${JOBS}${jobId}/`), member)).json.source_image_collection).toBeNull();
    expect((await send(url(`${SETS}21/`), 'DELETE', undefined, outsider)).status).toBe(403);
  });

  it('populates: a PENDING populate job, {job_id, project_id}, newest in the set', async () => {
    const id = fakes().dataset.ids.draftCaptureSets[1]!;
    const populated = await send(url(`${SETS}${id}/populate/`), 'POST', undefined, member);
    expect(populated.status).toBe(200);
    const project = fakes().dataset.captureSets.get(id)!.project;
    expect(populated.json).toEqual({ job_id: expect.any(Number), project_id: project });
    const job = await get(url(`${JOBS}${populated.json.job_id}/`), member);
    expect(job.json).toMatchObject({
      status: 'PENDING',
      job_type: { key: 'populate_captures_collection' },
      source_image_collection: { id },
      created_at: '2026-06-01T12:00:00',
    });
    const set = await get(url(`${SETS}${id}/`), member);
    expect(set.json.jobs[0]).toMatchObject({ id: populated.json.job_id, status: 'PENDING' });
    const listed = await get(url(`${JOBS}?source_image_collection=${id}`), member);
    expect(listed.json.results[0].id).toBe(populated.json.job_id);
    expect((await send(url(`${SETS}21/populate/`), 'POST', undefined, outsider)).json).toEqual(
      DENIED,
    );
  });

  it('answers 405 with Allow for a method the route lacks', async () => {
    const cases: [string, 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET', string][] = [
      [`${SETS}21/`, 'POST', 'GET, PUT, PATCH, DELETE, HEAD, OPTIONS'],
      [SETS, 'DELETE', 'GET, POST, HEAD, OPTIONS'],
      [`${SETS}21/populate/`, 'GET', 'POST, OPTIONS'],
      [`${JOBS}1146/run/`, 'PATCH', 'POST, OPTIONS'],
      ['/api/v2/projects/', 'POST', 'GET, HEAD, OPTIONS'],
    ];
    for (const [path, method, allow] of cases) {
      const reply =
        method === 'GET' ? await get(url(path), member) : await send(url(path), method, {}, member);
      expect(reply.status).toBe(405);
      expect(reply.json).toEqual({ detail: `Method "${method}" not allowed.` });
      expect(reply.headers.allow).toBe(allow);
    }
  });
});

describe('Beluga fake: job writes and actions', () => {
  const fakes = useFakes({ now: () => Date.UTC(2026, 0, 15, 17, 30, 0) });
  const url = (path: string) => `${fakes().beluga.url}${path}`;
  const draftJob = () =>
    fakes().dataset.ids.draftJobs.find((id) => fakes().dataset.jobs.get(id)!.status === 'SUCCESS')!;

  it('creates a job: 201 with the detail, CREATED, or PENDING with ?start_now=1', async () => {
    const setId = fakes().dataset.ids.draftCaptureSets[2]!;
    const project = fakes().dataset.captureSets.get(setId)!.project;
    const body = {
      name: 'Process dusk',
      delay: 0,
      project_id: project,
      pipeline_id: 7,
      source_image_collection_id: setId,
    };
    const created = await send(url(JOBS), 'POST', body, member);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'Process dusk',
      status: 'CREATED',
      job_type: { key: 'ml', name: 'ML pipeline' },
      project: { id: project },
      pipeline: { id: 7 },
      source_image_collection: { id: setId },
      created_at: '2026-01-15T12:30:00',
      result: null,
    });
    const started = await send(url(`${JOBS}?start_now=1`), 'POST', body, member);
    expect(started.json.status).toBe('PENDING');
    const set = await get(url(`/api/v2/captures/collections/${setId}/`), member);
    expect(set.json.jobs.slice(0, 2).map((j: Json) => j.id)).toEqual([
      started.json.id,
      created.json.id,
    ]);
  });

  it('validates job bodies and refuses anonymous callers and outsiders', async () => {
    const bad = await send(url(JOBS), 'POST', { job_type_key: 'nope', pipeline_id: 'x' }, member);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      name: ['This field is required.'],
      delay: ['This field is required.'],
      project_id: ['This field is required.'],
      pipeline_id: ['Invalid pk "x" - object does not exist.'],
      job_type_key: ['"nope" is not a valid choice.'],
    });
    const body = { name: 'n', delay: 0, project_id: 23 };
    expect((await send(url(JOBS), 'POST', body, {})).json).toEqual(ANONYMOUS);
    expect((await send(url(JOBS), 'POST', body, outsider)).json).toEqual(DENIED);
  });

  it('moves status: run → PENDING, retry → PENDING, cancel → REVOKED; answers the detail', async () => {
    const id = draftJob();
    const run = await send(url(`${JOBS}${id}/run/`), 'POST', undefined, member);
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ id, status: 'PENDING', started_at: null, finished_at: null });
    expect(run.json).toHaveProperty('result');
    const cancel = await send(url(`${JOBS}${id}/cancel/`), 'POST', undefined, member);
    expect(cancel.json).toMatchObject({ status: 'REVOKED', finished_at: '2026-01-15T12:30:00' });
    const retry = await send(url(`${JOBS}${id}/retry/`), 'POST', undefined, member);
    expect(retry.json).toMatchObject({ status: 'PENDING', updated_at: '2026-01-15T12:30:00' });
    expect((await get(url(`${JOBS}${id}/`), member)).json.status).toBe('PENDING');
    const inline = await send(url(`${JOBS}${id}/run/?no_async=1`), 'POST', undefined, member);
    expect(inline.json.status).toBe('SUCCESS');
    const listed = await get(url(`${JOBS}?status=SUCCESS&limit=1000`), member);
    expect(listed.json.results.some((j: Json) => j.id === id)).toBe(true);
  });

  it('checks action rights: 404 hidden, 401 anonymous, 403 outsider; delete is 403 for all', async () => {
    const hidden = draftJob();
    expect((await send(url(`${JOBS}${hidden}/run/`), 'POST', undefined, outsider)).status).toBe(
      404,
    );
    const anonymous = await send(url(`${JOBS}1146/cancel/`), 'POST', undefined, {});
    expect(anonymous.status).toBe(401);
    expect((await send(url(`${JOBS}1146/retry/`), 'POST', undefined, outsider)).json).toEqual(
      DENIED,
    );
    expect((await get(url(`${JOBS}1146/`))).json.status).toBe('SUCCESS');
    const deleted = await send(url(`${JOBS}${hidden}/`), 'DELETE', undefined, member);
    expect(deleted.status).toBe(403);
    expect(fakes().dataset.jobs.has(hidden)).toBe(true);
  });
});

describe('Beluga fake: faults, ledger and reset around writes', () => {
  const fakes = useFakes();
  const url = (path: string) => `${fakes().beluga.url}${path}`;
  const body = { name: 'Faulty', project: DRAFT_PROJECT };

  it('a fault on a write route can be scoped to a method; the write then does not happen', async () => {
    const control = fakes().beluga.control;
    control.addFault({ route: 'collections.list', method: 'POST', kind: 'status', status: 503 });
    expect((await get(url(SETS))).status).toBe(200);
    const count = fakes().dataset.captureSets.size;
    const failed = await send(url(SETS), 'POST', body, member);
    expect(failed.status).toBe(503);
    expect(fakes().dataset.captureSets.size).toBe(count);
    const entries = control.ledger.entries({ route: 'collections.list', method: 'POST' });
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]!.body!)).toEqual(body);
    expect(entries[0]!.status).toBe(503);
  });

  it('afterHandler: the write takes effect, then the connection is reset', async () => {
    const control = fakes().beluga.control;
    control.addFault({ route: 'collections.list', kind: 'reset', afterHandler: true, times: 1 });
    const count = fakes().dataset.captureSets.size;
    await expect(send(url(SETS), 'POST', body, member)).rejects.toThrow();
    expect(fakes().dataset.captureSets.size).toBe(count + 1);
  });

  it('reset restores the seeded dataset and forgets cached lists', async () => {
    const { dataset, beluga } = fakes();
    const count = dataset.captureSets.size;
    const list = () => get(url(`${SETS}?project_id=${DRAFT_PROJECT}&limit=1000`), member);
    const before = (await list()).json.count;
    await send(url(SETS), 'POST', body, member);
    expect((await list()).json.count).toBe(before + 1);
    beluga.control.reset();
    expect(dataset.captureSets.size).toBe(count);
    expect((await list()).json.count).toBe(before);
  });
});
