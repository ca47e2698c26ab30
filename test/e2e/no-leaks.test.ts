/**
 * ../shared/reference/reliability.md §7, invariant 4: after close() nothing is left behind — no sockets, no timers —
 * even when the requests before it hit hangs, slow bodies, deadlines and retries.
 */
import { expect, it } from 'vitest';
import { startStack } from '../helpers/stack.ts';

const HANDLE_KINDS = new Set(['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'Immediate']);

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (HANDLE_KINDS.has(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

async function settled(before: Record<string, number>): Promise<Record<string, number>> {
  // Closed sockets and cleared timers leave the list on the next turns of the event loop.
  for (let i = 0; i < 50; i++) {
    const now = handles();
    if (Object.entries(now).every(([kind, n]) => n <= (before[kind] ?? 0))) return now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return handles();
}

it('leaves no sockets or timers after close(), faults included', async () => {
  const before = handles();
  // A deadline with room for the 503's retry on a cold, busy process; the hang still times out.
  const stack = await startStack({
    config: { UPSTREAM_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2500' },
  });
  const { beluga, wickson } = stack.fakes;
  wickson.control.addFault({ route: 'collections.detail', kind: 'hang' });
  beluga.control.addFault({ route: 'jobs.detail', kind: 'slow', chunkDelayMs: 200 });
  beluga.control.addFault({ route: 'projects.detail', kind: 'status', status: 503 });
  const results = await Promise.all([
    stack.query('{ collection(source: WICKSON, sourceId: "research_papers") { name } }'),
    stack.query('{ job(sourceId: 1146) { name } }'),
    stack.query('{ project(sourceId: 23) { name } }'),
    stack.query('{ collections(first: 5) { totalCount } }'),
  ]);
  const codes = results.flatMap((r) => r.body.errors?.map((e) => e.extensions?.code) ?? []);
  expect(codes).toEqual(expect.arrayContaining(['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE']));
  await stack.close();
  const after = await settled(before);
  for (const [kind, n] of Object.entries(after))
    expect(n, kind).toBeLessThanOrEqual(before[kind] ?? 0);
});
