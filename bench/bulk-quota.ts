// The bulk quota run: ONE stack of N ImportedKeys (default 200 on AWS) through the real Pulumi CLI at its default
// parallelism, against an emulator enforcing every cloud's published request quotas (core/published-quotas.ts) scaled
// by `scale`, the provider host told the same scale (IMPORTED_KEY_QUOTA_SCALE). It measures the wall time of
// `pulumi up` beside the quota-bound minimum — the least time the quotas allow for the calls the run made, whatever
// the tool: for AWS, one GetParametersForImport per key at 0.25 per second, (N − 1) × 4 s / scale — and counts the
// failed steps; then destroys the stack. `npm run bench` reads it (runBulkQuota); tests/scenarios/load.test.ts runs it
// with its assertions (bulkQuotaRun's `inspect`).
//
//   npx ts-node bench/bulk-quota.ts [--cloud aws] [--keys 200] [--scale 1]     (BULK_CLOUD, BULK_KEYS, BULK_SCALE)
//
// The program is the load test's (tests/scenarios/load/program): each key's material is HMAC-SHA256(seed, name).

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator';
import { DeploymentFailed, type RunResult } from '../harness';
import { PUBLISHED_QUOTAS } from '../core/published-quotas';
import { minimumSpanMs } from '../core/quota-rate';
import { makeEngine, type EngineKind, type StackEngine } from '../tests/support/engines';
import { everyCloudEnvironment } from '../tests/support/emulator';
import { keyNames, type LoadCloud } from '../tests/scenarios/load/material';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface BulkQuotaResult {
  cloud: string;
  keys: number;
  scale: number;
  seconds: number;
  minimumSeconds: number;
  failedSteps: number;
}

const ACCESS_KEY = 'bulk-ak';
const SECRET_KEY = 'bulk-sk';
const PROJECT = '5e1f0c3a9b8d47e6a2c4f7081d3b6e95';
const PROGRAM = path.join(__dirname, '..', 'tests', 'scenarios', 'load', 'program');

export interface BulkRunOptions {
  /** Keys per cloud, in one stack. */
  counts: Partial<Record<LoadCloud, number>>;
  /** Every published quota × this, in the emulator and in the provider host. */
  scale: number;
  /** Default the real Pulumi CLI. */
  kind?: EngineKind;
  /** A rolling expiry for every key (ISO 8601 duration); default none. */
  expiresIn?: string;
  /** Before `up` (the emulator is running, quotas on): e.g. set its clock. */
  prepare?(emulator: RunningEmulator): Promise<void> | void;
  /** After `destroy`, before the emulator stops and the stack's files are removed (leak checks). */
  afterDestroy?(run: BulkRun, destroy: RunResult): Promise<void> | void;
}

/** What `inspect` sees between `up` and `destroy`. */
export interface BulkRun {
  emulator: RunningEmulator;
  engine: StackEngine;
  kind: EngineKind;
  stateFile: string;
  /** The secret every key's material derives from (base64). */
  seed: string;
  names: Array<{ cloud: LoadCloud; name: string }>;
  up: RunResult;
  /** The emulator's clock when `up` started and ended (ms). */
  emulatorSpan: { start: number; end: number };
  /** Requests the quotas let through / throttled during `up`, by `<cloud>:<Operation>`. */
  accepted: Record<string, number>;
  throttled: Record<string, number>;
  /** Every line the emulator logged. */
  log: string[];
}

export interface BulkRunResult {
  /** `pulumi up`'s own wall time (the CLI command; the whole run on the harness). */
  seconds: number;
  /** The whole up, the runner's start, config and stack export included. */
  overallSeconds: number;
  minimumSeconds: number;
  /** The quota that bounds the run, and how many requests it let through. */
  bottleneck: { cloud: string; quota: string; perSecond: number; requests: number };
  failedSteps: number;
  createSteps: number;
  throttledReplies: number;
  /** Throttled replies during `up` by `<cloud>:<Operation>`. */
  throttledBy: Record<string, number>;
  /** Seconds from the start of `up` to its first request, the bottleneck's first and last, and its last request. */
  timeline: { firstRequest: number; firstBottleneck: number; lastBottleneck: number; lastRequest: number };
  destroy: RunResult;
}

