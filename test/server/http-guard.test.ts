/**
 * Requests the HTTP layer cannot use, sent over a raw TCP socket to the real listener
 * (startServer, NODE_ENV=production): each gets a plain-text 400 (431 for oversized headers)
 * with nothing of the server in it, is logged once and counted in gateway_http_rejected_total,
 * and the listener keeps serving.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, startListening } from '../helpers/listening.ts';

let gateway: Listening;
let port: number;
beforeAll(async () => {
  gateway = await startListening({ NODE_ENV: 'production', METRICS_PORT: '0' });
  port = Number(new URL(gateway.running.url).port);
});
afterAll(() => gateway?.close());

/** Writes `text` on a fresh connection and reads until the server closes it. */
function exchange(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(text);
  });
}

const BODY = '{"query":"{ __typename }"}';
const post = (target: string, method = 'POST', host = `127.0.0.1:${port}`) =>
  `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
  `Content-Length: ${BODY.length}\r\n\r\n${BODY}`;

async function rejectedCount(reason: string): Promise<number> {
  const text = await (await fetch(gateway.running.metricsUrl!)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`gateway_http_rejected_total{reason="${reason}"}`));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

function expectPlain(answer: string, status: string) {
  const [head = '', body] = answer.split('\r\n\r\n');
  expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status}`);
  expect(head.toLowerCase()).toContain('content-type: text/plain');
  expect(head.toLowerCase()).toContain('connection: close');
  expect(body).toBe(`${status.slice(4)}\n`);
  expect(answer).not.toMatch(/\bat |node_modules|Error|\/work\//);
}

describe('requests the HTTP layer cannot use', () => {
  it.each([
    ['absolute-form POST', post('http://x/graphql'), 'target'],
    ['absolute-form GET', 'GET http://127.0.0.1/graphql HTTP/1.1\r\nHost: x\r\n\r\n', 'target'],
    ['asterisk-form', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', 'target'],
    ['asterisk POST', post('*'), 'target'],
    ['a target with two slashes', post('//evil.example/graphql'), 'target'],
    ['a Host that is no host', post('/graphql', 'POST', '[::1'), 'host'],
    ['a Host with a space', 'GET /health HTTP/1.1\r\nHost: a b\r\n\r\n', 'host'],
    ['an unknown method', post('/graphql', 'FOO'), 'method'],
    ['CONNECT', 'CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n', 'method'],
    ['a request line that is not one', 'hello there\r\n\r\n', 'method'],
    [
      'an HTTP version that does not exist',
      'GET /graphql HTTP/9.9\r\nHost: x\r\n\r\n',
      'malformed',
    ],
    ['a header name with a space', 'GET /health HTTP/1.1\r\nHo st: x\r\n\r\n', 'malformed'],
  ])('%s: plain 400, logged and counted', async (_, request, reason) => {
    const before = await rejectedCount(reason);
    const logged = gateway.lines.length;
    expectPlain(await exchange(request), '400 Bad Request');
    expect(await rejectedCount(reason)).toBe(before + 1);
    const lines = gateway.lines.slice(logged).map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.msg === 'http request refused')).toEqual([
      expect.objectContaining({ reason, level: 30 }),
    ]);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('headers over 16 KB: 431, counted', async () => {
    const before = await rejectedCount('headers-too-large');
    const big = `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
    expectPlain(await exchange(big), '431 Request Header Fields Too Large');
    expect(await rejectedCount('headers-too-large')).toBe(before + 1);
  });

  it('a bad request after a good one on the same connection is answered, then closed', async () => {
    const good = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
    for (const bad of [post('http://x/graphql'), post('/graphql', 'FOO')]) {
      const answer = await exchange(good + bad);
      expect(answer.startsWith('HTTP/1.1 200')).toBe(true);
      const second = answer.slice(answer.indexOf('0\r\n\r\n') + 5);
      expectPlain(second, '400 Bad Request');
    }
  });

  it('the listener keeps serving GraphQL', async () => {
    const response = await fetch(`${gateway.running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { __typename: 'Query' } });
  });
});
