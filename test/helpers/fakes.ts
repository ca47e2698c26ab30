/**
 * Start the fake upstreams for a test file: started in beforeAll, control (faults, latency,
 * ledger, rate-limit budgets) reset before each test, closed in afterAll.
 *
 *   const fakes = useFakes();
 *   it('...', async () => { await request(`${fakes().beluga.url}/api/v2/projects/`); ... });
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type FakeOptions, type Fakes, startFakes } from '../../src/fakes/index.ts';

export function useFakes(options: FakeOptions = {}): () => Fakes {
  let fakes: Fakes | undefined;
  beforeAll(async () => {
    fakes = await startFakes(options);
  });
  beforeEach(() => {
    fakes?.beluga.control.reset();
    fakes?.wickson.control.reset();
  });
  afterAll(async () => {
    await fakes?.close();
  });
  return () => {
    if (!fakes) throw new Error('useFakes(): the fakes are not started yet (use it inside a test)');
    return fakes;
  };
}

export {
  FAKE_MEMBER_TOKEN,
  FAKE_OUTSIDER_TOKEN,
  WICKSON_NO_READ_KEY,
} from '../../src/fakes/index.ts';
