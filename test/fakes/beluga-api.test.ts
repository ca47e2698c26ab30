import { describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN, useFakes } from '../helpers/fakes.ts';
import { get, type Json, token } from './http.ts';

describe('Beluga fake: counts, auth, visibility, errors', () => {
  const fakes = useFakes();
  const beluga = (path: string, headers: Record<string, string> = {}) =>
    get(`${fakes().beluga.url}${path}`, headers);

  it('sends counts null in lists unless with_counts, and computes them on detail', async () => {
    const plain = await beluga('/api/v2/captures/collections/?project_id=23');
    expect(
      plain.json.results.every((s: Json) => s.occurrences_count === null && s.taxa_count === null),
    ).toBe(true);
    const counted = await beluga('/api/v2/captures/collections/?project_id=23&with_counts=true');
    const set21 = counted.json.results.find((s: Json) => s.id === 21);
    expect(set21).toMatchObject({ occurrences_count: 1091, taxa_count: 498 });
    expect(counted.json.results.every((s: Json) => typeof s.occurrences_count === 'number')).toBe(
      true,
    );
    const off = await beluga('/api/v2/captures/collections/?project_id=23&with_counts=false');
    expect(off.json.results[0].occurrences_count).toBeNull();
    const detail = await beluga('/api/v2/captures/collections/21/');
    expect(detail.json).toMatchObject({ occurrences_count: 1091, taxa_count: 498 });
    expect(detail.json.source_images).toBe(`${fakes().beluga.url}/api/v2/captures/?collections=21`);
  });

  it('requires project_id whenever with_counts is present, on list and detail', async () => {
    for (const path of [
      '/api/v2/captures/collections/?with_counts=true',
      '/api/v2/captures/collections/21/?with_counts=false',
    ]) {
      const reply = await beluga(path);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ project_id: ['This field is required.'] });
    }
    const bad = await beluga('/api/v2/captures/collections/?project_id=abc');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ project_id: ['A valid integer is required.'] });
    const unknown = await beluga('/api/v2/captures/collections/?project_id=99999');
    expect(unknown.json.count).toBe(72);
  });

  it('validates filters with django-filter bodies', async () => {
    const method = await beluga('/api/v2/captures/collections/?method=bogus');
    expect(method.status).toBe(400);
    expect(method.json).toEqual({
      method: ['Select a valid choice. bogus is not one of the available choices.'],
    });
    const starred = await beluga('/api/v2/captures/collections/?method=starred');
    expect(starred.json.count).toBe(11);
    const jobs = await beluga('/api/v2/jobs/?status=FOO&project=99999&job_type_key=nope');
    expect(jobs.status).toBe(400);
    expect(jobs.json).toEqual({
      status: ['Select a valid choice. FOO is not one of the available choices.'],
      job_type_key: ['Select a valid choice. nope is not one of the available choices.'],
      project: ['Select a valid choice. That choice is not one of the available choices.'],
    });
    const bySet = await beluga('/api/v2/jobs/?source_image_collection=21');
    expect(bySet.json.results.map((j: Json) => j.id)).toEqual([1146, 982, 225]);
    const ml = await beluga(
      '/api/v2/jobs/?source_image_collection=21&job_type_key=ml&status=FAILURE',
    );
    expect(ml.json.results.map((j: Json) => j.id)).toEqual([225]);
    const captures = await beluga('/api/v2/captures/');
    expect(captures.status).toBe(400);
    expect(captures.json).toEqual({ project_id: ['This field is required.'] });
    expect((await beluga('/api/v2/captures/?project_id=99999')).status).toBe(404);
  });

  it('hides draft projects, their sets and jobs from anonymous users and outsiders', async () => {
    const { ids } = fakes().dataset;
    const draftProject = ids.draftProjects[0]!;
    const draftSet = ids.draftCaptureSets[0]!;
    const draftJob = ids.draftJobs[0]!;
    for (const headers of [{}, token(FAKE_OUTSIDER_TOKEN)]) {
      for (const path of [
        `/api/v2/projects/${draftProject}/`,
        `/api/v2/captures/collections/${draftSet}/`,
        `/api/v2/jobs/${draftJob}/`,
      ]) {
        const reply = await beluga(path, headers);
        expect(reply.status).toBe(404);
        expect(reply.json).toEqual({ detail: 'Not found.' });
      }
      const projects = await beluga('/api/v2/projects/', headers);
      expect(projects.json.results.some((p: Json) => p.draft)).toBe(false);
    }
    const member = token(FAKE_MEMBER_TOKEN);
    expect((await beluga(`/api/v2/projects/${draftProject}/`, member)).json).toMatchObject({
      draft: true,
      is_member: true,
    });
    const set = await beluga(`/api/v2/captures/collections/${draftSet}/`, member);
    expect(set.status).toBe(200);
    expect(set.json.user_permissions.length).toBeGreaterThan(0);
    expect((await beluga(`/api/v2/jobs/${draftJob}/`, member)).status).toBe(200);
    const all = await beluga('/api/v2/captures/collections/?limit=1000', member);
    expect(all.json.count).toBe(fakes().dataset.captureSets.size);
    const scoped = await beluga(`/api/v2/captures/collections/?project_id=${draftProject}`, member);
    expect(scoped.json.user_permissions).toEqual(['create']);
    const anonymous = await beluga('/api/v2/captures/collections/21/');
    expect(anonymous.json.user_permissions).toEqual([]);
    expect(anonymous.json.jobs[0].user_permissions).toEqual([]);
  });

  it('rejects bad tokens with 401 and WWW-Authenticate, ignores other schemes', async () => {
    const bad = await beluga('/api/v2/projects/', {
      authorization: 'Token 0000000000000000000000000000000000000000',
    });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({ detail: 'Invalid token.' });
    expect(bad.headers['www-authenticate']).toBe('Token');
    const malformed = await beluga('/api/v2/projects/', { authorization: 'Token' });
    expect(malformed.json).toEqual({ detail: 'Invalid token header. No credentials provided.' });
    expect((await beluga('/api/v2/projects/', { authorization: 'Bearer abc' })).status).toBe(200);
  });

  it('answers 404 JSON for missing objects, HTML for unknown routes, 405 for writes, 301 without slash', async () => {
    for (const path of [
      '/api/v2/jobs/999999/',
      '/api/v2/captures/collections/abc/',
      '/api/v2/projects/2/',
    ]) {
      const reply = await beluga(path);
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual({ detail: 'Not found.' });
    }
    const route = await beluga('/api/v2/nothing-here/');
    expect(route.status).toBe(404);
    expect(route.headers['content-type']).toContain('text/html');
    expect(route.text).toContain('<h1>Not Found</h1>');
    expect(fakes().beluga.control.ledger.entries().at(-1)!.route).toBe('unknown');
    const post = await get(`${fakes().beluga.url}/api/v2/projects/`, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.json).toEqual({ detail: 'Method "POST" not allowed.' });
    expect(post.headers.allow).toBe('GET, HEAD, OPTIONS');
    const noSlash = await beluga('/api/v2/jobs?limit=1');
    expect(noSlash.status).toBe(301);
    expect(noSlash.headers.location).toBe('/api/v2/jobs/?limit=1');
  });

  it('serves job list vs detail shapes and project detail', async () => {
    const list = await beluga('/api/v2/jobs/?limit=1');
    expect(list.json.results[0]).not.toHaveProperty('result');
    expect(list.json.results[0].logs).toEqual({ stdout: [], stderr: [] });
    const detail = await beluga(`/api/v2/jobs/${list.json.results[0].id}/`);
    expect(detail.json).toHaveProperty('result', null);
    expect(detail.json.logs.stdout.length).toBeGreaterThan(0);
    expect(detail.json.logs.stdout[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] INFO /);
    const project = await beluga('/api/v2/projects/23/');
    expect(project.json).toHaveProperty('summary_data');
    expect(project.json.is_member).toBe(false);
    expect(
      await beluga('/api/v2/projects/23/?with_charts=false').then((r) => r.json),
    ).not.toHaveProperty('summary_data');
    const capture = await beluga('/api/v2/captures/?project_id=23&collections=21&limit=1');
    const one = await beluga(`/api/v2/captures/${capture.json.results[0].id}/?project_id=23`);
    expect(one.json.collections[0].id).toBe(21);
    expect(one.json.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });
});
