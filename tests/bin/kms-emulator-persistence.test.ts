// The kms-emulator CLI as a real process: the one ready line, --state persistence across two
// processes (the second sees the keys, aliases, material and moved clock of the first), a state
// file without greppable material, atomic writes, and a clean exit on SIGTERM and SIGINT.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GetParametersForImportCommand,
  ImportKeyMaterialCommand, ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { wrapKeyMaterial } from '../../core/wrapping';
import { control } from '../support/emulator';
import { kmsClient } from '../support/aws-client';

const CLI = join(__dirname, '..', '..', 'bin', 'kms-emulator.ts');

interface CliProcess {
  child: ChildProcess;
  url: string;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `kms-emulator` under ts-node and resolves once it printed its ready line. */
async function startCli(args: string[]): Promise<CliProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, ...args], {
    cwd: join(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${stderr.join('\n')}`)), 30_000);
    lines.on('line', (line) => {
      stdout.push(line);
      const match = /^kms-emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', () => reject(new Error(`exited before ready; stderr: ${stderr.join('\n')}`)));
  });
  return { child, url, stdout, stderr, exited };
}

async function stopCli(cli: CliProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill(signal);
  return cli.exited;
}

describe('emulator CLI: --state persistence across processes, clean shutdown', function () {
  this.timeout(120_000);
  let dir: string;
  const running: CliProcess[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kms-emulator-test-'));
  });
  after(async () => {
    for (const cli of running) await stopCli(cli, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a second process sees the first one’s keys, aliases, tags, material and clock; the state file holds no material', async () => {
    const stateFile = join(dir, 'state.json');
    const material = randomBytes(32);

    const first = await startCli(['--port', '0', '--state', stateFile]);
    running.push(first);
    assert.deepEqual(first.stdout, [`kms-emulator listening on ${first.url}`], 'exactly one ready line');
    const kms1 = kmsClient(first.url);
    const keyId = (await kms1.send(new CreateKeyCommand({ Origin: 'EXTERNAL', Tags: [{ TagKey: 'owner', TagValue: 'ci' }] }))).KeyMetadata!.KeyId!;
    const p = await kms1.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
    const validTo = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 86_400_000);
    await kms1.send(
      new ImportKeyMaterialCommand({
        KeyId: keyId,
        ImportToken: p.ImportToken,
        EncryptedKeyMaterial: wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: Buffer.from(p.PublicKey!), material }),
        ExpirationModel: 'KEY_MATERIAL_EXPIRES',
        ValidTo: validTo,
      }),
    );
    await kms1.send(new CreateAliasCommand({ AliasName: 'alias/persisted', TargetKeyId: keyId }));
    const ciphertext = (await kms1.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('survives a restart') }))).CiphertextBlob!;
    await control(first.url, 'POST', '/_emulator/clock', { advanceSeconds: 3600 }); // less than the token's 24 h
    assert.deepEqual(await stopCli(first), { code: 0, signal: null }, 'SIGTERM closes it cleanly with exit code 0');

    const text = readFileSync(stateFile, 'utf8');
    for (const form of [material.toString('base64'), material.toString('hex'), material.toString('base64url')]) {
      assert.ok(!text.includes(form), 'the material is not in the state file in any common encoding');
    }
    assert.ok(!text.includes(Buffer.from(p.ImportToken!).toString('base64')), 'nor is the import token');
    assert.ok(!/PRIVATE KEY/.test(text), 'nor a wrapping private key');
    assert.ok(text.includes(keyId), 'while the key itself is there');
    assert.deepEqual(readdirSync(dir), ['state.json'], 'no temporary file left behind');

    const second = await startCli(['--state', stateFile]);
    running.push(second);
    const kms2 = kmsClient(second.url);
    const described = (await kms2.send(new DescribeKeyCommand({ KeyId: 'alias/persisted' }))).KeyMetadata!;
    assert.equal(described.KeyId, keyId);
    assert.equal(described.KeyState, 'Enabled');
    assert.equal(described.ValidTo?.getTime(), validTo.getTime());
    assert.deepEqual((await kms2.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags, [{ TagKey: 'owner', TagValue: 'ci' }]);
    const plaintext = (await kms2.send(new DecryptCommand({ CiphertextBlob: ciphertext }))).Plaintext!;
    assert.equal(Buffer.from(plaintext).toString(), 'survives a restart');
    const now = Date.parse(((await control(second.url, 'GET', '/_emulator/clock')) as { now: string }).now);
    assert.ok(Math.abs(now - (Date.now() + 3_600_000)) < 10_000, 'the moved clock was persisted');

    // The import token of the first process still works in the second (same material, in place).
    await kms2.send(
      new ImportKeyMaterialCommand({
        KeyId: keyId,
        ImportToken: p.ImportToken,
        EncryptedKeyMaterial: wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: Buffer.from(p.PublicKey!), material }),
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
    );
    assert.deepEqual(await stopCli(second, 'SIGINT'), { code: 0, signal: null }, 'SIGINT closes it cleanly too');
    // Request log lines went to stderr and carry no material.
    assert.ok(second.stderr.some((line) => /^aws ImportKeyMaterial 200 \d+ms$/.test(line)), second.stderr.join('\n'));
    for (const line of [...first.stderr, ...second.stderr]) assert.ok(!line.includes(material.toString('base64')) && !line.includes(material.toString('hex')));
  });

  it('refuses a state file sealed under another secret key, saying so', async () => {
    const stateFile = join(dir, 'sealed.json');
    const first = await startCli(['--state', stateFile, '--secret-key', 'one-secret']);
    running.push(first);
    await kmsClient(first.url, { secretAccessKey: 'one-secret' }).send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await stopCli(first);
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, '--state', stateFile, '--secret-key', 'another'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 1);
    assert.match(stderr, /cannot be unsealed: was it written with another --secret-key\?/);
  });

  it('checks signatures against --access-key/--secret-key and rejects bad flags', async () => {
    const cli = await startCli(['--access-key', 'AKIDLOCAL', '--secret-key', 's3cret', '--quiet']);
    running.push(cli);
    await kmsClient(cli.url, { accessKeyId: 'AKIDLOCAL', secretAccessKey: 's3cret' }).send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await assert.rejects(kmsClient(cli.url, { maxAttempts: 1 }).send(new CreateKeyCommand({ Origin: 'EXTERNAL' })), (e: Error) => e.name === 'UnrecognizedClientException');
    assert.deepEqual(await stopCli(cli), { code: 0, signal: null });
    assert.deepEqual(cli.stderr.filter((l) => /^aws /.test(l)), [], '--quiet: no request log');

    const bad = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    bad.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    assert.equal(await new Promise<number | null>((resolve) => bad.on('exit', resolve)), 2);
    assert.match(stderr, /--port must be an integer from 0 to 65535/);
  });
});
