/**
 * Child processes of the bench: the gateway (and the floor script) run as plain `node <file>.ts`
 * (Node's type stripping), so the PID we measure is the process doing the work.
 */
import { type ChildProcess, execFileSync, execSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCommand } from '../../src/build.ts';
import { freePort } from '../helpers/net.ts';
import { rssMb } from './measure.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Pinning {
  enabled: boolean;
  /** Human-readable summary for the report. */
  note: string;
  /** Prefix for a child command line, e.g. ['taskset', '-c', '1']. */
  childPrefix: string[];
}

/** Pins this process (runner, fakes, autocannon) to core 0 and children to core 1 when possible. */
export function setUpPinning(): Pinning {
  const cpus = availableParallelism();
  if (cpus < 2) return { enabled: false, note: `unpinned (${cpus} core)`, childPrefix: [] };
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return {
      enabled: true,
      note: `runner + fakes + autocannon on core 0, system under test on core 1 (taskset), ${cpus} cores`,
      childPrefix: ['taskset', '-c', '1'],
    };
  } catch {
    return {
      enabled: false,
      note: `unpinned (taskset unavailable), ${cpus} cores`,
      childPrefix: [],
    };
  }
}

const children = new Set<ChildProcess>();

/** Starts `node <script>` (pinned if asked); stderr is kept for error messages. */
export function spawnNode(
  script: string,
  args: string[],
  env: Record<string, string>,
  pinning: Pinning,
  stdin = false,
  nodeArgs: string[] = [],
  runtime: { node: string; cwd: string } = { node: process.execPath, cwd: ROOT },
): { child: ChildProcess; pid: number; stderr: () => string; stdout: () => string } {
  const command = [...pinning.childPrefix, runtime.node, ...nodeArgs, script, ...args];
  const [bin, ...rest] = command as [string, ...string[]];
  const child = spawn(bin, rest, {
    cwd: runtime.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  children.add(child);
  child.once('exit', () => children.delete(child));
  let err = '';
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-8000);
  });
  // The gateway logs to stdout: keep only the tail (the floor's protocol reads stdout itself).
  child.stdout?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-8000);
  });
  return { child, pid: child.pid, stderr: () => err, stdout: () => out };
}

/** Kills one child by PID (SIGTERM, then SIGKILL after a grace period). */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Last resort on errors and signals: every child this runner started, by PID. */
export function killAllChildren(): void {
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }
  }
}

/** `standard` is the gateway as `npm start` runs it; `baseline` the same without batching. */
export type GatewaySystem = 'standard' | 'baseline';

export interface GatewayProcess {
  /** The report's system name, or `reference` for an older commit. */
  name: GatewaySystem | 'reference';
  url: string;
  pid: number;
  /** RSS one second after /health first answered, before any load. */
  idleRssMb: number;
  stop(): Promise<void>;
}

/** An older commit to run side by side: its sources, installed, and how it starts its gateway. */
export interface Reference {
  commit: string;
  dir: string;
  node: string;
  nodeArgs: string[];
  /** A commit that shipped a bundle (src/build.ts): its `npm start` flags, env and script. */
  start: ReturnType<typeof startCommand> | undefined;
}

/** The first `node` on PATH outside any node_modules/.bin (the machine's own). */
function machineNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.includes('node_modules')) continue;
    if (existsSync(join(dir, 'node'))) return join(dir, 'node');
  }
  return 'node';
}

/**
 * Extracts `ref` (git archive) into a temp directory and installs it with `npm ci`, once per
 * commit. It runs as it shipped: on its own node_modules/.bin/node if it has one, else the
 * machine's node, through tsx if it depended on it.
 */
