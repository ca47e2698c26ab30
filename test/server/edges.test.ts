/**
 * The gateway's edges: CORS only from the CORS_ORIGINS allowlist (never an arbitrary Origin with
 * credentials), and Prometheus metrics on their own METRICS_PORT listener, not the GraphQL port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { startListening } from '../helpers/listening.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function post(config: Record<string, string>, origin: string, method = 'POST') {
  stack ??= await startStack({ config });
  const response = await stack.gateway.fetch('http://gateway.test/graphql', {
    method,
    headers: {
      origin,
      'content-type': 'application/json',
      ...(method === 'OPTIONS'
        ? {
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization',
          }
        : {}),
    },
    ...(method === 'POST' ? { body: JSON.stringify({ query: '{ __typename }' }) } : {}),
  });
  return {
    status: response.status,
    allowOrigin: response.headers.get('access-control-allow-origin'),
    credentials: response.headers.get('access-control-allow-credentials'),
  };
}

describe('CORS', () => {
  it('without CORS_ORIGINS: no CORS headers for any origin', async () => {
    expect(await post({}, 'https://evil.example')).toEqual({
      status: 200,
      allowOrigin: null,
      credentials: null,
    });
  });

  it('an allowlist: listed origins with credentials, others get nothing', async () => {
    const config = { CORS_ORIGINS: 'https://app.example.org, http://localhost:3000' };
    expect(await post(config, 'https://app.example.org')).toEqual({
      status: 200,
      allowOrigin: 'https://app.example.org',
      credentials: 'true',
    });
    expect(await post(config, 'https://evil.example')).toEqual({
      status: 200,
      allowOrigin: null,
      credentials: null,
    });
    const preflight = await post(config, 'http://localhost:3000', 'OPTIONS');
    expect(preflight).toEqual({
      status: 204,
      allowOrigin: 'http://localhost:3000',
      credentials: 'true',
    });
  });

  it('`*`: any origin, never with credentials', async () => {
    expect(await post({ CORS_ORIGINS: '*' }, 'https://any.example')).toEqual({
      status: 200,
      allowOrigin: 'https://any.example',
      credentials: null,
    });
  });

  it('a malformed CORS_ORIGINS stops start-up naming the variable', () => {
    expect(() => configFrom({ CORS_ORIGINS: 'app.example.org' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('METRICS_PORT', () => {
  it('serves /metrics on its own listener; the GraphQL port answers 404', async () => {
    const { running, close } = await startListening({ METRICS_PORT: '0' });
    try {
      await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query Probe { __typename }' }),
      });
      expect(running.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(running.metricsUrl).not.toContain(running.url);
      const scraped = await fetch(String(running.metricsUrl));
      expect(scraped.status).toBe(200);
      // An anonymous caller's name is no label (metric-labels.test.ts): it counts as `other`.
      expect(await scraped.text()).toMatch(/gateway_graphql_requests_total\{operation="other"/);
      expect((await fetch(`${running.url}/metrics`)).status).toBe(404);
      expect((await fetch(String(running.metricsUrl).replace('/metrics', '/graphql'))).status).toBe(
        404,
      );
    } finally {
      await close();
    }
  });

  it('unset: no metrics listener', async () => {
    const { running, close } = await startListening();
    try {
      expect(running.metricsUrl).toBeUndefined();
      expect((await fetch(`${running.url}/metrics`)).status).toBe(404);
    } finally {
      await close();
    }
  });
});
