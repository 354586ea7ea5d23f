// `npm run bench:calls`: the cloud API calls each step of an ImportedKey's life costs, as the emulator counts them,
// per cloud and per engine: the real Pulumi CLI (`pulumi up --yes`, which runs a preview pass before the update)
// and the engine-protocol harness (`--skip-preview`). Prints one table per cloud; figures are counts, not times.
// `npm run bench` (bench/run.ts) takes the CLI's counts from measureSteps() into bench/results.json.
//
// Steps (STEPS, in this order, one stack per cloud and engine): create (up); noopUp (up with nothing to do);
// preview; refresh; gitopsCheck (preview --refresh --expect-no-changes); expiryChange (up with a new expiresAt:
// reimport in place); driftHeal (up after the material was deleted out of band, through our own adapter: that call
// is not counted); replace (up with new material: a new key, the old one deleted); destroy; adopt (a second stack
// whose program names, by keyId, a key made out of band, then `up`). The programs are tests/scenarios/<cloud>/program.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine, type ConfigValue } from '../harness';
import { startEmulator, type RunningEmulator } from '../emulator';
import { CliEngine } from '../scripts/pulumi-cli/engine';
import { findPulumiCli } from '../scripts/pulumi-cli/locate';
import { createAdapter, getCloudProfile } from '../provider/clouds';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface CloudSetup {
  cloud: string;
  prefix: string;
  program: string;
  env: Record<string, string>;
  config(endpoint: string, material: string, expiresAt: string, keyId?: string): Record<string, ConfigValue>;
  /** The adapter config the out-of-band calls use (as the program's key has it). */
  place(endpoint: string): { endpoint: string; region?: string; projectId?: string };
}

const ROOT = path.resolve(__dirname, '..');
const HW_PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const namespaced = (ns: string, values: Record<string, string | undefined>, material: string): Record<string, ConfigValue> => ({
  ...Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => [`${ns}:${k}`, v])),
  [`${ns}:keyMaterial`]: { secret: material },
});

