/**
 * The per-client limits as a yoga plugin. Runs after the cost check (limits.ts), which has put the
 * request's predicted calls on its call budget: those are reserved for the client before
 * execution, so a refusal (HTTP 429, `Retry-After`, RATE_LIMITED) happens before any upstream call,
 * and what execution did not use is given back when it is done. A client short of Wickson share
 * runs with its Wickson calls capped to what is left: past it they fail RATE_LIMITED before they
 * leave, and the shared cache may still answer them.
 */
import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from '../context.ts';
import type { ClientIdInput } from './client-id.ts';
import type { ClientLimitName, ClientLimits } from './client-limits.ts';
import { releaseWhenDelivered } from './delivery.ts';
import { GraphQLError } from './graphql.ts';

const MESSAGES: Record<ClientLimitName, (seconds: number) => string> = {
  calls: (s) => `This client reached its limit of upstream calls per minute; retry in ${s} s.`,
  wickson: (s) => `This client used its share of the Wickson hourly budget; retry in ${s} s.`,
};

type ExecutionContext = Partial<GatewayContext> & { request?: Request; req?: IncomingMessage };

export function clientLimitPlugin(options: {
  limits: ClientLimits;
  clientId: (input: ClientIdInput) => string;
  logger: Logger;
}): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const { budget, request, req } = args.contextValue as ExecutionContext;
      if (!budget || !request) return;
      const client = options.clientId({
        authorization: request.headers.get('authorization'),
        forwardedFor: request.headers.get('x-forwarded-for'),
        remoteAddress: req?.socket?.remoteAddress,
      });
      const reservation = await options.limits.reserve(client, budget.predicted);
      if (!reservation.ok) {
        const seconds = reservation.retryAfterSeconds;
        options.logger.warn(
          { client, limit: reservation.limit, retryAfterSeconds: seconds },
          'client limit reached',
        );
        const error = new GraphQLError(MESSAGES[reservation.limit](seconds), {
          extensions: {
            code: 'RATE_LIMITED',
            retryAfterSeconds: seconds,
            http: { status: 429, headers: { 'retry-after': String(seconds) } },
          },
        });
        setResultAndStopExecution({ errors: [error] });
        return;
      }
      for (const cap of reservation.caps)
        budget.capUpstream(cap.upstream, cap.calls, cap.retryAfterSeconds);
      // With @defer/@stream, after the last payload: the deferred parts' calls count too.
      return {
        onExecuteDone: (done) =>
          releaseWhenDelivered(done, () => reservation.release(budget.actual)),
      };
    },
  };
}
