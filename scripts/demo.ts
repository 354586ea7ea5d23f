// `npm run demo`: ImportedKey's whole life on the local KMS emulator, checked at every step.
// Starts the emulator (own process, state file), then: `up` imports fresh material into a new
// EXTERNAL key (Enabled); the emulator's clock moves past the expiry (PendingImport); `refresh`
// records the drift and `preview --refresh --expect-no-changes` fails on it; `up` with a new
// expiry imports the same material again (Enabled; a ciphertext made before decrypts after);
// `destroy` schedules the key's deletion. Exits 1 when any step does not do what it says.
//
// Engine: the real Pulumi CLI when one is found (`npm run pulumi-cli` builds it; else `pulumi` on PATH), else
// the engine-protocol harness; the first line says which. IMPORTED_KEY_DEMO_ENGINE=cli|harness forces one.
// IMPORTED_KEY_DEMO_MATERIAL_FILE: a file holding the material (base64 of 32 bytes) instead of fresh random bytes.

import { DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chooseDriver, EngineUnavailable } from './demo/choose';
import type { StackDriver, VerbOutcome } from './demo/driver';
import { startEmulatorProcess, type EmulatorProcess } from './demo/emulator-process';

// The SDK's notice about future Node versions would interleave with the demo's steps (and the CLI's output).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const REPO = path.resolve(__dirname, '..');
const RESOURCE = 'demo-key';
const REGION = 'us-east-1';
const ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

class DemoFailure extends Error {}

/** The material's printable forms; nothing the demo prints may contain one. */
let materialForms: string[] = [];
/** Every line the demo printed, as it was before redaction (the last step checks it). */
const printed: string[] = [];

/** The text with any form of the material replaced: a safety net under the check, never relied on. */
function redact(text: string): string {
  return materialForms.reduce((t, form) => t.split(form).join('‹material›'), text);
}
function say(line: string): void {
  printed.push(line);
  console.log(redact(line));
}
function complain(line: string): void {
  printed.push(line);
  console.error(redact(line));
}

function expect(condition: unknown, what: string): asserts condition {
  if (!condition) throw new DemoFailure(what);
  say(`   ✔ ${what}`);
}

