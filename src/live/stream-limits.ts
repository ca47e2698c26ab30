/**
 * How many subscriptions this replica serves: at most `perClient` open streams per client and
 * `total` in all (SUBSCRIPTIONS_PER_CLIENT, SUBSCRIPTIONS_MAX). A slot is taken before the
 * subscription's first read and given back when its stream ends, however it ends.
 */
export interface StreamLimits {
  /** A slot for `client`: its release (idempotent), or the limit that refused it. */
  take(client: string): { release(): void } | { refused: 'client' | 'total' };
  readonly open: number;
}

export function createStreamLimits(options: { perClient: number; total: number }): StreamLimits {
  const byClient = new Map<string, number>();
  let open = 0;
  return {
    take(client) {
      const mine = byClient.get(client) ?? 0;
      if (open >= options.total) return { refused: 'total' };
      if (mine >= options.perClient) return { refused: 'client' };
      byClient.set(client, mine + 1);
      open += 1;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          open -= 1;
          const left = (byClient.get(client) ?? 1) - 1;
          if (left > 0) byClient.set(client, left);
          else byClient.delete(client);
        },
      };
    },
    get open() {
      return open;
    },
  };
}
