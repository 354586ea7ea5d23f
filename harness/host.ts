// The real dynamic-provider host the Pulumi CLI starts for `pulumi-nodejs` resources
// (@pulumi/pulumi/cmd/dynamic-provider, resolved from the program's directory), and a
// promise-based gRPC client for it speaking provider.proto exactly as the engine does.

import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';
import * as grpc from '@grpc/grpc-js';
import * as structproto from 'google-protobuf/google/protobuf/struct_pb';
import * as provrpc from '@pulumi/pulumi/proto/provider_grpc_pb';
import * as provproto from '@pulumi/pulumi/proto/provider_pb';
import * as statusproto from '@pulumi/pulumi/proto/status_pb';
import { track } from './children';
import { PropertyMap } from './properties';

export interface HostOptions {
  programDir: string;
  engineAddress: string;
  /** Environment for the host process (config, project, stack). */
  env: NodeJS.ProcessEnv;
  /** Called with every stdout line after the port, and every stderr line. */
  onOutput(stream: 'stdout' | 'stderr', line: string): void;
}

export interface DiffResult {
  changes: 'none' | 'some' | 'unknown';
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface CheckResult {
  inputs: PropertyMap;
  failures: Array<{ property: string; reason: string }>;
}

/** A create or update that failed after the provider made the resource (pulumirpc.ErrorResourceInitFailed). */
export class InitFailedError extends Error {
  constructor(message: string, readonly id: string, readonly properties: PropertyMap, readonly reasons: string[]) {
    super(message);
    this.name = 'InitFailedError';
  }
}

/** An error the host returned for an RPC: the message the engine would print. */
export class ProviderRpcError extends Error {
  constructor(readonly method: string, message: string) {
    super(message);
    this.name = 'ProviderRpcError';
  }
}

function toStruct(props: PropertyMap): structproto.Struct {
  return structproto.Struct.fromJavaScript(props as Record<string, structproto.JavaScriptValue>);
}

function fromStruct(s: structproto.Struct | undefined): PropertyMap {
  return (s ? s.toJavaScript() : {}) as PropertyMap;
}

/** Decodes the init-failure details the host packs into `grpc-status-details-bin`. */
/** Diff and Update carry the same fields: filled in here once. */
function changeRequest<T extends provproto.DiffRequest | provproto.UpdateRequest>(
  req: T, urn: string, id: string, olds: PropertyMap, news: PropertyMap, oldInputs: PropertyMap, ignoreChanges: string[],
): T {
  req.setUrn(urn);
  req.setId(id);
  req.setOlds(toStruct(olds));
  req.setNews(toStruct(news));
  req.setOldInputs(toStruct(oldInputs));
  req.setIgnorechangesList(ignoreChanges);
  return req;
}

function initFailureOf(err: grpc.ServiceError): InitFailedError | undefined {
  const bin = err.metadata?.get('grpc-status-details-bin')[0];
  if (!bin) return undefined;
  const status = statusproto.Status.deserializeBinary(new Uint8Array(bin as Buffer));
  for (const any of status.getDetailsList()) {
    if (any.getTypeName() !== 'pulumirpc.ErrorResourceInitFailed') continue;
    const detail = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    return new InitFailedError(err.details || status.getMessage(), detail.getId(), fromStruct(detail.getProperties()), detail.getReasonsList());
  }
  return undefined;
}

export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: provrpc.ResourceProviderClient,
    readonly port: number,
  ) {}

  static async start(opts: HostOptions): Promise<ProviderHost> {
    // The CLI runs the host from the program's own @pulumi/pulumi (cwd = program directory).
    const pulumiDir = path.dirname(require.resolve('@pulumi/pulumi/package.json', { paths: [opts.programDir] }));
    const entry = path.join(pulumiDir, 'cmd', 'dynamic-provider', 'index.js');
    const child = track(spawn(process.execPath, [entry, opts.engineAddress], {
      cwd: opts.programDir,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    readline.createInterface({ input: child.stderr! }).on('line', (l) => opts.onOutput('stderr', l));
    const port = await new Promise<number>((resolve, reject) => {
      let first = true;
      const rl = readline.createInterface({ input: child.stdout! });
      rl.on('line', (line) => {
        if (first) {
          first = false;
          const p = Number(line.trim());
          if (Number.isInteger(p) && p > 0) resolve(p);
          else reject(new Error(`dynamic-provider host printed ${JSON.stringify(line)} instead of its port`));
        } else opts.onOutput('stdout', line);
      });
      child.once('exit', (code, signal) => reject(new Error(`dynamic-provider host exited (${code ?? signal}) before printing its port`)));
      child.once('error', reject);
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, port);
  }

  private call<Req, Res>(method: string, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      const fn = (this.client as unknown as Record<string, Function>)[method].bind(this.client);
      fn(req, (err: grpc.ServiceError | null, res: Res) => {
        if (!err) return resolve(res);
        reject(initFailureOf(err) ?? new ProviderRpcError(method, err.details || err.message));
      });
    });
  }

  /** Dynamic providers get the whole stack config, namespaces kept (pulumi/pulumi#17229). */
  async configure(config: Record<string, string>): Promise<void> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(toStruct(config));
    for (const [k, v] of Object.entries(config)) req.getVariablesMap().set(k, v);
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    req.setSendsOldInputs(true);
    req.setSendsOldInputsToDelete(true);
    const res = await this.call<provproto.ConfigureRequest, provproto.ConfigureResponse>('configure', req);
    if (res.getAcceptsecrets()) throw new Error('the dynamic-provider host unexpectedly accepts secrets: the harness strips them');
  }

  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const res = await this.call<provproto.CheckRequest, provproto.CheckResponse>('check', req);
    return {
      inputs: fromStruct(res.getInputs()),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: PropertyMap, news: PropertyMap, oldInputs: PropertyMap, ignoreChanges: string[]): Promise<DiffResult> {
    const req = changeRequest(new provproto.DiffRequest(), urn, id, olds, news, oldInputs, ignoreChanges);
    const res = await this.call<provproto.DiffRequest, provproto.DiffResponse>('diff', req);
    const C = provproto.DiffResponse.DiffChanges;
    const changes = res.getChanges() === C.DIFF_SOME ? 'some' : res.getChanges() === C.DIFF_NONE ? 'none' : 'unknown';
    return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
  }

  async create(urn: string, properties: PropertyMap, preview = false): Promise<{ id: string; properties: PropertyMap }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(properties));
    req.setPreview(preview);
    const res = await this.call<provproto.CreateRequest, provproto.CreateResponse>('create', req);
    return { id: res.getId(), properties: fromStruct(res.getProperties()) };
  }

  async read(urn: string, id: string, properties: PropertyMap, inputs: PropertyMap): Promise<{ id: string; properties: PropertyMap; inputs?: PropertyMap }> {
    const req = new provproto.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(properties));
    req.setInputs(toStruct(inputs));
    const res = await this.call<provproto.ReadRequest, provproto.ReadResponse>('read', req);
    return { id: res.getId(), properties: fromStruct(res.getProperties()), inputs: res.getInputs() ? fromStruct(res.getInputs()) : undefined };
  }

  async update(urn: string, id: string, olds: PropertyMap, news: PropertyMap, oldInputs: PropertyMap, ignoreChanges: string[]): Promise<PropertyMap> {
    const req = changeRequest(new provproto.UpdateRequest(), urn, id, olds, news, oldInputs, ignoreChanges);
    const res = await this.call<provproto.UpdateRequest, provproto.UpdateResponse>('update', req);
    return fromStruct(res.getProperties());
  }

  async delete(urn: string, id: string, properties: PropertyMap, oldInputs: PropertyMap): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(properties));
    req.setOldInputs(toStruct(oldInputs));
    await this.call('delete', req);
  }

  /** Stops the host and waits for it to exit. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
