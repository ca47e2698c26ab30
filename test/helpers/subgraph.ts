/** The federation subgraph over a stack's upstream clients and config (silent logger). */
import pino from 'pino';
import type { Gateway } from '../../src/server/gateway.ts';
import { createSubgraph } from '../../src/server/subgraph.ts';
import type { Stack } from './stack.ts';

export function subgraphOver(stack: Stack): Gateway {
  return createSubgraph(stack.config, {
    clients: { beluga: stack.upstreams.beluga, wickson: stack.upstreams.wickson },
    logger: pino({ level: 'silent' }),
  });
}
