/**
 * The `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header, with
 * Stripe's semantics): a mutation sent with a key runs at most once per client and key for 24 h.
 * The first request claims the key with its body's fingerprint; a repeat of the same body after it
 * finished gets the stored response (status and body, `Idempotent-Replayed: true`) and sends
 * nothing upstream; a repeat while it runs gets 409 IDEMPOTENCY_KEY_IN_USE; another body under
 * the key gets 422 IDEMPOTENCY_KEY_REUSED. A store that cannot answer refuses the mutation (503
 * IDEMPOTENCY_STORE_UNAVAILABLE) rather than risk running it twice. Queries ignore the header.
 *
 * Listed first among the plugins: its onResponse must replace a replay's response before the
 * access log and request id see it. Its onExecute only wraps `execute`, so the claim is taken when
 * execution really starts, after the cost check, the client limits and admission let it through.
 */
import type { IncomingMessage } from 'node:http';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { ClientClaim, ClientIdInput } from '../client-id.ts';
import { getOperationAST } from '../graphql.ts';
import {
  answerFor,
  fingerprintOf,
  outcomeOf,
  parseIdempotencyKey,
  refusal,
  replayOf,
  sha256,
} from './idempotency-answers.ts';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency-store.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface IdempotencyOptions {
  store: IdempotencyStore;
  clientId: (input: ClientIdInput) => ClientClaim;
  logger: Logger;
  /** Wall clock, Unix ms: the 24 h window. */
  now?: () => number;
  /**
   * The longest a request runs (REQUEST_TIMEOUT_MS and the time to store its answer): a claim
   * still `running` after that lost its answer (the process died, or Redis failed at the end).
   */
  lostAfterMs: number;
}

type Claim = { key: string; fingerprint: string; startedAt: number; expiresAt: number };
type Context = { request?: Request; req?: IncomingMessage; params?: GraphQLParams };

export function useIdempotency(options: IdempotencyOptions): Plugin {
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  const claims = new WeakMap<Request, Claim>();
  const replays = new WeakMap<Request, IdempotencyRecord>();
  return {
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const { request, req, params } = args.contextValue as Context;
      const header = request?.headers.get(IDEMPOTENCY_HEADER);
      if (!request || header == null) return;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const key = parseIdempotencyKey(header);
      if (!key) {
        const message = 'Idempotency-Key must be 1 to 255 printable ASCII characters.';
        setResultAndStopExecution({ errors: [refusal(message, 'BAD_USER_INPUT', 400)] });
        return;
      }
      // Scoped by the token's hash (vouched or not: a key is never shared across tokens), else
      // by the address.
      const claimed = options.clientId({
        authorization: request.headers.get('authorization'),
        forwardedFor: request.headers.get('x-forwarded-for'),
        remoteAddress: req?.socket?.remoteAddress,
      });
      const client = claimed.token ?? claimed.address;
      const fingerprint = fingerprintOf(params);
      const claim = { key: `${client}:${sha256(key)}`, fingerprint, startedAt: 0, expiresAt: 0 };
      setExecuteFn(async (executeArgs) => {
        const at = now();
        claim.startedAt = at;
        claim.expiresAt = at + IDEMPOTENCY_WINDOW_MS;
        const { startedAt, expiresAt } = claim;
        const record = { fingerprint, startedAt, expiresAt, state: 'running' as const };
        let held: IdempotencyRecord | undefined;
        try {
          held = await store.claim(claim.key, record, at);
        } catch (error) {
          logger.error({ err: error, store: store.kind }, 'idempotency: cannot claim a key');
          const message =
            'The gateway cannot record this Idempotency-Key now; nothing was sent. Retry later.';
          return { errors: [refusal(message, 'IDEMPOTENCY_STORE_UNAVAILABLE', 503)] };
        }
        if (!held) {
          claims.set(request, claim);
          return await executeFn(executeArgs);
        }
        const answer = answerFor(held, fingerprint, at - options.lostAfterMs);
        if (answer !== 'replay') return { errors: [answer] };
        replays.set(request, held);
        return { data: null };
      });
    },
    async onResponse({ request, response, setResponse }) {
      const replay = replays.get(request);
      if (replay) {
        setResponse(replayOf(replay, response));
        return;
      }
      const claim = claims.get(request);
      if (!claim) return;
      claims.delete(request);
      try {
        await store.complete(claim.key, await outcomeOf(response, claim), now());
      } catch (error) {
        // The claim stays `running`: retries get 409 (IN_USE, then NOT_STORED), never a second run.
        logger.error({ err: error, store: store.kind }, 'idempotency: cannot store a response');
      }
    },
  };
}
