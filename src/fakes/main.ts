/**
 * `npm run fakes`: both fakes on loopback for offline front-end work. A dev tool, not the
 * gateway, so it reads its own environment (validated with zod).
 */
import { z } from 'zod';
import { hostSchema } from '../config.ts';
import { listenErrorMessage } from '../listen-errors.ts';
import { belugaTokenLines } from './banner.ts';
import { MIN_SCALE } from './dataset.ts';
import { startFakes, WICKSON_NO_READ_KEY } from './index.ts';

const port = z.coerce.number().int().min(0).max(65_535);
const scaleKeys = [
  'projects',
  'captureSets',
  'jobs',
  'wicksonCollections',
  'wicksonLargeItems',
] as const;
const scale = z
  .string()
  .regex(/^(\w+=\d+)(,\w+=\d+)*$/, 'use key=value pairs, e.g. projects=50,captureSets=5000')
  .transform((text, ctx) => {
    const out: Record<string, number> = {};
    for (const pair of text.split(',')) {
      const [key, value] = pair.split('=') as [string, string];
      if (!(scaleKeys as readonly string[]).includes(key)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown key ${key}; known: ${scaleKeys.join(', ')}`,
        });
      } else if (Number(value) < MIN_SCALE[key as (typeof scaleKeys)[number]]) {
        const min = MIN_SCALE[key as (typeof scaleKeys)[number]];
        ctx.addIssue({
          code: 'custom',
          message: `${key} must be at least ${min} (the seed records need them)`,
        });
      }
      out[key] = Number(value);
    }
    return out;
  });

const Env = z.object({
  BELUGA_FAKE_PORT: port.default(4010),
  WICKSON_FAKE_PORT: port.default(4020),
  WICKSON_API_KEY: z.string().trim().min(1).default('demo-key'),
  FAKE_SEED: z.coerce.number().int().default(1),
  FAKE_SCALE: scale.optional(),
  FAKE_LATENCY_MS: z.coerce.number().min(0).max(60_000).default(0),
  FAKE_HOST: hostSchema.default('127.0.0.1'),
});

const parsed = Env.safeParse(
  Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== '')),
);
if (!parsed.success) {
  for (const issue of parsed.error.issues)
    console.error(`fakes: ${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}
const env = parsed.data;
const fakes = await startFakes({
  host: env.FAKE_HOST,
  belugaPort: env.BELUGA_FAKE_PORT,
  wicksonPort: env.WICKSON_FAKE_PORT,
  seed: env.FAKE_SEED,
  scale: env.FAKE_SCALE,
  wicksonApiKey: env.WICKSON_API_KEY,
  latency: { fixedMs: env.FAKE_LATENCY_MS },
}).catch((error: unknown) => {
  const message = listenErrorMessage(error, {
    ports: { BELUGA_FAKE_PORT: env.BELUGA_FAKE_PORT, WICKSON_FAKE_PORT: env.WICKSON_FAKE_PORT },
    host: ['FAKE_HOST', env.FAKE_HOST],
  });
  if (!message) throw error;
  console.error(`fakes: ${message}`);
  process.exit(1);
});
const { dataset } = fakes;
console.log(
  `Fake Beluga:  ${fakes.beluga.url}   (e.g. ${fakes.beluga.url}/api/v2/captures/collections/)`,
);
console.log(
  `Fake Wickson: ${fakes.wickson.url}   (e.g. ${fakes.wickson.url}/v1/media/collections, X-Api-Key: ${env.WICKSON_API_KEY})`,
);
console.log(
  `Gateway on them: BELUGA_URL=${fakes.beluga.url} WICKSON_URL=${fakes.wickson.url} WICKSON_API_KEY=${env.WICKSON_API_KEY} npm start`,
);
console.log(
  `Dataset seed ${dataset.seed}: ${dataset.projects.size} projects, ${dataset.captureSets.size} capture sets, ` +
    `${dataset.jobs.size} jobs, ${dataset.wickson.collections.length} Wickson collections`,
);
for (const line of belugaTokenLines(dataset)) console.log(line);
console.log(`Wickson key without read capability: ${WICKSON_NO_READ_KEY}`);
console.log(
  'Control: GET /__fake/ledger, POST /__fake/reset, POST /__fake/latency, POST|DELETE /__fake/faults',
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await fakes.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
