/** HTTP control under /__fake/ (the same control as `FakeControl` in types.ts). Not counted in the ledger. */
import type { IncomingMessage } from 'node:http';
import type { ControlState } from './control.ts';
import { LatencySchema, parseFaultSpec } from './fault-schema.ts';
import { json } from './http-utils.ts';
import type { FakeResponse, FakeService } from './types.ts';

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('control body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

export async function handleControlRoute(
  req: IncomingMessage,
  method: string,
  url: URL,
  control: ControlState,
  send: (response: FakeResponse) => void,
  extra?: FakeService['control'],
): Promise<void> {
  const path = url.pathname.replace(/\/+$/, '');
  try {
    if (path === '/__fake/ledger' && method === 'GET') {
      const route = url.searchParams.get('route') ?? undefined;
      const m = url.searchParams.get('method') ?? undefined;
      return send(json(200, { entries: control.ledger.entries({ route, method: m }) }));
    }
    if (path === '/__fake/ledger' && method === 'DELETE') {
      control.ledger.reset();
      return send(json(200, { ok: true }));
    }
    if (path === '/__fake/reset' && method === 'POST') {
      control.reset();
      return send(json(200, { ok: true }));
    }
    if (path === '/__fake/latency' && method === 'POST') {
      const latency = LatencySchema.parse(await readJson(req));
      control.setLatency(latency);
      return send(json(200, latency));
    }
    if (path === '/__fake/faults' && method === 'POST') {
      return send(json(200, { id: control.addFault(parseFaultSpec(await readJson(req))) }));
    }
    if (path === '/__fake/faults' && method === 'DELETE') {
      control.clearFaults();
      return send(json(200, { ok: true }));
    }
    const one = /^\/__fake\/faults\/([^/]+)$/.exec(path);
    if (one && method === 'DELETE') {
      control.removeFault(decodeURIComponent(one[1]!));
      return send(json(200, { ok: true }));
    }
    const answer = extra?.(method, path, method === 'POST' ? await readJson(req) : undefined);
    return send(answer ?? json(404, { error: `no control route ${method} ${path}` }));
  } catch (error) {
    return send(json(400, { error: error instanceof Error ? error.message : 'bad request' }));
  }
}
