/**
 * A recording reverse proxy: the gateway's Beluga client talks to it as if it were the upstream,
 * and every exchange is kept raw (request and answer as sent), so the differential check sees
 * exactly what the gateway sends and what comes back, before any parsing.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  requestBody: string;
  status: number;
  contentType: string;
  body: string;
}

export interface RecordingProxy {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const FORWARDED = ['authorization', 'content-type', 'accept'];

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const server = createServer(async (req, res) => {
    const requestBody = await bodyOf(req);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const method = req.method ?? 'GET';
    try {
      const answer = await fetch(`${target}${req.url}`, {
        method,
        headers,
        redirect: 'manual',
        ...(requestBody ? { body: requestBody } : {}),
      });
      const body = await answer.text();
      const contentType = answer.headers.get('content-type') ?? '';
      exchanges.push({
        method,
        url: req.url ?? '',
        requestBody,
        status: answer.status,
        contentType,
        body,
      });
      res.writeHead(answer.status, contentType ? { 'content-type': contentType } : {});
      res.end(body);
    } catch {
      res.writeHead(502);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
