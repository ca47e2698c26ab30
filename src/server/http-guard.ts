/**
 * What the HTTP layer answers before any gateway code: a request node:http could not parse (a
 * malformed request line, an unknown method, a bad header), a `CONNECT`, and a request target the
 * server library cannot turn into a URL (absolute-form `http://x/graphql`, `*`, `//x`, or a Host
 * header that is no host) get a plain-text 400 with nothing of the server in it, then the
 * connection closes. Each refusal is reported once (a log line and a metric, by reason).
 * Node's own answers stay for the two cases with a status of their own: headers too large (431)
 * and a request that did not arrive in time (408).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** A node:http request handler: what the listener serves and what wraps the gateway. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export type RejectReason =
  | 'target'
  | 'host'
  | 'method'
  | 'malformed'
  | 'headers-too-large'
  | 'timeout';

export const REJECT_REASONS: readonly RejectReason[] = [
  'target',
  'host',
  'method',
  'malformed',
  'headers-too-large',
  'timeout',
];

export interface Rejection {
  reason: RejectReason;
  /** node's parser error code (HPE_…), when the parser refused the request. */
  code?: string;
  remoteAddress?: string;
}

const STATUS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** A complete HTTP/1.1 answer, for sockets no ServerResponse owns. */
function rawAnswer(status: number): string {
  const text = `${STATUS[status]}\n`;
  return [
    `HTTP/1.1 ${status} ${STATUS[status]}`,
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    text,
  ].join('\r\n');
}

/** An IPv4 or host name, or a bracketed IPv6 address, with an optional port (RFC 9110 Host). */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Origin-form only (`/path?query`), with a Host the server library can build a URL from. */
function targetProblem(req: IncomingMessage): RejectReason | undefined {
  const target = req.url ?? '';
  if (!target.startsWith('/') || target.startsWith('//')) return 'target';
  if (!URL.canParse(`http://h${target}`)) return 'target';
  const host = req.headers.host;
  if (host !== undefined && !HOST.test(host)) return 'host';
  return undefined;
}

/** `handler` for requests with a usable target; a plain 400 for the rest. */
export function guardTargets(handler: Handler, reject: (rejection: Rejection) => void): Handler {
  return (req, res) => {
    const reason = targetProblem(req);
    if (!reason) {
      handler(req, res);
      return;
    }
    reject({ reason, remoteAddress: req.socket.remoteAddress });
    const text = `${STATUS[400]}\n`;
    res.shouldKeepAlive = false;
    res.writeHead(400, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  };
}

/** node's parser error → what to answer; undefined: the client went away, nothing to say. */
function parserRejection(code: string | undefined): [RejectReason, number] | undefined {
  if (code === 'ECONNRESET' || code === 'EPIPE') return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') return ['headers-too-large', 431];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return ['timeout', 408];
  if (code === 'HPE_INVALID_METHOD') return ['method', 400];
  return ['malformed', 400];
}

/**
 * Answers what node:http refuses to parse, and CONNECT. `whenIdle(socket, answer)` runs `answer`
 * once no response is being written on that socket (at once, or after the responses in flight
 * for earlier pipelined requests), so the 400 never cuts into another answer.
 */
export function answerClientErrors(
  server: Server,
  options: {
    whenIdle: (socket: Duplex, answer: () => void) => void;
    reject: (rejection: Rejection) => void;
  },
): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const answer = parserRejection(error.code);
    if (!answer || !socket.writable) {
      socket.destroy();
      return;
    }
    options.reject({
      reason: answer[0],
      code: error.code,
      remoteAddress: (socket as { remoteAddress?: string }).remoteAddress,
    });
    options.whenIdle(socket, () => {
      if (socket.writable) socket.end(rawAnswer(answer[1]));
      else socket.destroy();
    });
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    options.reject({ reason: 'method', remoteAddress: req.socket.remoteAddress });
    socket.end(rawAnswer(400));
  });
}
