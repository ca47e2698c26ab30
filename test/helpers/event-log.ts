/**
 * The payloads a test client (SSE or graphql-ws) has received, in order: `received(n)` resolves
 * once n have arrived or the stream is over, so a test waits for events, never for time.
 */
export interface EventLog {
  events: Record<string, unknown>[];
  push(event: Record<string, unknown>): void;
  /** Something happened that a waiter may care about (a `complete`, the end). */
  wake(): void;
  /** No more events will come: waiters get what there is. */
  finish(): void;
  received(count: number): Promise<Record<string, unknown>[]>;
}

export function createEventLog(): EventLog {
  const events: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let over = false;
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  return {
    events,
    push(event) {
      events.push(event);
      wake();
    },
    wake,
    finish() {
      over = true;
      wake();
    },
    async received(count) {
      while (events.length < count && !over) await new Promise<void>((r) => waiters.push(r));
      return events;
    },
  };
}
