// The package as users get it: `npm pack` the repo, install the tarball into a fresh Pulumi
// project in a temporary folder (outside the repo, so nothing resolves through the repo's
// node_modules or sources), and run examples/local's program there through the harness against
// the emulator: create, then destroy. examples/aws runs there too, unchanged, pointed at the
// emulator only by the AWS SDK's own endpoint variable (AWS_ENDPOINT_URL_KMS).

import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { DescribeKeyCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { EMULATOR_CREDENTIALS, useEmulator } from '../support/emulator';
import { Engine, PROVIDER_KEY, stripSecrets, transcript } from '../../harness';

const exec = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The versions this repo is tested with, so the fresh project installs the same ones. */
function repoVersion(pkg: string): string {
  return (JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

describe('npm pack → fresh Pulumi project → examples/local through the harness', function () {
  this.timeout(300_000);
  const emulator = useEmulator();
  let dir: string;
  let project: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imported-key-pack-'));
    project = path.join(dir, 'project');
    fs.mkdirSync(project);
    // `prepack` builds dist/ from the sources first.
    const { stdout } = await exec(npm, ['pack', '--json', '--pack-destination', dir], { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
    const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
    const tarball = path.join(dir, filename);
    assert.ok(fs.existsSync(tarball), `npm pack made ${tarball}`);

    // What `pulumi new typescript` lays down, plus the package.
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'byok-project', private: true, main: 'index.ts' }, null, 2));
    fs.writeFileSync(path.join(project, 'Pulumi.yaml'), 'name: byok-project\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n');
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'es2020', module: 'commonjs', moduleResolution: 'node', esModuleInterop: true, skipLibCheck: true }, files: ['index.ts'] }, null, 2),
    );
    fs.copyFileSync(path.join(repo, 'examples', 'local', 'index.ts'), path.join(project, 'index.ts'));
    // examples/aws as a second project below the first, sharing its node_modules.
    fs.mkdirSync(path.join(project, 'aws'));
    for (const f of ['index.ts', 'Pulumi.yaml', 'tsconfig.json']) fs.copyFileSync(path.join(repo, 'examples', 'aws', f), path.join(project, 'aws', f));
    await exec(
      npm,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        tarball,
        `@pulumi/pulumi@${repoVersion('@pulumi/pulumi')}`,
        `typescript@${repoVersion('typescript')}`,
        `@types/node@${repoVersion('@types/node')}`,
      ],
      { cwd: project, maxBuffer: 16 * 1024 * 1024 },
    );
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('installs only what the package ships: dist/, no TypeScript sources', () => {
    const installed = path.join(project, 'node_modules', 'pulumi-imported-key');
    assert.ok(fs.existsSync(path.join(installed, 'dist', 'sdk', 'index.js')));
    assert.ok(fs.existsSync(path.join(installed, 'dist', 'provider', 'provider.js')));
    assert.ok(!fs.existsSync(path.join(installed, 'sdk')), 'the sources are not in the package');
    assert.ok(!fs.realpathSync(installed).startsWith(repo), 'installed as a copy, not a link into the repo');
  });

  it('creates the key and destroys it, running the installed code', async () => {
    const material = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff)).toString('base64');
    const engine = new Engine({
      projectDir: project,
      stateFile: path.join(dir, 'state.json'),
      env: { AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey },
      config: { 'aws:region': 'us-east-1', 'byok-project:endpoint': emulator.url, 'byok-project:keyMaterial': { secret: material } },
    });
    const up = await engine.up();
    assert.deepStrictEqual(up.steps.map((s) => s.op), ['create']);
    const outputs = stripSecrets(up.steps[0].outputs!) as Record<string, string>;
    assert.strictEqual(outputs.keyState, 'Enabled');
    // The serialized provider requires the installed package by name (resolved from the project).
    const provider = outputs[PROVIDER_KEY];
    assert.ok(provider.includes('"pulumi-imported-key/dist/provider/provider"'), 'requires the installed provider module');
    assert.ok(!provider.includes(repo), 'names nothing in the repo');

    const kms = new KMSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS });
    try {
      const live = await kms.send(new DescribeKeyCommand({ KeyId: outputs.keyId }));
      assert.strictEqual(live.KeyMetadata!.KeyState, 'Enabled');
      const down = await engine.destroy();
      assert.deepStrictEqual(down.steps.map((s) => s.op), ['delete']);
      const gone = await kms.send(new DescribeKeyCommand({ KeyId: outputs.keyId }));
      assert.strictEqual(gone.KeyMetadata!.KeyState, 'PendingDeletion');
    } finally {
      kms.destroy();
    }
    assert.deepStrictEqual(engine.state().resources, []);
    for (const text of [transcript(up), fs.readFileSync(path.join(dir, 'state.json'), 'utf8')]) assert.ok(!text.includes(material));
  });

  it('runs examples/aws unchanged: region from config, credentials and endpoint from the AWS environment', async () => {
    await emulator.reset();
    const engine = new Engine({
      projectDir: path.join(project, 'aws'),
      stateFile: path.join(dir, 'aws-state.json'),
      env: {
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_KMS: emulator.url,
      },
      config: { 'aws:region': 'eu-west-1', 'imported-key-aws:keyMaterial': { secret: Buffer.alloc(32, 7).toString('base64') } },
    });
    const up = await engine.up();
    const outputs = stripSecrets(up.outputs) as Record<string, string>;
    assert.strictEqual(outputs.keyState, 'Enabled');
    assert.match(outputs.arn, /^arn:aws:kms:eu-west-1:/);
    const counts = await emulator.requestCounts();
    assert.strictEqual(counts['aws:CreateKey'], 1, 'the key was made on the emulator');
    const kms = new KMSClient({ endpoint: emulator.url, region: 'eu-west-1', credentials: EMULATOR_CREDENTIALS });
    try {
      const aliases = await kms.send(new ListAliasesCommand({ KeyId: outputs.keyId }));
      assert.deepStrictEqual(aliases.Aliases?.map((a) => a.AliasName), ['alias/byok-dev']);
    } finally {
      kms.destroy();
    }
    await engine.destroy();
    assert.deepStrictEqual(engine.state().resources, []);
  });
});
