// `npm run bench:calls`: the cloud API calls each step of an ImportedKey's life costs, as the emulator counts them,
// per cloud and per engine: the real Pulumi CLI (`pulumi up --yes`, which runs a preview pass before the update)
// and the engine-protocol harness (`--skip-preview`). Prints one table per cloud; figures are counts, not times.
//
// Steps: create; an up with nothing to do; a new expiry (reimport in place); preview --refresh --expect-no-changes;
// destroy. The programs are the test programs of tests/scenarios/<cloud>/program.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine, type ConfigValue } from '../harness';
import { startEmulator, type RunningEmulator } from '../emulator';
import { CliEngine } from '../scripts/pulumi-cli/engine';
import { findPulumiCli } from '../scripts/pulumi-cli/locate';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface CloudSetup {
  cloud: string;
  prefix: string;
  program: string;
  env: Record<string, string>;
  config(endpoint: string, material: string, expiresAt: string): Record<string, ConfigValue>;
}

const ROOT = path.resolve(__dirname, '..');
const HW_PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const namespaced = (ns: string, values: Record<string, string>, material: string): Record<string, ConfigValue> => ({
  ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`${ns}:${k}`, v])),
  [`${ns}:keyMaterial`]: { secret: material },
});

const CLOUDS: CloudSetup[] = [
  {
    cloud: 'aws',
    prefix: 'aws:',
    program: path.join(ROOT, 'tests/scenarios/aws/program'),
    env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' },
    config: (endpoint, material, expiresAt) => ({ args: JSON.stringify({ endpoint, expiresAt }), material: { secret: material } }),
  },
  {
    cloud: 'alicloud',
    prefix: 'alibaba:',
    program: path.join(ROOT, 'tests/scenarios/alicloud/program'),
    env: { ALIBABA_CLOUD_ACCESS_KEY_ID: 'test', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test' },
    config: (endpoint, material, expiresAt) => namespaced('alitest', { endpoint, expiresAt }, material),
  },
  {
    cloud: 'huaweicloud',
    prefix: 'huawei:',
    program: path.join(ROOT, 'tests/scenarios/huaweicloud/program'),
    env: { HUAWEICLOUD_SDK_AK: 'test', HUAWEICLOUD_SDK_SK: 'test' },
    config: (endpoint, material, expiresAt) => namespaced('hwtest', { endpoint, projectId: HW_PROJECT, expiresAt }, material),
  },
  {
    cloud: 'pingan',
    prefix: 'pingan:',
    program: path.join(ROOT, 'tests/scenarios/pingan/program'),
    env: { PINGAN_ACCESS_KEY_ID: 'test', PINGAN_ACCESS_KEY_SECRET: 'test' },
    config: (endpoint, material, expiresAt) => namespaced('patest', { endpoint, expiresAt }, material),
  },
];

type AnyEngine = Engine | CliEngine;

function counts(emulator: RunningEmulator, prefix: string, before: Record<string, number>): string {
  const after = emulator.requestCounts();
  const moved = Object.entries(after)
    .filter(([k, v]) => k.startsWith(prefix) && v !== (before[k] ?? 0))
    .map(([k, v]) => [k.slice(prefix.length), v - (before[k] ?? 0)] as const);
  const total = moved.reduce((n, [, v]) => n + v, 0);
  return `${total} (${moved.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`;
}

async function measure(kind: 'cli' | 'harness', setup: CloudSetup, emulator: RunningEmulator): Promise<Array<[string, string]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-calls-'));
  const material = randomBytes(32).toString('base64');
  const day = 86_400_000;
  const at = (days: number) => new Date(Math.floor((emulator.clock.now() + days * day) / 1000) * 1000).toISOString();
  const opts = { projectDir: setup.program, stateFile: path.join(dir, 'state.json'), env: setup.env };
  const engine: AnyEngine = kind === 'cli' ? new CliEngine(opts) : new Engine(opts);
  const configure = (expiresAt: string) => {
    for (const [k, v] of Object.entries(setup.config(emulator.url, material, expiresAt))) engine.setConfig(k, v);
  };
  const rows: Array<[string, string]> = [];
  const step = async (name: string, work: () => Promise<unknown>) => {
    const before = emulator.requestCounts();
    await work();
    rows.push([name, counts(emulator, setup.prefix, before)]);
  };
  try {
    configure(at(30));
    await step('create (up)', () => engine.up({ previewFirst: kind === 'cli' }));
    await step('up, nothing to do', () => engine.up({ previewFirst: kind === 'cli' }));
    configure(at(60));
    await step('new expiresAt (up)', () => engine.up({ previewFirst: kind === 'cli' }));
    await step('preview --refresh --expect-no-changes', () => engine.preview({ refresh: true, expectNoChanges: true }));
    await step('destroy', () => engine.destroy());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

async function main(): Promise<void> {
  const cli = findPulumiCli();
  const emulator = await startEmulator({ accessKey: 'test', secretKey: 'test', log: () => undefined });
  try {
    console.log(`API calls per step, counted by the emulator (${cli ? `real CLI ${cli.version}` : 'no Pulumi CLI: harness only; `npm run pulumi-cli` builds one'})\n`);
    for (const setup of CLOUDS) {
      const cliRows = cli ? await measure('cli', setup, emulator) : undefined;
      const harnessRows = await measure('harness', setup, emulator);
      console.log(`${setup.cloud}`);
      console.log(`| step | pulumi CLI (up with its preview pass) | harness (up --skip-preview) |`);
      console.log('| --- | --- | --- |');
      harnessRows.forEach(([name, calls], i) => console.log(`| ${name} | ${cliRows ? cliRows[i][1] : '—'} | ${calls} |`));
      console.log('');
    }
  } finally {
    await emulator.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