export function prepareReference(ref: string, log: (msg: string) => void): Reference {
  const commit = execFileSync('git', ['rev-parse', '--short', ref], { cwd: ROOT })
    .toString()
    .trim();
  const dir = join(tmpdir(), `gateway-bench-ref-${commit}`);
  if (!existsSync(join(dir, 'node_modules'))) {
    log(`reference ${commit}: extracting and installing into ${dir}`);
    mkdirSync(dir, { recursive: true });
    execSync(`git archive ${commit} | tar -x -C ${JSON.stringify(dir)}`, { cwd: ROOT });
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: 'ignore',
      env: {
        ...process.env,
        PATH: (process.env.PATH ?? '')
          .split(delimiter)
          .filter((d) => !d.includes('node_modules'))
          .join(delimiter),
      },
    });
  }
  const ownNode = join(dir, 'node_modules', '.bin', 'node');
  const node = existsSync(ownNode) ? ownNode : machineNode();
  // A commit that bundles runs its bundle with its start script's flags, as `npm start` did.
  const bundles = existsSync(join(dir, 'src', 'build.ts'));
  if (bundles && !existsSync(join(dir, 'dist', 'gateway.js'))) {
    log(`reference ${commit}: building its bundle`);
    execFileSync(node, ['src/build.ts'], { cwd: dir, stdio: 'ignore' });
  }
  return {
    commit,
    dir,
    node,
    nodeArgs: existsSync(join(dir, 'node_modules', 'tsx')) ? ['--import', 'tsx'] : [],
    start: bundles ? startCommand(dir) : undefined,
  };
}

/**
 * How a system starts: `npm start`'s node flags and environment, with its script (the bundle), or
 * the baseline's (plain-gateway.ts, from the sources); an older commit as it shipped.
 */
function command(system: GatewaySystem, reference: Reference | undefined) {
  if (reference?.start) return reference.start;
  if (reference) return { env: {}, nodeArgs: reference.nodeArgs, script: 'src/server/main.ts' };
  const start = startCommand();
  return system === 'baseline' ? { ...start, script: 'test/bench/plain-gateway.ts' } : start;
}

export async function startGateway(options: {
  mode: GatewaySystem;
  /** Run this older commit instead of the working tree (as `standard`). */
  reference?: Reference;
  belugaUrl: string;
  wicksonUrl: string;
  wicksonApiKey: string;
  pinning: Pinning;
  extraEnv?: Record<string, string>;
  nodeArgs?: string[];
  timeoutMs?: number;
  /** `off` (the default): every answer from the upstreams; `default`: the shipped cache TTLs. */
  caches?: 'off' | 'default';
}): Promise<GatewayProcess> {
  const port = await freePort();
  const shipped = command(options.mode, options.reference);
  const proc = spawnNode(
    shipped.script,
    [],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      BELUGA_URL: options.belugaUrl,
      WICKSON_URL: options.wicksonUrl,
      WICKSON_API_KEY: options.wicksonApiKey,
      WICKSON_HOURLY_BUDGET: '1000000',
      MAX_UPSTREAM_CALLS: '100000',
      // One load generator is one client: per-client limits off, so the cells measure throughput.
      CLIENT_CALLS_PER_MINUTE: '0',
      CLIENT_WICKSON_SHARE: '1',
      // The cells measure one query's upstream calls against N*: no answers shared across requests
      // (the cached cells keep the shipped defaults).
      ...(options.caches === 'default'
        ? {}
        : { WICKSON_CACHE_TTL_S: '0', BELUGA_CACHE_TTL_S: '0' }),
      GRAPHIQL: 'false',
      ...shipped.env,
      ...options.extraEnv,
    },
    options.pinning,
    false,
    [...shipped.nodeArgs, ...(options.nodeArgs ?? [])],
    options.reference
      ? { node: options.reference.node, cwd: options.reference.dir }
      : { node: process.execPath, cwd: ROOT },
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (proc.child.exitCode !== null) {
      throw new Error(
        `gateway (${options.mode}) exited with ${proc.child.exitCode}: ${proc.stderr()}`,
      );
    }
    try {
      const res = await fetch(`${base}/health`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stopChild(proc.child);
      throw new Error(`gateway (${options.mode}) not healthy after start: ${proc.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await new Promise((r) => setTimeout(r, 1000));
  return {
    name: options.reference ? 'reference' : options.mode,
    url: `${base}/graphql`,
    pid: proc.pid,
    idleRssMb: rssMb(proc.pid),
    stop: () => stopChild(proc.child),
  };
}
