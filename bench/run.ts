// `npm run bench`: every benchmark of the project in one run, written to bench/results.json as one flat object of
// stable dotted names → numbers, and a Markdown table of API calls per step beside Terraform's.
//
//   <cloud>.calls.<step>        API calls the emulator counted for each step (bench/api-calls.ts), through the real
//                               Pulumi CLI (an `up` includes its preview pass); the harness when no CLI is built.
//   latency.createOverRtt       a create step's wall time (provider check + create, in process, against the emulator)
//   latency.refreshOverRtt      and a refresh step's (provider read) divided by one emulator round trip (an AWS
//                               DescribeKey of an existing key through the same shared client, taken in turn with
//                               the refreshes), medians, all measured in this run.
//   bulk.quota.*                bench/bulk-quota.ts's 200-key run under the published quotas scaled by
//                               BENCH_QUOTA_SCALE (BENCH_BULK_KEYS keys); BENCH_SKIP_BULK=1 leaves it out.
//   provider.serializedBytes    the `__provider` text of an installed package (Pulumi's own serialization).
//   state.bytesPerKey           one ImportedKey's entry in the real stack state file after `pulumi up`, compact JSON.
//   host.*                      bench/host-start.ts: a fresh provider host's first answer (firstAnswerMs) and parts.
//   wrap.<algorithm>.perSecond  bench/wrapping.ts: node:crypto wraps per second under the default wrapping key spec.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { startEmulator, type RunningEmulator } from '../emulator';
import { CliEngine } from '../scripts/pulumi-cli/engine';
import { findPulumiCli } from '../scripts/pulumi-cli/locate';
import { PACKAGE_PROVIDER_MODULE } from '../sdk/provider-ref';
import { CLOUDS, measureSteps, STEPS, type AnyEngine, type StepCalls } from './api-calls';
import { runBulkQuota } from './bulk-quota';
import { measureHostStart, serializedProviderText } from './host-start';
import { TERRAFORM_CALLS, TERRAFORM_SOURCE } from './terraform';
import { wrapsPerSecond } from './wrapping';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const RESULTS = path.join(__dirname, 'results.json');
const DYNAMIC_TYPE = 'pulumi-nodejs:dynamic:Resource';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

type Results = Record<string, number>;

/** The ImportedKey entries anywhere in a state document (the CLI's checkpoint or the harness's file). */
function keyEntries(document: unknown): object[] {
  const found: object[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      if ((value as { type?: unknown }).type === DYNAMIC_TYPE) found.push(value);
      else Object.values(value).forEach(walk);
    }
  };
  walk(document);
  return found;
}

/** The stack's state file as the engine stored it: the CLI's file backend checkpoint, else the harness's file. */
function storedStateFile(engine: AnyEngine): string | undefined {
  if (engine instanceof CliEngine) return engine.storedFiles().find((f) => /[\\/]\.pulumi[\\/]stacks[\\/].*\.json$/.test(f));
  return (engine as unknown as { opts: { stateFile: string } }).opts.stateFile;
}

async function callsPerStep(emulator: RunningEmulator, results: Results): Promise<Map<string, StepCalls[]>> {
  const kind = findPulumiCli() ? 'cli' : 'harness';
  const byCloud = new Map<string, StepCalls[]>();
  for (const setup of CLOUDS) {
    const rows = await measureSteps(kind, setup, emulator, (step, engine) => {
      if (step !== 'create' || setup.cloud !== 'aws') return;
      const file = storedStateFile(engine);
      const entries = file ? keyEntries(JSON.parse(fs.readFileSync(file, 'utf8'))) : [];
      if (entries.length > 0) results['state.bytesPerKey'] = Math.round(entries.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0) / entries.length);
    });
    for (const row of rows) results[`${setup.cloud}.calls.${row.step}`] = row.total;
    byCloud.set(setup.cloud, rows);
  }
  return byCloud;
}

