/**
 * Server tests over `startStack`: the gateway runs a small test schema (./test-schema.ts) over stub
 * upstream clients whose every method counts the call and throws. Limits must reject before any
 * call; the fakes stay untouched.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { UpstreamClients } from '../../src/context.ts';
import type { Gateway } from '../../src/server/gateway.ts';
import type { GatewayDeps } from '../../src/server/gateway-parts.ts';
import { type PostResult, type Stack, startStack } from '../helpers/stack.ts';
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
  post(body: unknown, headers?: Record<string, string>): Promise<PostResult>;
}

type Options = { deps?: Partial<GatewayDeps>; beluga?: Impl; wickson?: Impl };

const open: Stack[] = [];

async function start(env: Record<string, string>, options: Options) {
  const stubs = stubClients({ beluga: options.beluga, wickson: options.wickson });
  const stack = await startStack({
    logger: 'product',
    config: {
      NODE_ENV: 'development',
      LOG_LEVEL: 'debug',
      UPSTREAM_TIMEOUT_MS: '5000',
      REQUEST_TIMEOUT_MS: '10000',
      ...env,
    },
    gateway: {
      clients: stubs.clients,
      schema: testSchema(stubs.clients),
      health: undefined,
      ...options.deps,
    },
  });
  const handle: TestGateway = {
    gateway: stack.gateway,
    config: stack.config,
    logs: stack.logs,
    calls: stubs.calls,
    post: (body, headers = {}) =>
      stack.post(body, { accept: 'application/graphql-response+json', ...headers }),
  };
  return { handle, stack };
}

/** A test's own gateway; `closeTestGateways` in the file's afterEach stops it. */
export async function testGateway(
  env: Record<string, string> = {},
  options: Options = {},
): Promise<TestGateway> {
  const { handle, stack } = await start(env, options);
  open.push(stack);
  return handle;
}

export async function closeTestGateways(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

/** One test gateway for a describe block: started in beforeAll, stopped in afterAll. */
export function useTestGateway(env: Record<string, string> = {}, options: Options = {}) {
  let started: TestGateway | undefined;
  let stack: Stack | undefined;
  beforeAll(async () => {
    ({ handle: started, stack } = await start(env, options));
  });
  afterAll(() => stack?.close());
  const current = () => {
    if (!started) throw new Error('useTestGateway(): not started yet (use it inside a test)');
    return started;
  };
  return {
    get gateway() {
      return current().gateway;
    },
    get config() {
      return current().config;
    },
    get logs() {
      return current().logs;
    },
    get calls() {
      return current().calls;
    },
    post: (body: unknown, headers?: Record<string, string>) => current().post(body, headers),
  } satisfies TestGateway;
}
