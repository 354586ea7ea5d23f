// Child process: runs a Pulumi program under `pulumi.runtime.setMocks` with the program's own
// @pulumi/pulumi, so the real `dynamic.Resource` serializes the real provider; every resource
// registration is forwarded, as the SDK serialized it (secrets and unknowns marked), to the
// harness engine over the IPC channel, and the engine's answer goes back to the program.
// Started by program.ts; not meant to be run by hand.

import * as path from 'path';

interface Answer {
  seq: number;
  error?: string;
  urn?: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

const programDir = process.cwd();
const main = process.env.HARNESS_PROGRAM_MAIN!;
const project = process.env.PULUMI_NODEJS_PROJECT!;
const stack = process.env.PULUMI_NODEJS_STACK!;
const preview = process.env.PULUMI_NODEJS_DRY_RUN === 'true';

const fromProgram = (id: string) => require(require.resolve(id, { paths: [programDir] }));
const pulumi = fromProgram('@pulumi/pulumi');
const settings = fromProgram('@pulumi/pulumi/runtime/settings');
const rpc = fromProgram('@pulumi/pulumi/runtime/rpc');
const resproto = fromProgram('@pulumi/pulumi/proto/resource_pb');
const structproto = require(require.resolve('google-protobuf/google/protobuf/struct_pb', { paths: [path.dirname(require.resolve('@pulumi/pulumi/package.json', { paths: [programDir] }))] }));

let seq = 0;
const pending = new Map<number, (a: Answer) => void>();
process.on('message', (m: Answer) => {
  const resolve = pending.get(m.seq);
  pending.delete(m.seq);
  resolve?.(m);
});

function ask(kind: string, body: Record<string, unknown>): Promise<Answer> {
  const n = ++seq;
  return new Promise((resolve) => {
    pending.set(n, resolve);
    process.send!({ kind, seq: n, ...body });
  });
}

function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.send!({ kind: 'failed', message }, () => process.exit(1));
  // Exit even if the parent has gone.
  setTimeout(() => process.exit(1), 2000).unref();
  throw err;
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

async function run(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      // Unused: registrations are forwarded raw below (the mock API would drop secret marks).
      newResource: () => ({ id: undefined, state: {} }),
      call: () => ({}),
    },
    project,
    stack,
    preview,
  );
  const monitor = settings.getMonitor();

  monitor.registerResource = async (req: any, callback: (err: unknown, res?: unknown) => void) => {
    const a = await ask('register', {
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      custom: req.getCustom(),
      inputs: req.getObject()?.toJavaScript() ?? {},
      deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
      protect: req.getProtect() || undefined,
      retainOnDelete: req.getRetainondelete() || undefined,
      ignoreChanges: req.getIgnorechangesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      importId: req.getImportid(),
      provider: req.getProvider(),
    });
    if (a.error !== undefined) return callback(new Error(a.error));
    const res = new resproto.RegisterResourceResponse();
    res.setUrn(a.urn);
    res.setId(a.id ?? '');
    res.setObject(structproto.Struct.fromJavaScript(a.outputs ?? {}));
    callback(null, res);
  };

  monitor.readResource = async (req: any, callback: (err: unknown, res?: unknown) => void) => {
    const a = await ask('read', {
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      id: req.getId(),
      inputs: req.getProperties()?.toJavaScript() ?? {},
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    });
    if (a.error !== undefined) return callback(new Error(a.error));
    const res = new resproto.ReadResourceResponse();
    res.setUrn(a.urn);
    res.setProperties(structproto.Struct.fromJavaScript(a.outputs ?? {}));
    callback(null, res);
  };

  let exported = require(path.resolve(programDir, main));
  if (exported && typeof exported.default === 'function' && exported.__esModule) exported = exported.default;
  if (typeof exported === 'function') exported = await exported();
  const exports = await rpc.serializeProperties('exports', exported ?? {});
  await settings.waitForRPCs();
  process.send!({ kind: 'done', exports }, () => process.exit(0));
}

run().catch(fail);
