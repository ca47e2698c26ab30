/**
 * Boolean query parameters read as Antenna reads them (RolnickLab/antenna):
 * `with_counts`, `with_charts`, `with_detections` with Django's forms.BooleanField (only "",
 * "false" and "0", any case, are false), and `start_now`, `no_async`, `incomplete_only` with
 * `url_boolean_param` (`ami/utils/fields.py`: a bare `?start_now` is true). The last of repeated
 * values counts, as Django's QueryDict gives it.
 */
import { describe, expect, it } from 'vitest';
import { FAKE_MEMBER_TOKEN, useFakes } from '../helpers/fakes.ts';
import { get, type Json, send, token } from './http.ts';

const member = token(FAKE_MEMBER_TOKEN);
/** Values forms.BooleanField reads as false, and some it reads as true. */
const FALSE = ['', 'false', 'False', 'FALSE', '0'];
const TRUE = ['true', 'True', '1', 'yes', 'no', 'off', 'f', 'n', 'anything'];
const cases = (falses: string[], trues: string[]): [string, boolean][] => [
  ...falses.map((v): [string, boolean] => [v, false]),
  ...trues.map((v): [string, boolean] => [v, true]),
];
const FORM_BOOLEAN = cases(FALSE, TRUE);
/** url_boolean_param: the bare parameter is true; other values as forms.BooleanField. */
const URL_BOOLEAN: [string | null, boolean][] = [[null, true], ...cases(FALSE.slice(1), TRUE)];
const param = (name: string, value: string | null) =>
  value === null ? name : `${name}=${encodeURIComponent(value)}`;

describe('Beluga fake: boolean query parameters follow Django', () => {
  const fakes = useFakes({ now: () => Date.UTC(2026, 5, 1, 16, 0, 0) });
  const beluga = (path: string, headers: Record<string, string> = {}) =>
    get(`${fakes().beluga.url}${path}`, headers);

  it.each(FORM_BOOLEAN)(
    'with_counts=%j on a capture-set list and detail: counts %s',
    async (v, on) => {
      const list = await beluga(
        `/api/v2/captures/collections/?project_id=23&${param('with_counts', v)}`,
      );
      expect(list.json.results.every((s: Json) => (s.occurrences_count !== null) === on)).toBe(
        true,
      );
      const detail = await beluga(
        `/api/v2/captures/collections/21/?project_id=23&${param('with_counts', v)}`,
      );
      expect(detail.json.taxa_count !== null).toBe(on);
    },
  );

  it('with_counts absent: lists leave the counts out, the detail has them', async () => {
    const list = await beluga('/api/v2/captures/collections/?project_id=23');
    expect(list.json.results.every((s: Json) => s.occurrences_count === null)).toBe(true);
    expect((await beluga('/api/v2/captures/collections/21/')).json.taxa_count).not.toBeNull();
  });

  it.each(FORM_BOOLEAN)('with_charts=%j on a project detail: charts %s', async (v, on) => {
    const project = await beluga(`/api/v2/projects/23/?${param('with_charts', v)}`);
    expect(Object.hasOwn(project.json, 'summary_data')).toBe(on);
  });

  it.each(FORM_BOOLEAN)('with_detections=%j on a capture list: detections %s', async (v, on) => {
    const page = await beluga(
      `/api/v2/captures/?project_id=23&collections=21&limit=1&${param('with_detections', v)}`,
    );
    expect(Object.hasOwn(page.json.results[0], 'detections')).toBe(on);
  });

  it('the last of repeated values counts', async () => {
    const path = '/api/v2/captures/collections/21/?project_id=23';
    expect((await beluga(`${path}&with_counts=1&with_counts=0`)).json.taxa_count).toBeNull();
    expect((await beluga(`${path}&with_counts=0&with_counts=1`)).json.taxa_count).not.toBeNull();
  });

  it.each(URL_BOOLEAN)('POST jobs/?%s: start_now %s', async (v, on) => {
    const created = await send(
      `${fakes().beluga.url}/api/v2/jobs/?${param('start_now', v)}`,
      'POST',
      { name: 'Flag', delay: 0, project_id: 90, job_type_key: 'populate_captures_collection' },
      member,
    );
    expect(created.status).toBe(201);
    expect(created.json.status).toBe(on ? 'PENDING' : 'CREATED');
    const plain = await send(
      `${fakes().beluga.url}/api/v2/jobs/`,
      'POST',
      { name: 'No flag', delay: 0, project_id: 90, job_type_key: 'populate_captures_collection' },
      member,
    );
    expect(plain.json.status).toBe('CREATED');
  });

  it.each(URL_BOOLEAN)('POST jobs/{id}/run/?%s: no_async %s', async (v, on) => {
    const job = fakes().dataset.ids.draftJobs[0]!;
    const run = await send(
      `${fakes().beluga.url}/api/v2/jobs/${job}/run/?${param('no_async', v)}`,
      'POST',
      undefined,
      member,
    );
    expect(run.status).toBe(200);
    expect(run.json.status).toBe(on ? 'SUCCESS' : 'PENDING');
  });

  it.each(URL_BOOLEAN)('GET jobs/?%s: incomplete_only %s', async (v, on) => {
    const page = await beluga(`/api/v2/jobs/?limit=1000&${param('incomplete_only', v)}`);
    const final = page.json.results.filter((j: Json) =>
      ['SUCCESS', 'FAILURE', 'REVOKED'].includes(j.status),
    );
    expect(final.length === 0).toBe(on);
  });
});
