/**
 * pino JSON logs with two layers of secret protection: path redaction for the header names we
 * know (any case), and a value scrub of every serialized line (the configured secrets, any
 * `Token <hex>` credential, and any `authorization`/`x-api-key`/`cookie` key whatever its case).
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from '../config.ts';

const SECRET_HEADERS = [
  'authorization',
  'x-api-key',
  'cookie',
  'set-cookie',
  'proxy-authorization',
];
const CASINGS = (name: string) => [
  name,
  name.toUpperCase(),
  name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase()),
];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const header of SECRET_HEADERS) {
    for (const name of CASINGS(header)) {
      const key = `["${name}"]`;
      paths.push(key, `*${key}`, `*.headers${key}`, `*.*.headers${key}`);
    }
  }
  return paths;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Builds the line scrubber; exported for tests and for anything else that writes text out. */
export function createScrubber(secrets: Array<string | undefined>): (line: string) => string {
  const values = secrets
    .filter((s): s is string => typeof s === 'string' && s.length >= 4)
    .sort((a, b) => b.length - a.length);
  const valuePattern = values.length
    ? new RegExp(
        values
          .flatMap((v) => [escapeRegExp(v), escapeRegExp(JSON.stringify(v).slice(1, -1))])
          .join('|'),
        'g',
      )
    : undefined;
  const tokenPattern = /\b(Token|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
  const keyPattern = new RegExp(
    `("(?:${SECRET_HEADERS.map(escapeRegExp).join('|')})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`,
    'gi',
  );
  return (line) => {
    let out = valuePattern ? line.replace(valuePattern, '[REDACTED]') : line;
    out = out.replace(tokenPattern, '$1 [REDACTED]');
    return out.replace(keyPattern, '$1"[REDACTED]"');
  };
}

export function createLogger(config: Config, destination?: DestinationStream): Logger {
  const scrub = createScrubber([config.wickson.apiKey, config.beluga.token]);
  return pino(
    {
      level: config.logLevel,
      base: { service: 'gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths(), censor: '[REDACTED]' },
      serializers: {
        err: pino.stdSerializers.err,
        req: (req: { method?: string; url?: string }) => ({
          method: req.method,
          url: req.url?.split('?')[0],
        }),
      },
      hooks: { streamWrite: scrub },
    },
    destination ?? pino.destination(1),
  );
}

export type { Logger };