async function verb(run: () => Promise<VerbOutcome>): Promise<VerbOutcome> {
  const started = Date.now();
  const outcome = await run();
  for (const line of outcome.summary) say(`     ${line}`);
  if (outcome.error) say(`     → ${outcome.error}`);
  say(`     (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return outcome;
}

let stepNo = 0;
function step(title: string): void {
  say(`\n${++stepNo}. ${title}`);
}

/** ISO 8601 without milliseconds, `hours` from now. */
function hoursFromNow(hours: number): string {
  return new Date(Date.now() + hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The material: base64 of 32 bytes, from IMPORTED_KEY_DEMO_MATERIAL_FILE or fresh. */
function demoMaterial(): string {
  const file = process.env.IMPORTED_KEY_DEMO_MATERIAL_FILE;
  if (!file) return crypto.randomBytes(32).toString('base64');
  const text = fs.readFileSync(file, 'utf8').trim();
  if (Buffer.from(text, 'base64').length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new Error(`IMPORTED_KEY_DEMO_MATERIAL_FILE ${file}: expected the base64 of 32 bytes (e.g. openssl rand -base64 32)`);
  }
  return text;
}

function formsOf(material: string): string[] {
  const bytes = Buffer.from(material, 'base64');
  return [material, bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
}

async function run(driver: StackDriver, emulator: EmulatorProcess, kms: KMSClient, material: string): Promise<void> {
  const describe = async (keyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;

  step('Configure the stack: region, the emulator as endpoint, fresh material (a secret), expiry in one hour');
  driver.setConfig('aws:region', REGION);
  driver.setConfig('endpoint', emulator.url);
  driver.setConfig('keyMaterial', material, true);
  const firstExpiry = hoursFromNow(1);
  driver.setConfig('expiresAt', firstExpiry);
  say(`     endpoint ${emulator.url}, expiresAt ${firstExpiry}; material: 32 ${process.env.IMPORTED_KEY_DEMO_MATERIAL_FILE ? 'given' : 'random'} bytes, never printed`);

  step(`pulumi up${driver.engine === 'cli' ? ' --yes (preview, then update)' : ''}: create an EXTERNAL key and import the material`);
  const up = await verb(() => driver.up());
  expect(up.ok, 'up succeeded');
  const created = driver.resourceOutputs(RESOURCE);
  const keyId = String(created.keyId);
  expect(created.keyState === 'Enabled', `the stack records keyState Enabled for key ${keyId}`);
  const live = await describe(keyId);
  expect(live.KeyState === 'Enabled' && live.Origin === 'EXTERNAL', 'KMS DescribeKey says Enabled, origin EXTERNAL');
  expect(live.ExpirationModel === 'KEY_MATERIAL_EXPIRES', `the material expires (ValidTo ${live.ValidTo?.toISOString()})`);
  const plaintext = Buffer.from('encrypted before the material expired');
  const sealed = (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }))).CiphertextBlob!;
  expect(sealed.length > 0, 'Encrypt works under the imported material');

  step("Move the emulator's clock two hours ahead, past the expiry");
  say(`     emulator now ${await emulator.advanceClock(2 * 3600)}`);
  expect((await describe(keyId)).KeyState === 'PendingImport', 'KMS DescribeKey says PendingImport: the material has expired');

  step('pulumi refresh: the stack sees the drift');
  const refresh = await verb(() => driver.refresh());
  expect(refresh.ok, 'refresh succeeded');
  expect(driver.resourceOutputs(RESOURCE).keyState === 'PendingImport', 'the stack now records keyState PendingImport');

  step('pulumi preview --refresh --expect-no-changes: what a GitOps check runs');
  const check = await verb(() => driver.previewExpectingNoChanges());
  expect(!check.ok, 'the check fails: the key needs its material again');

  step(`Set a new expiry (the old one has passed) and run pulumi up${driver.engine === 'cli' ? ' --yes' : ''}: the same material goes back in`);
  const secondExpiry = hoursFromNow(24 * 30);
  driver.setConfig('expiresAt', secondExpiry);
  const heal = await verb(() => driver.up());
  expect(heal.ok, 'up succeeded');
  const healed = driver.resourceOutputs(RESOURCE);
  expect(healed.keyId === keyId, 'same key, updated in place (no replacement)');
  expect(healed.keyState === 'Enabled', 'the stack records keyState Enabled');
  const relive = await describe(keyId);
  expect(relive.KeyState === 'Enabled', `KMS DescribeKey says Enabled (ValidTo ${relive.ValidTo?.toISOString()})`);
  const opened = (await kms.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: sealed }))).Plaintext!;
  expect(Buffer.from(opened).equals(plaintext), 'Decrypt opens the ciphertext made before expiry: it is the same material');

  step('pulumi destroy: schedule the key for deletion');
  const destroy = await verb(() => driver.destroy());
  expect(destroy.ok, 'destroy succeeded');
  const gone = await describe(keyId);
  expect(gone.KeyState === 'PendingDeletion', `KMS DescribeKey says PendingDeletion (on ${gone.DeletionDate?.toISOString()})`);

  step(`The material never showed up in the stack state, the engine's output, the demo's output, or the emulator log`);
  const places = { 'stack state': driver.storedState(), "engine's output": driver.transcript(), "demo's output": printed.join('\n'), 'emulator log': emulator.log.join('\n') };
  const found = Object.entries(places).filter(([, text]) => materialForms.some((form) => text.includes(form))).map(([where]) => where);
  expect(found.length === 0, `neither its base64 nor its hex appears anywhere${found.length ? ` (found in: ${found.join(', ')})` : ''}`);
}

async function main(): Promise<number> {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imported-key-demo-'));
  // Interrupted, or its output closed (`npm run demo | head`): exit 1; the exit hooks stop the emulator and
  // remove the work folder (whose CLI export holds the material in clear).
  process.once('exit', () => fs.rmSync(work, { recursive: true, force: true }));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(1));
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => process.exit(1));
  let driver: StackDriver | undefined;
  let emulator: EmulatorProcess | undefined;
  try {
    const material = demoMaterial();
    materialForms = formsOf(material);
    const chosen = chooseDriver(REPO, work, ENV);
    driver = chosen.driver;
    say(`ImportedKey demo, driven by ${driver.description}`);
    say(`   engine: ${driver.engine === 'cli' ? 'real Pulumi CLI' : 'harness'} (${chosen.reason})`);
    emulator = await startEmulatorProcess(REPO, path.join(work, 'kms-emulator.json'));
    say(`KMS emulator: ${emulator.url} (state in ${path.join(work, 'kms-emulator.json')})`);
    const kms = new KMSClient({ endpoint: emulator.url, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      await run(driver, emulator, kms, material);
    } finally {
      kms.destroy();
    }
    say(`\nDemo passed in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  } catch (e) {
    const kind = e instanceof DemoFailure ? 'Demo failed: ' : e instanceof EngineUnavailable ? 'No engine: ' : '';
    complain(`\n✘ ${kind}${(e as Error).message}`);
    const log = (driver?.transcript() ?? '').split('\n').filter((l) => /error/i.test(l)).slice(-10);
    if (log.length) complain(`  last errors:\n    ${log.map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l)).join('\n    ')}`);
    return 1;
  } finally {
    await emulator?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
