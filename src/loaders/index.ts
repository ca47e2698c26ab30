// Placeholder until the graph issue lands: see src/context.ts for the expected signature.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { BelugaClient, UpstreamScope, WicksonClient } from '../upstreams/types.ts';

export interface LoaderDeps {
  clients: { beluga: BelugaClient; wickson: WicksonClient };
  scope: UpstreamScope;
  config: Config;
  logger: Logger;
}

export type Loaders = Record<string, never>;

export function createLoaders(_deps: LoaderDeps): Loaders {
  return {};
}
