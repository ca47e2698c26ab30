/**
 * `npm run demo`: both fake upstreams and the gateway wired to them, offline. Ctrl-C stops all.
 * Ports: PORT (gateway, 4000), BELUGA_FAKE_PORT (4010), WICKSON_FAKE_PORT (4020).
 */
import { z } from 'zod';
import { ConfigError, configFrom } from './config.ts';
import { belugaTokenLines } from './fakes/banner.ts';
import { startFakes } from './fakes/index.ts';
import { listenErrorMessage } from './listen-errors.ts';
import { startServer } from './server/main.ts';

const port = z.coerce.number().int().min(0).max(65_535);
const parsed = z
  .object({
    PORT: port.default(4000),
    BELUGA_FAKE_PORT: port.default(4010),
    WICKSON_FAKE_PORT: port.default(4020),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
if (!parsed.success) {
  for (const issue of parsed.error.issues)
    console.error(`demo: ${issue.path.join('.')} must be a port number (0-65535)`);
  process.exit(1);
}
const ports = parsed.data;

/** Exits with one line for a busy port or a bad setting; anything else keeps its stack. */
function exitOnStartError(error: unknown): never {
  const message =
    error instanceof ConfigError
      ? error.message
      : listenErrorMessage(error, { ports, host: ['HOST', '127.0.0.1'] });
  if (!message) throw error;
  console.error(`demo: ${message}`);
  process.exit(1);
}

const fakes = await startFakes({
  belugaPort: ports.BELUGA_FAKE_PORT,
  wicksonPort: ports.WICKSON_FAKE_PORT,
  wicksonApiKey: 'demo-key',
}).catch(exitOnStartError);
const config = (() => {
  try {
    return configFrom({
      PORT: String(ports.PORT),
      HOST: '127.0.0.1',
      BELUGA_URL: fakes.beluga.url,
      WICKSON_URL: fakes.wickson.url,
      WICKSON_API_KEY: 'demo-key',
      LOG_LEVEL: process.env.LOG_LEVEL || 'info',
    });
  } catch (error) {
    return exitOnStartError(error);
  }
})();
const server = await startServer(config).catch(async (error: unknown) => {
  await fakes.close();
  return exitOnStartError(error);
});

process.stdout.write(
  [
    '',
    `GraphiQL:      ${server.url}/graphql   (open in a browser)`,
    `Fake Beluga:   ${fakes.beluga.url}`,
    `Fake Wickson:  ${fakes.wickson.url}   (X-Api-Key: demo-key)`,
    ...belugaTokenLines(fakes.dataset),
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
