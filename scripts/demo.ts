// `npm run demo`: ImportedKey's whole life on the local KMS emulator, checked at every step.
// Starts the emulator (own process, state file), then: `up` imports fresh material into a new
// EXTERNAL key (Enabled); the emulator's clock moves past the expiry (PendingImport); `refresh`
// records the drift and `preview --refresh --expect-no-changes` fails on it; `up` with a new
// expiry imports the same material again (Enabled; a ciphertext made before decrypts after);
// `destroy` schedules the key's deletion. Uses the `pulumi` CLI when installed, else the
// engine-protocol harness, and says which. Exits 1 when any step does not do what it says.

import { DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { StackDriver, VerbOutcome } from './demo/driver';
import { startEmulatorProcess, type EmulatorProcess } from './demo/emulator-process';
import { HarnessDriver } from './demo/harness';
import { PulumiCliDriver, pulumiCliVersion } from './demo/pulumi-cli';

// The SDK's notice about future Node versions would interleave with the demo's steps.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const REPO = path.resolve(__dirname, '..');
const RESOURCE = 'demo-key';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
const REGION = 'us-east-1';

class DemoFailure extends Error {}

function expect(condition: unknown, what: string): asserts condition {
  if (!condition) throw new DemoFailure(what);
  console.log(`   ✔ ${what}`);
}

function show(outcome: VerbOutcome): void {
  for (const line of outcome.summary) console.log(`     ${line}`);
  if (outcome.error) console.log(`     → ${outcome.error}`);
}

let stepNo = 0;
function step(title: string): void {
  console.log(`\n${++stepNo}. ${title}`);
}

/** ISO 8601 without milliseconds, `hours` from now. */
function hoursFromNow(hours: number): string {
  return new Date(Date.now() + hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function run(driver: StackDriver, emulator: EmulatorProcess, kms: KMSClient, material: string): Promise<void> {
  const describe = async (keyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;

  step('Configure the stack: region, the emulator as endpoint, fresh material (a secret), expiry in one hour');
  await driver.init();
  await driver.setConfig('aws:region', REGION);
  await driver.setConfig('endpoint', emulator.url);
  await driver.setConfig('keyMaterial', material, true);
  const firstExpiry = hoursFromNow(1);
  await driver.setConfig('expiresAt', firstExpiry);
  console.log(`     endpoint ${emulator.url}, expiresAt ${firstExpiry}; material: 32 random bytes, never printed`);

  step('pulumi up: create an EXTERNAL key and import the material');
  const up = await driver.up();
  show(up);
  expect(up.ok, 'up succeeded');
  const created = await driver.resourceOutputs(RESOURCE);
  const keyId = String(created.keyId);
  expect(created.keyState === 'Enabled', `the stack records keyState Enabled for key ${keyId}`);
  const live = await describe(keyId);
  expect(live.KeyState === 'Enabled' && live.Origin === 'EXTERNAL', 'KMS DescribeKey says Enabled, origin EXTERNAL');
  expect(live.ExpirationModel === 'KEY_MATERIAL_EXPIRES', `the material expires (ValidTo ${live.ValidTo?.toISOString()})`);
  const plaintext = Buffer.from('encrypted before the material expired');
  const sealed = (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }))).CiphertextBlob!;
  expect(sealed.length > 0, 'Encrypt works under the imported material');

  step("Move the emulator's clock two hours ahead, past the expiry");
  console.log(`     emulator now ${await emulator.advanceClock(2 * 3600)}`);
  expect((await describe(keyId)).KeyState === 'PendingImport', 'KMS DescribeKey says PendingImport: the material has expired');

  step('pulumi refresh: the stack sees the drift');
  const refresh = await driver.refresh();
  show(refresh);
  expect(refresh.ok, 'refresh succeeded');
  expect((await driver.resourceOutputs(RESOURCE)).keyState === 'PendingImport', 'the stack now records keyState PendingImport');

  step('pulumi preview --refresh --expect-no-changes: what a GitOps check runs');
  const check = await driver.previewExpectingNoChanges();
  show(check);
  expect(!check.ok, 'the check fails: the key needs its material again');

  step('Set a new expiry (the old one has passed) and run pulumi up: the same material goes back in');
  const secondExpiry = hoursFromNow(24 * 30);
  await driver.setConfig('expiresAt', secondExpiry);
  const heal = await driver.up();
  show(heal);
  expect(heal.ok, 'up succeeded');
  const healed = await driver.resourceOutputs(RESOURCE);
  expect(healed.keyId === keyId, 'same key, updated in place (no replacement)');
  expect(healed.keyState === 'Enabled', 'the stack records keyState Enabled');
  const relive = await describe(keyId);
  expect(relive.KeyState === 'Enabled', `KMS DescribeKey says Enabled (ValidTo ${relive.ValidTo?.toISOString()})`);
  const opened = (await kms.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: sealed }))).Plaintext!;
  expect(Buffer.from(opened).equals(plaintext), 'Decrypt opens the ciphertext made before expiry: it is the same material');

  step('pulumi destroy: schedule the key for deletion');
  const destroy = await driver.destroy();
  show(destroy);
  expect(destroy.ok, 'destroy succeeded');
  const gone = await describe(keyId);
  expect(gone.KeyState === 'PendingDeletion', `KMS DescribeKey says PendingDeletion (on ${gone.DeletionDate?.toISOString()})`);

  step('The material never showed up in the stack state, any output, or the emulator log');
  const hex = Buffer.from(material, 'base64').toString('hex');
  const everything = [await driver.storedState(), driver.transcript(), emulator.log.join('\n')].join('\n');
  expect(!everything.includes(material) && !everything.includes(hex), 'neither its base64 nor its hex appears anywhere');
}

async function main(): Promise<number> {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imported-key-demo-'));
  const version = pulumiCliVersion();
  const driver: StackDriver = version ? new PulumiCliDriver(REPO, work, CREDENTIALS, version) : new HarnessDriver(REPO, work, CREDENTIALS);
  console.log(`ImportedKey demo, driven by ${driver.description}`);
  let emulator: EmulatorProcess | undefined;
  try {
    emulator = await startEmulatorProcess(REPO, path.join(work, 'kms-emulator.json'));
    console.log(`KMS emulator: ${emulator.url} (state in ${path.join(work, 'kms-emulator.json')})`);
    const kms = new KMSClient({ endpoint: emulator.url, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const material = crypto.randomBytes(32).toString('base64');
    try {
      await run(driver, emulator, kms, material);
    } finally {
      kms.destroy();
    }
    console.log(`\nDemo passed in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  } catch (e) {
    console.error(`\n✘ ${e instanceof DemoFailure ? 'Demo failed: ' : ''}${(e as Error).message}`);
    const log = driver.transcript().split('\n').filter((l) => /error/i.test(l)).slice(-10);
    if (log.length) console.error(`  last errors:\n    ${log.join('\n    ')}`);
    return 1;
  } finally {
    await driver.dispose().catch(() => undefined);
    await emulator?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
