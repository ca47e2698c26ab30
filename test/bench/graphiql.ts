/**
 * `npm run bench -- --only graphiql`: the CPU one GraphiQL view costs the gateway (production
 * mode with GRAPHIQL=true, its own process, measured from /proc): the first view (render and
 * compress), then ten views per encoding (br, gzip, none), each its own request. Target: under
 * 20 ms a view (issue 22).
 */
import { request } from 'undici';
import { buildGateway, isStale } from '../../src/build.ts';
import { startFakes } from '../../src/fakes/index.ts';
import type { Pinning } from './gateway-process.ts';
import { startGateway } from './gateway-process.ts';
import { cpuMs } from './measure.ts';

const API_KEY = 'bench-graphiql-key';
const VIEWS = 10;
const TARGET_MS = 20;

async function view(url: string, encoding: string): Promise<number> {
  const res = await request(url, {
    headers: { accept: 'text/html', 'accept-encoding': encoding },
  });
  const bytes = (await res.body.arrayBuffer()).byteLength;
  if (res.statusCode !== 200)
    throw new Error(`GraphiQL view (${encoding}) answered ${res.statusCode}`);
  return bytes;
}

export async function benchGraphiQL(
  pinning: Pinning,
  log: (msg: string) => void,
): Promise<boolean> {
  // `npm start` runs the build (dist/): bring it up to date as the start script would.
  if (isStale()) await buildGateway();
  const fakes = await startFakes({ wicksonApiKey: API_KEY });
  const gateway = await startGateway({
    mode: 'standard',
    belugaUrl: fakes.beluga.url,
    wicksonUrl: fakes.wickson.url,
    wicksonApiKey: API_KEY,
    pinning,
    extraEnv: { GRAPHIQL: 'true' },
  });
  try {
    let before = cpuMs(gateway.pid);
    await view(gateway.url, 'br');
    log(`GraphiQL first view (render + br): ${Math.round(cpuMs(gateway.pid) - before)} ms CPU`);
    let ok = true;
    for (const encoding of ['br', 'gzip', 'identity']) {
      await view(gateway.url, encoding);
      before = cpuMs(gateway.pid);
      let bytes = 0;
      for (let i = 0; i < VIEWS; i++) bytes = await view(gateway.url, encoding);
      const perView = (cpuMs(gateway.pid) - before) / VIEWS;
      ok &&= perView < TARGET_MS;
      log(
        `GraphiQL view, ${encoding}: ${perView.toFixed(1)} ms CPU (${Math.round(bytes / 1024)} KB; target < ${TARGET_MS} ms)`,
      );
    }
    return ok;
  } finally {
    await gateway.stop();
    await fakes.close();
  }
}