export const CLOUDS: CloudSetup[] = [
  {
    cloud: 'aws',
    prefix: 'aws:',
    program: path.join(ROOT, 'tests/scenarios/aws/program'),
    env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' },
    config: (endpoint, material, expiresAt, keyId) => ({ args: JSON.stringify({ endpoint, expiresAt, keyId }), material: { secret: material } }),
    place: (endpoint) => ({ endpoint, region: 'us-east-1' }),
  },
  {
    cloud: 'alicloud',
    prefix: 'alibaba:',
    program: path.join(ROOT, 'tests/scenarios/alicloud/program'),
    env: { ALIBABA_CLOUD_ACCESS_KEY_ID: 'test', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test' },
    config: (endpoint, material, expiresAt, keyId) => namespaced('alitest', { endpoint, expiresAt, keyId }, material),
    place: (endpoint) => ({ endpoint }),
  },
  {
    cloud: 'huaweicloud',
    prefix: 'huawei:',
    program: path.join(ROOT, 'tests/scenarios/huaweicloud/program'),
    env: { HUAWEICLOUD_SDK_AK: 'test', HUAWEICLOUD_SDK_SK: 'test' },
    config: (endpoint, material, expiresAt, keyId) => namespaced('hwtest', { endpoint, projectId: HW_PROJECT, expiresAt, keyId }, material),
    place: (endpoint) => ({ endpoint, projectId: HW_PROJECT }),
  },
  {
    cloud: 'pingan',
    prefix: 'pingan:',
    program: path.join(ROOT, 'tests/scenarios/pingan/program'),
    env: { PINGAN_ACCESS_KEY_ID: 'test', PINGAN_ACCESS_KEY_SECRET: 'test' },
    config: (endpoint, material, expiresAt, keyId) => namespaced('patest', { endpoint, expiresAt, keyId }, material),
    place: (endpoint) => ({ endpoint }),
  },
];

export type AnyEngine = Engine | CliEngine;

/** The step names, as bench/results.json names them (`<cloud>.calls.<step>`). */
export const STEPS = ['create', 'noopUp', 'preview', 'refresh', 'gitopsCheck', 'expiryChange', 'driftHeal', 'replace', 'destroy', 'adopt'] as const;
export type Step = (typeof STEPS)[number];

export interface StepCalls {
  step: Step;
  /** Every API call the emulator counted for this cloud during the step. */
  total: number;
  /** Per operation, as the emulator names them. */
  operations: Record<string, number>;
  /** Wall time of the whole command (ms). */
  ms: number;
}

function countsSince(emulator: RunningEmulator, prefix: string, before: Record<string, number>): Record<string, number> {
  const after = emulator.requestCounts();
  return Object.fromEntries(Object.entries(after)
    .filter(([k, v]) => k.startsWith(prefix) && v !== (before[k] ?? 0))
    .map(([k, v]) => [k.slice(prefix.length), v - (before[k] ?? 0)]));
}

/** Runs `work` with the cloud's variables in process.env (the out-of-band adapter reads its credentials there). */
async function withEnvironment<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

/** An out-of-band call through our own adapter (what a person with the console would do); not counted. */
function outOfBand<T>(setup: CloudSetup, emulator: RunningEmulator, work: (adapter: ReturnType<typeof createAdapter>) => Promise<T>): Promise<T> {
  return withEnvironment(setup.env, async () => {
    const adapter = createAdapter(setup.cloud, setup.place(emulator.url));
    try {
      return await work(adapter);
    } finally {
      adapter.destroy();
    }
  });
}

/** Every step of STEPS for one cloud on one engine; a failed command throws (a count of a failed step means nothing). */
export async function measureSteps(
  kind: 'cli' | 'harness',
  setup: CloudSetup,
  emulator: RunningEmulator,
  /** Called after each step with the engine that ran it (the runner reads the stack's stored state after create). */
  observe?: (step: Step, engine: AnyEngine) => void,
): Promise<StepCalls[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-calls-'));
  const day = 86_400_000;
  const at = (days: number) => new Date(Math.floor((emulator.clock.now() + days * day) / 1000) * 1000).toISOString();
  const makeEngine = (name: string): AnyEngine => {
    const opts = { projectDir: setup.program, stateFile: path.join(dir, `${name}.json`), env: setup.env };
    return kind === 'cli' ? new CliEngine(opts) : new Engine(opts);
  };
  const configure = (engine: AnyEngine, material: string, expiresAt: string, keyId?: string) => {
    for (const [k, v] of Object.entries(setup.config(emulator.url, material, expiresAt, keyId))) engine.setConfig(k, v);
  };
  const rows: StepCalls[] = [];
  const step = async (name: Step, work: () => Promise<{ ok: boolean; error?: string } | unknown>, engine?: AnyEngine) => {
    const before = emulator.requestCounts();
    const started = Date.now();
    const result = (await work()) as { ok?: boolean; error?: string };
    const ms = Date.now() - started;
    if (result && result.ok === false) throw new Error(`${setup.cloud} ${kind} ${name} failed: ${String(result.error ?? '').slice(0, 400)}`);
    const operations = countsSince(emulator, setup.prefix, before);
    rows.push({ step: name, total: Object.values(operations).reduce((n, v) => n + v, 0), operations, ms });
    if (engine) observe?.(name, engine);
  };
  const up = (engine: AnyEngine) => engine.up({ previewFirst: kind === 'cli' });
  try {
    const engine = makeEngine('main');
    const material = randomBytes(32).toString('base64');
    configure(engine, material, at(30));
    await step('create', () => up(engine), engine);
    await step('noopUp', () => up(engine));
    await step('preview', () => engine.preview({}));
    await step('refresh', () => engine.refresh({}));
    await step('gitopsCheck', () => engine.preview({ refresh: true, expectNoChanges: true }));
    configure(engine, material, at(60));
    await step('expiryChange', () => up(engine));
    const keyId = String(engine.state().resources.find((r) => !r.pendingDelete && r.outputs.keyId)?.outputs.keyId);
    await outOfBand(setup, emulator, (adapter) => adapter.deleteMaterial(keyId));
    await step('driftHeal', () => up(engine));
    configure(engine, randomBytes(32).toString('base64'), at(60));
    await step('replace', () => up(engine));
    await step('destroy', () => engine.destroy());

    const adopted = makeEngine('adopted');
    const profile = getCloudProfile(setup.cloud);
    const made = await outOfBand(setup, emulator, (adapter) => adapter.createKey({ keySpec: profile.defaultKeySpec }));
    configure(adopted, randomBytes(32).toString('base64'), at(30), made.keyId);
    await step('adopt', () => up(adopted));
    await adopted.destroy();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const describeCalls = (row: StepCalls | undefined) =>
  row ? `${row.total} (${Object.entries(row.operations).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})` : '—';

async function main(): Promise<void> {
  const cli = findPulumiCli();
  const emulator = await startEmulator({ accessKey: 'test', secretKey: 'test', log: () => undefined });
  try {
    console.log(`API calls per step, counted by the emulator (${cli ? `real CLI ${cli.version}` : 'no Pulumi CLI: harness only; `npm run pulumi-cli` builds one'})\n`);
    for (const setup of CLOUDS) {
      const cliRows = cli ? await measureSteps('cli', setup, emulator) : undefined;
      const harnessRows = await measureSteps('harness', setup, emulator);
      console.log(`${setup.cloud}`);
      console.log(`| step | pulumi CLI (up with its preview pass) | harness (up --skip-preview) |`);
      console.log('| --- | --- | --- |');
      for (const name of STEPS) {
        console.log(`| ${name} | ${describeCalls(cliRows?.find((r) => r.step === name))} | ${describeCalls(harnessRows.find((r) => r.step === name))} |`);
      }
      console.log('');
    }
  } finally {
    await emulator.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
