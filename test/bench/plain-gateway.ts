/**
 * The bench's baseline: the gateway configured as `npm start` configures it, with loaders that
 * neither batch nor cache (../helpers/plain-loaders.ts), run from the sources. Stops on SIGTERM.
 */
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server/main.ts';
import { plainLoaders } from '../helpers/plain-loaders.ts';

const running = await startServer(loadConfig(process.env), { loaders: plainLoaders });
process.once('SIGTERM', () => {
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