/** Median wall time of provider steps in this process against the emulator, over one DescribeKey round trip. */
async function latency(emulator: RunningEmulator, results: Results): Promise<void> {
  // The steps' own work, not their wait for a quota turn: the published GetParametersForImport rate (0.25/s) would
  // hold each create after the first about 4 s in the pacer. Quotas are what bulk.quota measures; here they are
  // lifted as far as IMPORTED_KEY_QUOTA_SCALE goes (the emulator enforces none in this part).
  const env: Record<string, string> = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', IMPORTED_KEY_QUOTA_SCALE: '100000' };
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    await timeSteps(emulator, results);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** What latency() measures, in the environment it sets. */
async function timeSteps(emulator: RunningEmulator, results: Results): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const provider = require('../provider/provider') as typeof import('../provider/provider');
  const { DescribeKeyCommand } = await import('@aws-sdk/client-kms');
  const { createAdapter } = await import('../provider/clouds');
  const adapter = createAdapter('aws', { region: 'us-east-1', endpoint: emulator.url });
  const client = (adapter as unknown as { client: { send(c: unknown): Promise<unknown> } }).client;
  const creates: number[] = [];
  const keys: Array<{ id: string; outs: Record<string, unknown> }> = [];
  for (let i = 0; i < 7; i++) {
    const news = { cloud: 'aws', region: 'us-east-1', endpoint: emulator.url, keyMaterial: randomBytes(32).toString('base64') };
    const started = performance.now();
    const checked = await provider.check({}, news);
    const created = await provider.create(checked.inputs);
    creates.push(performance.now() - started);
    keys.push({ id: created.id, outs: created.outs ?? {} });
  }
  // The round trip is the call a refresh makes (DescribeKey of an existing key, through the same shared client),
  // taken in turn with the refreshes so that both see the same load on the machine.
  const rtts: number[] = [];
  const reads: number[] = [];
  for (let i = 0; i < 21; i++) {
    const { id, outs } = keys[i % keys.length];
    let started = performance.now();
    await client.send(new DescribeKeyCommand({ KeyId: id }));
    rtts.push(performance.now() - started);
    started = performance.now();
    await provider.read(id, outs);
    reads.push(performance.now() - started);
  }
  adapter.destroy();
  const rtt = median(rtts);
  results['latency.rttMs'] = round(rtt, 2);
  results['latency.createOverRtt'] = round(median(creates) / rtt, 1);
  results['latency.refreshOverRtt'] = round(median(reads) / rtt, 1);
}

async function bulk(results: Results): Promise<void> {
  if (process.env.BENCH_SKIP_BULK === '1') return;
  const run = await runBulkQuota({ cloud: 'aws', keys: Number(process.env.BENCH_BULK_KEYS ?? 200), scale: Number(process.env.BENCH_QUOTA_SCALE ?? 10) });
  results['bulk.quota.seconds'] = round(run.seconds, 1);
  results['bulk.quota.minimumSeconds'] = round(run.minimumSeconds, 1);
  results['bulk.quota.failedSteps'] = run.failedSteps;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function table(byCloud: Map<string, StepCalls[]>): string {
  const clouds = [...byCloud.keys()];
  const lines = [
    `| step | ${clouds.join(' | ')} | Terraform aws_kms_external_key¹ |`,
    `| --- | ${clouds.map(() => '---:').join(' | ')} | ---: |`,
    ...STEPS.map((step) => `| ${step} | ${clouds.map((c) => byCloud.get(c)!.find((r) => r.step === step)?.total ?? '—').join(' | ')} | ${TERRAFORM_CALLS[step]} |`),
    '',
    `¹ Least KMS calls, counted by reading ${TERRAFORM_SOURCE}; its create and expiry change also wait at least 8 s (waitKeyValidToPropagated). Ours: counted by the emulator, one \`pulumi\` command per step (an \`up\` includes its preview pass).`,
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const results: Results = {};
  const emulator = await startEmulator({ accessKey: 'test', secretKey: 'test', log: () => undefined });
  let byCloud: Map<string, StepCalls[]>;
  try {
    byCloud = await callsPerStep(emulator, results);
    await latency(emulator, results);
  } finally {
    await emulator.close();
  }
  await bulk(results);
  results['provider.serializedBytes'] = Buffer.byteLength(await serializedProviderText(PACKAGE_PROVIDER_MODULE));
  const host = await measureHostStart();
  results['host.firstAnswerMs'] = round(host.firstAnswerMs, 0);
  results['host.listeningMs'] = round(host.listeningMs, 0);
  results['host.afterListeningMs'] = round(host.afterListeningMs, 0);
  results['host.providerLoadMs'] = round(host.providerLoadMs, 1);
  for (const [algorithm, perSecond] of Object.entries(wrapsPerSecond())) results[`wrap.${algorithm}.perSecond`] = perSecond;

  const sorted = Object.fromEntries(Object.entries(results).sort(([a], [b]) => (a < b ? -1 : 1)));
  fs.writeFileSync(RESULTS, `${JSON.stringify(sorted, null, 2)}\n`);
  const cli = findPulumiCli();
  console.log(`API calls per step (${cli ? `Pulumi CLI ${cli.version}` : 'harness: no Pulumi CLI built'}; ${new Date().toISOString().slice(0, 10)}, node ${process.version})\n`);
  console.log(table(byCloud));
  console.log(`\n${Object.keys(sorted).length} figures written to ${path.relative(process.cwd(), RESULTS)}:`);
  for (const [name, value] of Object.entries(sorted)) if (!/\.calls\./.test(name)) console.log(`  ${name} = ${value}`);
}

// Exits explicitly: Pulumi's closure serializer and SDK agents leave handles open.
main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
