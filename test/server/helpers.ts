/**
 * Server test helpers: a gateway over stub upstream clients whose every method counts the call
 * and throws, plus a pino logger writing into an array. Limits must reject before any call.
 */
import type { Config } from '../../src/config.ts';
import { configFrom } from '../../src/config.ts';
import type { UpstreamClients } from '../../src/context.ts';
import { createGateway, type Gateway, type GatewayDeps } from '../../src/server/gateway.ts';
import { createLogger } from '../../src/server/logger.ts';
import { testSchema } from './test-schema.ts';

export interface StubClients {
  clients: UpstreamClients;
  calls: string[];
}

type Impl = Record<string, (...args: never[]) => Promise<unknown>>;

/** Every method records its call; without an override it throws (a limit let a query through). */
export function stubClients(overrides: { beluga?: Impl; wickson?: Impl } = {}): StubClients {
  const calls: string[] = [];
  const stub = (name: 'beluga' | 'wickson') =>
    new Proxy(
      {},
      {
        get:
          (_t, method) =>
          async (...args: unknown[]) => {
            calls.push(`${name}.${String(method)}`);
            const impl = overrides[name]?.[String(method)];
            if (impl) return (impl as (...a: unknown[]) => Promise<unknown>)(...args);
            throw new Error(`stub ${name}.${String(method)} must not be called`);
          },
      },
    );
  return { clients: { beluga: stub('beluga'), wickson: stub('wickson') } as never, calls };
}

export interface TestGateway {
  gateway: Gateway;
  config: Config;
  logs: string[];
  calls: string[];
  post(
    body: unknown,
    headers?: Record<string, string>,
    // biome-ignore lint/suspicious/noExplicitAny: assertions read the parsed JSON body loosely
  ): Promise<{ status: number; body: any; headers: Headers }>;
}

export function testGateway(
  env: Record<string, string> = {},
  options: { deps?: Partial<GatewayDeps>; beluga?: Impl; wickson?: Impl } = {},
): TestGateway {
  const config = configFrom({ LOG_LEVEL: 'debug', ...env });
  const logs: string[] = [];
  const logger = createLogger(config, { write: (line: string) => void logs.push(line) });
  const stubs = stubClients({ beluga: options.beluga, wickson: options.wickson });
  const gateway = createGateway(config, {
    clients: stubs.clients,
    logger,
    schema: testSchema(stubs.clients),
    ...options.deps,
  });
  return {
    gateway,
    config,
    logs,
    calls: stubs.calls,
    async post(body, headers = {}) {
      const response = await gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: response.status, body: parsed, headers: response.headers };
    },
  };
}