/**
 * The least time the quotas allow for the requests each quota let through during `up`: per quota, its first burst
 * at once and then one burst per window (core/quota-rate.ts minimumSpanMs); the run's bound is the slowest quota.
 */
export function quotaBoundMinimum(accepted: Record<string, number>, scale: number): BulkRunResult['bottleneck'] & { seconds: number } {
  let worst = { cloud: '', quota: '', perSecond: 0, requests: 0, seconds: 0 };
  for (const [cloud, groups] of Object.entries(PUBLISHED_QUOTAS)) {
    for (const group of groups) {
      const requests = Object.entries(accepted)
        .filter(([key]) => key.startsWith(`${cloud}:`) && (group.operations === '*' || group.operations.includes(key.slice(cloud.length + 1))))
        .reduce((n, [, v]) => n + v, 0);
      const perSecond = group.perSecond * scale;
      const seconds = minimumSpanMs(requests, perSecond) / 1000;
      if (requests > 0 && seconds >= worst.seconds) worst = { cloud, quota: group.name, perSecond, requests, seconds };
    }
  }
  return worst;
}

const add = (tally: Record<string, number>, key: string) => void (tally[key] = (tally[key] ?? 0) + 1);

/** One bulk run: emulator with scaled published quotas, `up`, `inspect`, `destroy`; everything it started is stopped. */
export async function bulkQuotaRun(options: BulkRunOptions, inspect?: (run: BulkRun) => Promise<void> | void): Promise<BulkRunResult> {
  const kind = options.kind ?? 'pulumi CLI';
  const log: string[] = [];
  const emulator = await startEmulator({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, quotas: { preset: 'published', scale: options.scale }, log: (line) => log.push(line) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imported-key-bulk-'));
  try {
    await options.prepare?.(emulator);
    // Every request the quotas judged, as the cloud counts it.
    const accepted: Record<string, number> = {};
    const throttled: Record<string, number> = {};
    const admitted: Array<{ at: number; key: string }> = [];
    const admit = emulator.quotas.admit.bind(emulator.quotas);
    emulator.quotas.admit = (cloud: string, operation: string) => {
      const ok = admit(cloud, operation);
      add(ok ? accepted : throttled, `${cloud}:${operation}`);
      if (ok) admitted.push({ at: Date.now(), key: `${cloud}:${operation}` });
      else if (process.env.BULK_TRACE) admitted.push({ at: Date.now(), key: `${cloud}:${operation} THROTTLED` });
      return ok;
    };

    const stateFile = path.join(dir, 'state.json');
    const env = { ...everyCloudEnvironment(ACCESS_KEY, SECRET_KEY), IMPORTED_KEY_QUOTA_SCALE: String(options.scale) };
    const engine = makeEngine(kind, { projectDir: PROGRAM, stateFile, env });
    const seed = randomBytes(32).toString('base64');
    engine.setConfig('loadtest:counts', JSON.stringify(options.counts));
    engine.setConfig('loadtest:seed', { secret: seed });
    engine.setConfig('loadtest:endpoint', emulator.url);
    engine.setConfig('loadtest:projectId', PROJECT);
    if (options.expiresIn) engine.setConfig('loadtest:expiresIn', options.expiresIn);
    const names = keyNames(options.counts);

    const emulatorStart = emulator.clock.now();
    const started = Date.now();
    let up: RunResult;
    try {
      up = await engine.up();
    } catch (error) {
      if (!(error instanceof DeploymentFailed)) throw error;
      up = error.result;
    }
    const overallMs = Date.now() - started;
    const upMs = (up as RunResult & { durationMs?: number }).durationMs ?? overallMs;
    const upAccepted = { ...accepted };
    const upThrottled = { ...throttled };
    emulator.quotas.admit = admit;
    if (process.env.BULK_TRACE) for (const a of admitted) console.log(`${((a.at - started) / 1000).toFixed(3)} ${a.key}`);
    const bound = quotaBoundMinimum(upAccepted, options.scale);
    // Where the time went: the first and last request, and the bottleneck's own first and last, from the start of `up`.
    const bottleneckTimes = admitted.filter((a) => !a.key.endsWith('THROTTLED')).filter((a) => {
      const [cloud, operation] = a.key.split(':');
      const group = PUBLISHED_QUOTAS[cloud]?.find((g) => g.name === bound.quota);
      return cloud === bound.cloud && group !== undefined && (group.operations === '*' || group.operations.includes(operation));
    }).map((a) => a.at);
    const rel = (t: number | undefined) => (t === undefined ? NaN : (t - started) / 1000);
    const timeline = {
      firstRequest: rel(admitted[0]?.at), firstBottleneck: rel(bottleneckTimes[0]),
      lastBottleneck: rel(bottleneckTimes[bottleneckTimes.length - 1]), lastRequest: rel(admitted[admitted.length - 1]?.at),
    };

    const run: BulkRun = { emulator, engine, kind, stateFile, seed, names, up, emulatorSpan: { start: emulatorStart, end: emulator.clock.now() }, accepted: upAccepted, throttled: upThrottled, log };
    await inspect?.(run);
    const destroy = await engine.destroy();
    await options.afterDestroy?.(run, destroy);
    return {
      seconds: upMs / 1000,
      overallSeconds: overallMs / 1000,
      minimumSeconds: bound.seconds,
      bottleneck: { cloud: bound.cloud, quota: bound.quota, perSecond: bound.perSecond, requests: bound.requests },
      failedSteps: up.steps.filter((s) => s.failed).length + (up.ok ? 0 : names.length - up.steps.filter((s) => s.op === 'create' && !s.failed).length),
      createSteps: up.steps.filter((s) => s.op === 'create').length,
      throttledReplies: Object.values(upThrottled).reduce((a, b) => a + b, 0),
      throttledBy: upThrottled,
      timeline,
      destroy,
    };
  } finally {
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The 200-key quota run (`npm run bench` calls this): N keys of one cloud in one stack, at the CLI's default parallelism. */
export async function runBulkQuota(options: { cloud?: 'aws' | 'alicloud' | 'huaweicloud' | 'pingan'; keys?: number; scale?: number }): Promise<BulkQuotaResult> {
  const cloud = options.cloud ?? 'aws';
  const keys = options.keys ?? 200;
  const scale = options.scale ?? 1;
  const result = await bulkQuotaRun({ counts: { [cloud]: keys }, scale });
  return { cloud, keys, scale, seconds: result.seconds, minimumSeconds: result.minimumSeconds, failedSteps: result.failedSteps };
}

function argument(name: string, variable: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : process.env[variable];
}

if (require.main === module) {
  const cloud = (argument('cloud', 'BULK_CLOUD') ?? 'aws') as LoadCloud;
  const keys = Number(argument('keys', 'BULK_KEYS') ?? 200);
  const scale = Number(argument('scale', 'BULK_SCALE') ?? 1);
  bulkQuotaRun({ counts: { [cloud]: keys }, scale }).then(
    (r) => {
      console.log(`bulk quota run: ${keys} ${cloud} keys, one stack, the CLI's default parallelism, published quotas × ${scale}`);
      console.log(`  pulumi up: ${r.seconds.toFixed(1)} s (${r.overallSeconds.toFixed(1)} s with the runner's start and the stack export)`);
      console.log(`  quota-bound minimum: ${r.minimumSeconds.toFixed(1)} s — ${r.bottleneck.cloud} "${r.bottleneck.quota}" at ${r.bottleneck.perSecond}/s, ${r.bottleneck.requests} requests`);
      console.log(`  ratio: ${(r.seconds / r.minimumSeconds).toFixed(3)}`);
      // The CLI's own start (program, host) comes before the first request whatever the quotas: the requests' span beside
      // the minimum is what the pacing alone costs.
      const span = r.timeline.lastRequest - r.timeline.firstRequest;
      console.log(`  requests' span: ${span.toFixed(1)} s, ratio ${(span / r.minimumSeconds).toFixed(3)}`);
      console.log(`  failed steps: ${r.failedSteps} of ${r.createSteps} creates; throttled replies: ${r.throttledReplies} ${JSON.stringify(r.throttledBy)}`);
      const t = r.timeline;
      console.log(`  timeline (s from the start of up): first request ${t.firstRequest.toFixed(1)}, bottleneck ${t.firstBottleneck.toFixed(1)} → ${t.lastBottleneck.toFixed(1)}, last request ${t.lastRequest.toFixed(1)}`);
      process.exit(r.failedSteps === 0 ? 0 : 1);
    },
    (error) => {
      console.error(error);
      process.exit(2);
    },
  );
}
