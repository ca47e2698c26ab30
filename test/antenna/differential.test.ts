/**
 * The differential check: for every Beluga call the gateway makes (every method of its Beluga
 * client), the fake and the real Antenna answer the same request with the same shape — keys,
 * types, nullability, the pagination envelope and its links — and the same error bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';
import { sweep } from './cleanup.ts';
import { CASES, type Created } from './differential/cases.ts';
import type { Exchange } from './differential/proxy.ts';
import { differences, shapeOf } from './differential/shape.ts';
import { antennaTarget, fakeTarget, type Target } from './differential/targets.ts';
import { antennaEnv } from './env.ts';

let fakes: Fakes;
let fake: Target;
let antenna: Target;
const created = { fake: {} as Created, Antenna: {} as Created };

beforeAll(async () => {
  fakes = await startFakes();
  fake = await fakeTarget(fakes);
  antenna = await antennaTarget(antennaEnv(), fakes.wickson.url);
  await sweep(antennaEnv());
});
afterAll(async () => {
  await sweep(antennaEnv());
  for (const t of [fake, antenna]) {
    await t?.upstreams.close();
    await t?.proxy.close();
  }
  await fakes?.close();
});

/** The one exchange a case's call made (a GET retried after a 5xx counts its last answer). */
async function ask(t: Target, run: () => Promise<unknown>): Promise<Exchange> {
  const before = t.proxy.exchanges.length;
  await run().catch(() => undefined);
  const made = t.proxy.exchanges.slice(before);
  expect(made.length, `${t.name}: calls made`).toBeGreaterThanOrEqual(1);
  return made.at(-1)!;
}

const parsed = (e: Exchange): unknown => (e.body ? JSON.parse(e.body) : undefined);

/** `next`/`previous`: absolute, on the upstream's own origin, query keys in alphabetical order. */
function linkProblems(t: Target, body: unknown): string[] {
  const page = body as { next?: unknown; previous?: unknown };
  const out: string[] = [];
  for (const name of ['next', 'previous'] as const) {
    const link = page?.[name];
    if (typeof link !== 'string') continue;
    const url = new URL(link);
    const keys = [...url.searchParams.keys()];
    if (!link.startsWith(`${t.origin}/api/v2/`)) out.push(`${t.name} ${name}: ${link}`);
    if (keys.join() !== [...keys].sort().join()) out.push(`${t.name} ${name} unsorted: ${link}`);
  }
  return out;
}

describe('the fake and Antenna answer every call the gateway makes alike', () => {
  it.each(CASES)('$method: $name', async (c) => {
    const [f, a] = [
      await ask(fake, () => c.run(fake, created.fake)),
      await ask(antenna, () => c.run(antenna, created.Antenna)),
    ];
    expect([f.method, f.url.split('?')[0]!.replace(/\d+/g, '{id}')]).toEqual([
      a.method,
      a.url.split('?')[0]!.replace(/\d+/g, '{id}'),
    ]);
    expect({ fake: f.status, Antenna: a.status }).toEqual({ fake: c.status, Antenna: c.status });
    if (c.status === 204) {
      expect([f.body, a.body]).toEqual(['', '']);
      return;
    }
    expect(f.contentType).toMatch(/^application\/json/);
    expect(a.contentType).toMatch(/^application\/json/);
    const [fb, ab] = [parsed(f), parsed(a)];
    if (c.status >= 400) {
      expect(fb).toEqual(ab);
      return;
    }
    expect(differences(shapeOf(fb), shapeOf(ab), c.allow)).toEqual([]);
    expect([...linkProblems(fake, fb), ...linkProblems(antenna, ab)]).toEqual([]);
  });

  it('covers every method of the Beluga client', () => {
    const covered = new Set(CASES.map((c) => c.method));
    expect([...covered].sort()).toEqual(Object.keys(fake.client).sort());
  });
});
