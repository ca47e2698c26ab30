/**
 * The "live" scenario (`npm run bench -- --only live`): N SSE watchers of one running job on a
 * gateway (in this process) against the fakes, for each N; prints the Beluga job-detail calls per
 * minute the subscriptions made (one poll per JOB_POLL_INTERVAL_MS, flat in N) and the events
 * the watchers received. Real time: the job runs on the fakes' wall clock.
 */
import pino from 'pino';
import { configFrom } from '../../src/config.ts';
import { FAKE_MEMBER_TOKEN, startFakes } from '../../src/fakes/index.ts';
import { encodeGlobalId } from '../../src/schema/global-id.ts';
import { startServer } from '../../src/server/main.ts';
import { openSse } from '../helpers/sse.ts';

const JOB_UPDATED = `subscription ($id: ID!) { jobUpdated(id: $id) { status progress { progress } } }`;
const MEMBER = `Token ${FAKE_MEMBER_TOKEN}`;

export interface LiveRow {
  watchers: number;
  seconds: number;
  job_detail_calls: number;
  calls_per_minute: number;
  events_received: number;
}

export async function benchLive(
  options: { watchers: number[]; seconds: number; intervalMs: number },
  log: (msg: string) => void,
): Promise<LiveRow[]> {
  // Stages move every 1.8 s and no job finishes within a row of up to 30 s.
  const fakes = await startFakes({ jobSeconds: 40 });
  const config = configFrom({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    BELUGA_URL: fakes.beluga.url,
    WICKSON_URL: fakes.wickson.url,
    JOB_POLL_INTERVAL_MS: String(options.intervalMs),
    SUBSCRIPTIONS_PER_CLIENT: String(Math.max(...options.watchers)),
  });
  const gateway = await startServer(config, { logger: pino({ level: 'silent' }) });
  const jobs = fakes.dataset.ids.draftJobs.filter(
    (id) => fakes.dataset.jobs.get(id)?.jobType.key === 'ml',
  );
  const rows: LiveRow[] = [];
  try {
    for (const [i, n] of options.watchers.entries()) {
      const id = jobs[i];
      if (id === undefined) throw new Error('the dataset has too few ML jobs for the rows');
      await fetch(`${fakes.beluga.url}/api/v2/jobs/${id}/run/`, {
        method: 'POST',
        headers: { authorization: MEMBER },
      });
      // Past PENDING (the first tenth), so the job is polled at the running pace.
      fakes.clock.advance(5_000);
      const variables = { id: encodeGlobalId('Job', `BELUGA:${id}`) };
      const streams = await Promise.all(
        Array.from({ length: n }, () =>
          openSse(gateway.url, JOB_UPDATED, variables, { authorization: MEMBER }),
        ),
      );
      await Promise.all(streams.map((s) => s.received(1)));
      fakes.beluga.control.ledger.reset();
      const before = streams.reduce((sum, s) => sum + s.events.length, 0);
      await new Promise((r) => setTimeout(r, options.seconds * 1000));
      const calls = fakes.beluga.control.ledger
        .entries()
        .filter((e) => e.route === 'jobs.detail').length;
      const events = streams.reduce((sum, s) => sum + s.events.length, 0) - before;
      for (const s of streams) s.close();
      const row = {
        watchers: n,
        seconds: options.seconds,
        job_detail_calls: calls,
        calls_per_minute: Math.round((calls / options.seconds) * 60 * 10) / 10,
        events_received: events,
      };
      log(`live: ${n} watchers, ${calls} job-detail calls in ${options.seconds} s`);
      rows.push(row);
    }
  } finally {
    await gateway.close();
    await fakes.close();
  }
  return rows;
}

export function liveTable(rows: LiveRow[], intervalMs: number): string {
  const lines = [
    `Live subscriptions: N SSE watchers of one running job, JOB_POLL_INTERVAL_MS=${intervalMs}`,
    'watchers | seconds | job-detail calls | calls/min | events received',
    ...rows.map(
      (r) =>
        `${String(r.watchers).padStart(8)} | ${String(r.seconds).padStart(7)} | ${String(r.job_detail_calls).padStart(16)} | ${String(r.calls_per_minute).padStart(9)} | ${r.events_received}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
