/**
 * The per-client limits as a yoga plugin. Runs after the cost check (use-limits.ts), which has put
 * the request's predicted calls on its call budget: those are reserved for the client before
 * execution, so a refusal (HTTP 429, `Retry-After`, RATE_LIMITED) happens before any upstream call,
 * and what execution did not use is given back when it is done. A client short of Wickson share
 * runs with its Wickson calls capped to what is left: past it they fail RATE_LIMITED before they
 * leave, and the shared cache may still answer them.
 *
 * The client is the token's once Beluga vouched for it (vouched.ts), else the caller's address.
 * When the request is done, its Beluga calls made with the caller's token decide: any answer but
 * 401 vouches for the token, a 401 revokes it.
 */
import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from '../../context.ts';
import type { CallRecord } from '../../upstreams/types.ts';
import type { ClientClaim, ClientIdInput } from '../client-id.ts';
import type { ClientLimitName, ClientLimits } from '../client-limits.ts';
import { releaseWhenDelivered } from '../delivery.ts';
import { GraphQLError } from '../graphql.ts';
import type { VouchedTokens } from '../vouched.ts';

const MESSAGES: Record<ClientLimitName, (seconds: number) => string> = {
  calls: (s) => `This client reached its limit of upstream calls per minute; retry in ${s} s.`,
  wickson: (s) => `This client used its share of the Wickson hourly budget; retry in ${s} s.`,
};

type ExecutionContext = Partial<GatewayContext> & { request?: Request; req?: IncomingMessage };

export interface ClientLimitsPluginOptions {
  /** The per-client counters (client-limits.ts), in memory or on Redis. */
  limits: ClientLimits;
  /** Who the caller is: its token and its address (client-id.ts). */
  clientId: (input: ClientIdInput) => ClientClaim;
  /** Tokens Beluga accepted: only those count as a client of their own. */
  vouched: VouchedTokens;
  /** The request runs as a client Beluga vouched for. */
  onVouchedClient?: (request: Request) => void;
  logger: Logger;
}

export function useClientLimits(options: ClientLimitsPluginOptions): Plugin {
  const { vouched } = options;
  /**
   * Reserves the predicted calls for the client (its token once Beluga vouched for it, else its
   * address); a refusal stops the operation (HTTP 429). `done` releases what was not used and
   * lets the request's Beluga answers vouch for (or revoke) the token.
   */
  const reserve = async (
    contextValue: unknown,
    stop: (result: { errors: GraphQLError[] }) => void,
  ): Promise<{ done: () => void } | undefined> => {
    const { budget, request, req, calls, scope } = contextValue as ExecutionContext;
    if (!budget || !request) return undefined;
    const claim = options.clientId({
      authorization: request.headers.get('authorization'),
      forwardedFor: request.headers.get('x-forwarded-for'),
      remoteAddress: req?.socket?.remoteAddress,
    });
    const client = claim.token && (await vouched.has(claim.token)) ? claim.token : claim.address;
    if (client === claim.token) options.onVouchedClient?.(request);
    const reservation = await options.limits.reserve(client, budget.predicted);
    if (!reservation.ok) {
      const seconds = reservation.retryAfterSeconds;
      options.logger.warn(
        { client, limit: reservation.limit, retryAfterSeconds: seconds },
        'client limit reached',
      );
      stop({ errors: [rateLimited(reservation.limit, seconds)] });
      return undefined;
    }
    for (const cap of reservation.caps)
      budget.capUpstream(cap.upstream, cap.calls, cap.retryAfterSeconds);
    return {
      done: () => {
        reservation.release(budget.actual);
        if (claim.token && calls && scope?.credentialSource === 'client')
          judgeToken(vouched, claim.token, calls);
      },
    };
  };

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const reserved = await reserve(args.contextValue, setResultAndStopExecution);
      if (!reserved) return;
      // With @defer/@stream, after the last payload: the deferred parts' calls count too.
      return { onExecuteDone: (done) => releaseWhenDelivered(done, reserved.done) };
    },
    // A subscription's first read; its polls are charged as they happen (src/server/live.ts).
    async onSubscribe({ args, setResultAndStopExecution }) {
      const reserved = await reserve(args.contextValue, setResultAndStopExecution);
      if (!reserved) return;
      return { onSubscribeResult: reserved.done, onSubscribeError: reserved.done };
    },
  };
}

function rateLimited(limit: ClientLimitName, seconds: number): GraphQLError {
  return new GraphQLError(MESSAGES[limit](seconds), {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds: seconds,
      http: { status: 429, headers: { 'retry-after': String(seconds) } },
    },
  });
}

/** DRF answers 401 to an unknown token on every route; any other answer accepted it. */
function judgeToken(vouched: VouchedTokens, token: string, calls: readonly CallRecord[]) {
  let verdict: 'vouch' | 'revoke' | undefined;
  for (const call of calls) {
    if (call.upstream !== 'beluga' || call.status === undefined || call.status >= 500) continue;
    verdict = call.status === 401 ? 'revoke' : 'vouch';
  }
  if (verdict === 'vouch') vouched.vouch(token);
  else if (verdict === 'revoke') vouched.revoke(token);
}
