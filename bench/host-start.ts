// How long a fresh dynamic-provider host takes to answer its first call, and what our part of that costs.
//
// How it is measured (host.firstAnswerMs): the provider is compiled as the package ships it (tsc, like `npm run
// build`, into .tmp/bench-build) and serialized exactly as the SDK serializes it (makeProviderRef through Pulumi's own
// serializeFunction), pointing at that build. Then, per run, the clock starts, the host is spawned as the Pulumi CLI
// spawns it — the `pulumi-resource-pulumi-nodejs` launcher beside the built CLI (it runs `node -e require.resolve(…)`
// and then node on @pulumi/pulumi/cmd/dynamic-provider), else node on that script directly — with an engine address
// and the repo as its cwd; once it prints its port, a gRPC Check carrying that serialized provider is sent (the
// host deserializes the provider, which require()s our module and runs check), and the clock stops when the Check
// answer arrives. The median of BENCH_HOST_RUNS runs (default 5). Alongside: the time until the host listens (all
// Pulumi's: node and @pulumi/pulumi's runtime) and, in a fresh node, the time to require our compiled provider module.

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeProviderRef } from '../sdk/provider-ref';
import { findPulumiCli } from '../scripts/pulumi-cli/locate';

const ROOT = path.resolve(__dirname, '..');
const BUILD = path.join(ROOT, '.tmp', 'bench-build');
const BUILT_PROVIDER = path.join(BUILD, 'provider', 'provider.js');
const RUNS = Number(process.env.BENCH_HOST_RUNS ?? 5);

export interface HostStart {
  /** Spawn → first Check answered (ms, median). */
  firstAnswerMs: number;
  /** Spawn → the host printed its port (ms, median): node plus Pulumi's host, none of ours. */
  listeningMs: number;
  /** First Check answered − host listening (ms, median): ours (deserialize, require, check) plus one gRPC exchange. */
  afterListeningMs: number;
  /** require() of our compiled provider module in a fresh node (ms, median). */
  providerLoadMs: number;
  /** Which host was spawned. */
  host: string;
}

/** Compiles provider/provider.ts and what it imports, as `npm run build` would (same compiler options). */
export function buildProvider(): string {
  execFileSync(process.execPath, [
    require.resolve('typescript/bin/tsc'), '--outDir', BUILD, '--rootDir', ROOT, '--strict', '--target', 'ES2022', '--module', 'commonjs',
    '--moduleResolution', 'node', '--esModuleInterop', '--skipLibCheck', '--resolveJsonModule', '--types', 'node', path.join(ROOT, 'provider', 'provider.ts'),
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return BUILT_PROVIDER;
}

/** The `__provider` text the SDK stores for a provider that loads `moduleRef` (Pulumi's own closure serialization). */
export async function serializedProviderText(moduleRef: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { serializeFunction } = require('@pulumi/pulumi/runtime/closure/serializeClosure');
  const provider = makeProviderRef(moduleRef);
  return (await serializeFunction(() => provider, { allowSecrets: true })).text;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Pulumi's own gRPC stack and generated provider client (the ones the host speaks). */
function grpcStack() {
  const pulumiDir = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
  const from = (id: string) => require(require.resolve(id, { paths: [pulumiDir] }));
  return {
    grpc: from('@grpc/grpc-js'),
    services: require('@pulumi/pulumi/proto/provider_grpc_pb'),
    messages: require('@pulumi/pulumi/proto/provider_pb'),
    struct: from('google-protobuf/google/protobuf/struct_pb'),
  };
}

function hostCommand(): { command: string; args: string[]; name: string } {
  const cli = findPulumiCli();
  const launcher = cli && path.join(cli.binDir, 'pulumi-resource-pulumi-nodejs');
  if (launcher && fs.existsSync(launcher)) return { command: launcher, args: [], name: `pulumi-resource-pulumi-nodejs (${cli!.version})` };
  return { command: process.execPath, args: [require.resolve('@pulumi/pulumi/cmd/dynamic-provider')], name: 'node @pulumi/pulumi/cmd/dynamic-provider' };
}

/** One host: spawn → port printed → Check answered; both times in ms from the spawn. */
async function oneRun(text: string): Promise<{ listening: number; answered: number }> {
  const { grpc, services, messages, struct } = grpcStack();
  const { command, args } = hostCommand();
  const start = performance.now();
  // Its own process group: the launcher is a shell script whose node child would outlive a kill of the shell alone.
  const child = spawn(command, [...args, '127.0.0.1:1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: 'true' } });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => /^\d+$/.test(l.trim()));
        if (line) resolve(line.trim());
      });
      child.stderr!.on('data', (chunk: Buffer) => void (err += chunk.toString()));
      child.on('exit', (code) => reject(new Error(`the host exited (${code}) before listening: ${err.slice(0, 500)}`)));
    });
    const listening = performance.now() - start;
    const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const request = new messages.CheckRequest();
    request.setUrn('urn:pulumi:bench::bench::pulumi-nodejs:dynamic:Resource::first');
    request.setOlds(struct.Struct.fromJavaScript({}));
    request.setNews(struct.Struct.fromJavaScript({ cloud: 'aws', region: 'us-east-1', keyMaterial: randomBytes(32).toString('base64'), __provider: text }));
    const failures: number = await new Promise((resolve, reject) =>
      client.check(request, (error: Error | null, reply: { getFailuresList(): unknown[] }) => (error ? reject(error) : resolve(reply.getFailuresList().length))));
    const answered = performance.now() - start;
    client.close();
    if (failures !== 0) throw new Error(`the first Check answered with ${failures} failures (the provider did not run as in a real step)`);
    return { listening, answered };
  } finally {
    // The whole group: the launcher and the host it started.
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      child.kill(); // the group is gone already
    }
  }
}

/** The whole measurement (see the file's comment); builds the provider first. */
export async function measureHostStart(runs = RUNS): Promise<HostStart> {
  const built = buildProvider();
  const text = await serializedProviderText(`./${path.relative(ROOT, built).split(path.sep).join('/')}`);
  const timings = [];
  for (let i = 0; i < runs; i++) timings.push(await oneRun(text));
  const loads = Array.from({ length: runs }, () => {
    const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(built)}); console.log(Number(process.hrtime.bigint() - t) / 1e6)`;
    return Number(spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }).stdout.trim());
  });
  return {
    firstAnswerMs: median(timings.map((t) => t.answered)),
    listeningMs: median(timings.map((t) => t.listening)),
    afterListeningMs: median(timings.map((t) => t.answered - t.listening)),
    providerLoadMs: median(loads),
    host: hostCommand().name,
  };
}

/** host.firstAnswerMs: spawn of a fresh provider host → its answer to the first Check (ms, median; see above). */
export async function measureHostFirstAnswer(): Promise<number> {
  return (await measureHostStart()).firstAnswerMs;
}

if (require.main === module) {
  // Exits explicitly: Pulumi's closure serializer leaves handles open.
  measureHostStart().then((r) => {
    console.log(JSON.stringify(r, null, 2));
    process.exit(0);
  }, (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
