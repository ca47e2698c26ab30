/**
 * The contract suite's stack: the gateway from `startStack` with BELUGA_URL on the real Antenna
 * (Wickson stays the project's fake), every upstream call the gateway makes recorded where it
 * leaves the gateway (the real API keeps no ledger), and plain HTTP to Antenna for setup and
 * cleanup.
 */
import { afterAll, beforeAll } from 'vitest';
import type { CallRecord } from '../../src/upstreams/types.ts';
import { type GraphQLBody, type Stack, startStack } from '../helpers/stack.ts';
import { type AntennaEnv, antennaEnv } from './env.ts';

export type Caller = 'manager' | 'outsider' | 'anonymous';
export const CALLERS: Caller[] = ['manager', 'outsider', 'anonymous'];

export interface Cost {
  predicted: { beluga: number; wickson: number };
  actual: { beluga: number; wickson: number };
}

export interface Answer {
  body: GraphQLBody & { extensions?: { cost?: Cost } };
  /** The Beluga calls that left the gateway for this request: `METHOD route`. */
  beluga: string[];
  wickson: string[];
  cost: Cost;
}

/** What the suite learns from the Antenna under test before it starts (plain REST reads). */
export interface Facts {
  /** A capture set of the project that has jobs (for `jobs { progress }`). */
  setWithJobs: number;
}

export interface AntennaStack {
  env: AntennaEnv;
  facts: Facts;
  stack: Stack;
  /** One GraphQL request as `caller`, with the upstream calls it made. */
  ask(document: string, caller: Caller, variables?: Record<string, unknown>): Promise<Answer>;
  token(caller: Caller): string | undefined;
}

export function tokenOf(env: AntennaEnv, caller: Caller): string | undefined {
  if (caller === 'manager') return env.managerToken;
  if (caller === 'outsider') return env.outsiderToken;
  return undefined;
}

/** Starts the stack for a test file (closed in afterAll). */
export function useAntennaStack(): () => AntennaStack {
  let running: AntennaStack | undefined;
  let stack: Stack | undefined;
  beforeAll(async () => {
    const env = antennaEnv();
    const records: CallRecord[] = [];
    stack = await startStack({
      config: {
        BELUGA_URL: env.url,
        // Antenna here runs jobs inside the request (eager Celery): a populate takes seconds.
        UPSTREAM_TIMEOUT_MS: '30000',
        REQUEST_TIMEOUT_MS: '60000',
      },
      gateway: { onCall: (record) => records.push(record) },
    });
    const own = stack;
    const facts = await learnFacts(env);
    running = {
      env,
      facts,
      stack: own,
      token: (caller) => tokenOf(env, caller),
      ask: async (document, caller, variables) => {
        records.length = 0;
        const token = tokenOf(env, caller);
        const headers: Record<string, string> = token ? { authorization: `Token ${token}` } : {};
        const { body } = await own.query(document, variables, headers);
        const calls = (upstream: string) =>
          records.filter((r) => r.upstream === upstream).map((r) => `${r.method} ${r.route}`);
        const cost = (body as Answer['body']).extensions?.cost;
        if (!cost) throw new Error(`no extensions.cost in ${JSON.stringify(body).slice(0, 500)}`);
        return { body, beluga: calls('beluga'), wickson: calls('wickson'), cost };
      },
    };
  });
  afterAll(async () => {
    await stack?.close();
  });
  return () => {
    if (!running) throw new Error('useAntennaStack(): not started yet (use it inside a test)');
    return running;
  };
}

async function learnFacts(env: AntennaEnv): Promise<Facts> {
  const list = await rest(
    env.url,
    'GET',
    `/api/v2/captures/collections/?project_id=${env.projectId}&ordering=id&limit=1000`,
    { token: env.managerToken },
  );
  const withJobs = (list.json?.results ?? []).find(
    (set: { jobs?: unknown[] }) => (set.jobs?.length ?? 0) > 0,
  );
  if (!withJobs) {
    throw new Error(`project ${env.projectId} has no capture set with jobs (populate one first)`);
  }
  return { setWithJobs: withJobs.id };
}

export interface RestAnswer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: callers read the parsed JSON loosely
  json: any;
}

/** A plain HTTP request to an upstream origin (Antenna or the fake), JSON in and out. */
export async function rest(
  origin: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<RestAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Token ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${origin}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
