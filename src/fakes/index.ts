/**
 * Fake Beluga and Wickson upstreams (their API is `types.ts`): deterministic
 * dataset, contract-faithful routes, latency, faults and a request ledger for tests.
 */
import { createBelugaService } from './beluga/service.ts';
import { createControl } from './control.ts';
import { generateDataset } from './dataset.ts';
import { startFakeServer } from './server.ts';
import type { FakeOptions, Fakes, RunningFake } from './types.ts';
import { createWicksonService } from './wickson/service.ts';

export { ROLE_DISPLAY_NAMES, ROLE_NAMES, type RoleName } from './beluga/roles.ts';
export {
  type Dataset,
  type DatasetScale,
  DEFAULT_SCALE,
  FAKE_MEMBER_TOKEN,
  FAKE_OUTSIDER_TOKEN,
  FAKE_ROLE_PROJECT,
  FAKE_ROLE_TOKENS,
  FAKE_SUPERUSER_TOKEN,
  generateDataset,
  WICKSON_NO_READ_KEY,
} from './dataset.ts';
export type {
  FakeControl,
  FakeOptions,
  Fakes,
  FaultSpec,
  Latency,
  LedgerEntry,
  LedgerFilter,
  RunningFake,
} from './types.ts';

export async function startFakes(options: FakeOptions = {}): Promise<Fakes> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const dataset = generateDataset({ seed, scale: options.scale });
  const belugaService = createBelugaService(dataset, { now: options.now });
  const beluga = await startFakeServer(
    belugaService,
    createControl(options.latency, seed, belugaService.routes),
    {
      host,
      port: options.belugaPort ?? 0,
      ...(options.belugaPublicUrl
        ? { publicUrl: options.belugaPublicUrl.replace(/\/+$/, '') }
        : {}),
    },
  );
  let wickson: RunningFake;
  try {
    const service = createWicksonService(dataset, {
      apiKey: options.wicksonApiKey ?? 'demo-key',
      hourlyLimit: options.wicksonHourlyLimit ?? 1000,
    });
    wickson = await startFakeServer(
      service,
      createControl(options.latency, seed + 1, service.routes),
      {
        host,
        port: options.wicksonPort ?? 0,
      },
    );
  } catch (error) {
    await beluga.close();
    throw error;
  }
  return {
    beluga,
    wickson,
    dataset,
    close: async () => {
      await Promise.all([beluga.close(), wickson.close()]);
    },
  };
}
