/**
 * The gateway as `main.ts` starts it (startServer: a real listener, metrics listener, client
 * limits) over fresh fakes, configured from env-style settings; log lines are collected.
 */
import { configFrom } from '../../src/config.ts';
import { type Fakes, startFakes } from '../../src/fakes/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import { type RunningServer, startServer } from '../../src/server/main.ts';

export interface Listening {
  running: RunningServer;
  fakes: Fakes;
  /** Every log line the gateway wrote (pino JSON). */
  lines: string[];
  close(): Promise<void>;
}

export async function startListening(env: Record<string, string> = {}): Promise<Listening> {
  const fakes = await startFakes();
  const config = configFrom({
    PORT: '0',
    HOST: '127.0.0.1',
    BELUGA_URL: fakes.beluga.url,
    WICKSON_URL: fakes.wickson.url,
    ...env,
  });
  const lines: string[] = [];
  const running = await startServer(config, {
    logger: createLogger(config, { write: (line: string) => lines.push(line) }),
  });
  return {
    running,
    fakes,
    lines,
    close: async () => {
      await running.close();
      await fakes.close();
    },
  };
}
