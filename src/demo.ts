/**
 * `npm run demo`: both fake upstreams and the gateway wired to them, offline. Ctrl-C stops all.
 * Ports: PORT (gateway, 4000), BELUGA_FAKE_PORT (4010), WICKSON_FAKE_PORT (4020).
 */
import { configFrom } from './config.ts';
import { FAKE_MEMBER_TOKEN, FAKE_OUTSIDER_TOKEN, startFakes } from './fakes/index.ts';
import { startServer } from './server/main.ts';

const port = (value: string | undefined, fallback: number) => (value ? Number(value) : fallback);

const fakes = await startFakes({
  belugaPort: port(process.env.BELUGA_FAKE_PORT, 4010),
  wicksonPort: port(process.env.WICKSON_FAKE_PORT, 4020),
  wicksonApiKey: 'demo-key',
});
const config = configFrom({
  PORT: process.env.PORT || '4000',
  HOST: '127.0.0.1',
  BELUGA_URL: fakes.beluga.url,
  WICKSON_URL: fakes.wickson.url,
  WICKSON_API_KEY: 'demo-key',
  LOG_LEVEL: process.env.LOG_LEVEL || 'info',
});
const server = await startServer(config).catch(async (error: unknown) => {
  await fakes.close();
  throw error;
});

process.stdout.write(
  [
    '',
    `GraphiQL:      ${server.url}/graphql   (open in a browser)`,
    `Fake Beluga:   ${fakes.beluga.url}`,
    `Fake Wickson:  ${fakes.wickson.url}   (X-Api-Key: demo-key)`,
    `Member token:  Authorization: Token ${FAKE_MEMBER_TOKEN}   (sees draft projects)`,
    `Outsider:      Authorization: Token ${FAKE_OUTSIDER_TOKEN}`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  Promise.all([server.close(), fakes.close()]).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
