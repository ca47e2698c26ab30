import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.ts';

const load = (env: Record<string, string>) => loadConfig({ WICKSON_API_KEY: 'k', ...env }).tracing;

function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('OTEL_* settings', () => {
  it('tracing is off without an endpoint', () => {
    expect(load({})).toEqual({
      tracesUrl: undefined,
      serviceName: 'beluga-wickson-gateway',
      headers: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
  });

  it('the general endpoint gets /v1/traces; the traces endpoint is used as given and wins', () => {
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracesUrl).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      load({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example/ingest',
      }).tracesUrl,
    ).toBe('https://otel.example/ingest');
    expect(
      load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })
        .tracesUrl,
    ).toBeUndefined();
  });

  it('parses headers, service name and sampler', () => {
    expect(
      load({
        OTEL_EXPORTER_OTLP_HEADERS: 'Api-Key=a%3Db, x-team = core ,',
        OTEL_SERVICE_NAME: 'gw-eu',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }),
    ).toMatchObject({
      headers: { 'api-key': 'a=b', 'x-team': 'core' },
      serviceName: 'gw-eu',
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
  });

  it('names bad values without echoing them', () => {
    const found = problems({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317',
      OTEL_EXPORTER_OTLP_HEADERS: 'secret-value-without-equals',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_TRACES_SAMPLER_ARG: '2',
    });
    expect(found.map((p) => p.split(' ')[0]).sort()).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_TRACES_SAMPLER',
      'OTEL_TRACES_SAMPLER_ARG',
    ]);
    expect(found.join('\n')).not.toContain('secret-value');
  });
});
