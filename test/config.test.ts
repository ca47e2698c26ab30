import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../src/config.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ WICKSON_API_KEY: 'k' });
    expect(config).toMatchObject({
      env: 'development',
      port: 4000,
      host: '0.0.0.0',
      beluga: {
        url: 'https://api.beluga.insectai.org',
        token: undefined,
        timeZone: 'America/New_York',
      },
      wickson: { url: 'https://api.wickson.ai', apiKey: 'k', hourlyBudget: 1000 },
      upstream: { timeoutMs: 5000, connectTimeoutMs: 2000 },
      requestTimeoutMs: 10_000,
      graphiql: true,
      introspection: true,
    });
    // The bench's baseline is injected by the bench (test/bench/plain-gateway.ts), not configured.
    expect(config).not.toHaveProperty('mode');
  });

  it('requires WICKSON_API_KEY and refuses an empty one', () => {
    expect(problems({})).toEqual(['WICKSON_API_KEY is required']);
    expect(problems({ WICKSON_API_KEY: '  ' })).toEqual(['WICKSON_API_KEY must not be empty']);
  });

  it('names every bad variable and never echoes a value', () => {
    const secret = 'wk_CANARY_1234';
    const found = problems({
      WICKSON_API_KEY: secret,
      PORT: 'eighty',
      BELUGA_URL: 'ftp://example.org',
      BELUGA_TIMEZONE: 'Mars/Olympus',
      GRAPHIQL: 'maybe',
      WICKSON_URL: `https://x.test/?key=${secret}`,
    });
    expect(found.map((p) => p.split(' ')[0]).sort()).toEqual([
      'BELUGA_TIMEZONE',
      'BELUGA_URL',
      'GRAPHIQL',
      'PORT',
      'WICKSON_URL',
    ]);
    expect(found.join('\n')).not.toContain(secret);
    expect(found.join('\n')).not.toContain('eighty');
  });

  it('normalizes URLs and booleans; empty strings count as unset', () => {
    const config = loadConfig({
      WICKSON_API_KEY: 'k',
      BELUGA_URL: 'http://127.0.0.1:4010/',
      INTROSPECTION: 'off',
      BELUGA_TOKEN: '',
    });
    expect(config.beluga.url).toBe('http://127.0.0.1:4010');
    expect(config.introspection).toBe(false);
    expect(config.beluga.token).toBeUndefined();
  });
});

describe('upstream URLs and HOST', () => {
  it('takes origins only: a pasted API path is refused by name', () => {
    expect(
      problems({
        WICKSON_API_KEY: 'k',
        BELUGA_URL: 'http://127.0.0.1:4010/api/v2/captures/collections/',
        WICKSON_URL: 'http://127.0.0.1:4020/v1/media/collections',
      }),
    ).toEqual([
      'BELUGA_URL must be an origin such as http://127.0.0.1:4010, without a path (the gateway adds the API paths)',
      'WICKSON_URL must be an origin such as http://127.0.0.1:4010, without a path (the gateway adds the API paths)',
    ]);
    expect(
      loadConfig({ WICKSON_API_KEY: 'k', WICKSON_URL: 'HTTP://Example.ORG:80/' }).wickson.url,
    ).toBe('http://example.org');
  });

  it('HOST: an IP address or a host name; 999.1.1.1 is neither', () => {
    expect(problems({ WICKSON_API_KEY: 'k', HOST: '999.1.1.1' })).toEqual([
      'HOST must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name of this machine',
    ]);
    for (const host of ['127.0.0.1', '::', 'localhost', 'gateway-1.internal'])
      expect(loadConfig({ WICKSON_API_KEY: 'k', HOST: host }).host).toBe(host);
  });
});

describe('every problem names its variable', () => {
  it('WICKSON_URL and BELUGA_URL that are not URLs', () => {
    expect(problems({ WICKSON_API_KEY: 'k', WICKSON_URL: 'not-a-url' })).toEqual([
      'WICKSON_URL Invalid URL',
    ]);
    expect(problems({ WICKSON_API_KEY: 'k', BELUGA_URL: 'http://' })).toEqual([
      'BELUGA_URL Invalid URL',
    ]);
  });

  // Values that break URL, number, enum, boolean and list parsers: each variable either takes it
  // or is refused with one problem that starts with its own name.
  const JUNK = [
    'not-a-url',
    'http://',
    '-1',
    '1e309',
    'NaN',
    '0x10',
    ' ',
    '\u0000',
    'é'.repeat(300),
  ];
  it.each(ENV_VARIABLES)('%s', (name) => {
    for (const value of JUNK) {
      try {
        loadConfig({ WICKSON_API_KEY: 'k', [name]: value });
      } catch (error) {
        expect(error, `${name}=${JSON.stringify(value)}`).toBeInstanceOf(ConfigError);
        const found = (error as ConfigError).problems;
        expect(found, `${name}=${JSON.stringify(value)}`).toHaveLength(1);
        expect(found[0]!.startsWith(`${name} `), found[0]).toBe(true);
      }
    }
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  it('documents every variable in its configuration table', () => {
    const rows = readme.split('\n').filter((line) => line.startsWith('| `'));
    for (const name of ENV_VARIABLES) {
      expect(
        rows.some((row) => row.includes(`\`${name}\``)),
        name,
      ).toBe(true);
    }
  });
});
