// A rolling expiry (expiresIn / renewBefore) end to end: the ImportedKey program → the real dynamic-provider
// host (engine harness) → the AWS SDK → the emulator, whose clock is moved to make time pass. The provider
// measures the period on the cloud's clock (the Date of its replies), so every expected time here is the
// emulator's, and the emulator clock is set apart from real time first to tell the two clocks apart.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { type RunResult } from '../../../harness';
import { forEachEngine, type StackEngine } from '../../support/engines';
import { EMULATOR_CREDENTIALS } from '../../support/emulator';
import { changeOps, failedRun } from '../../support/scenario';
import { useAwsKeyScenario } from './key-scenario';
import { useAwsEnvironment } from '../../support/aws-environment';

const DAY_S = 86_400;
const DAY = DAY_S * 1000;

forEachEngine((kind) => describe(`ImportedKey on AWS with a rolling expiry (expiresIn) (${kind})`, function () {
  this.timeout(180_000);
  const scene = useAwsKeyScenario('imported-key-expiry-', kind);
  const { emu, engine, calls } = scene;
  useAwsEnvironment();
  let kms: KMSClient;

  beforeEach(async () => {
    kms = new KMSClient({ endpoint: emu.url, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS });
    // 3 days ahead of the machine: a provider on the machine's clock would be 3 days off in every check below.
    await emu.setClock(new Date(Date.now() + 3 * DAY).toISOString());
  });
  afterEach(async () => {
    await emu.setClock(new Date().toISOString());
    kms.destroy();
  });

  const output = (e: StackEngine, name: string) => e.resource('key')!.outputs[name] as string;
  const emulatorNow = () => emu.running.clock.now();
  /** validTo is `days` after the emulator's now, to the few seconds a run takes. */
  function assertValidIn(validTo: string, days: number, at: number): void {
    const off = Date.parse(validTo) - (at + days * DAY);
    assert.ok(Math.abs(off) < 30_000, `validTo ${validTo} is ${off} ms from emulator-now + ${days} days`);
  }

  it('imports with validTo = emulator-now + 30 days; inside renewBefore nothing changes; past it preview --refresh fails and up renews the same material; past expiry a plain up heals', async () => {
    const material = randomBytes(32).toString('base64');
    const e = engine({ expiresIn: 'P30D' }, material);

    const createdAt = emulatorNow();
    const created = await e.up();
    assert.deepEqual(changeOps(created), ['create']);
    const keyId = output(e, 'keyId');
    assertValidIn(output(e, 'validTo'), 30, createdAt);
    assert.equal(output(e, 'expirationModel'), 'KEY_MATERIAL_EXPIRES');
    const sealed = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('made before any renewal') }));

    // 10 days later: 20 days left, more than the default renewBefore (15 days) → nothing to do, one DescribeKey.
    await emu.advanceClock(10 * DAY_S);
    let quiet: RunResult | undefined;
    assert.deepEqual(await calls(async () => (quiet = await e.up())), { DescribeKey: 1 });
    assert.deepEqual(changeOps(quiet!), ['same']);
    assert.ok((await e.preview({ refresh: true, expectNoChanges: true })).ok);

    // 16 days after the import: 14 days left, closer than renewBefore → drift for the pipeline, renewal by up.
    await emu.advanceClock(6 * DAY_S);
    const drift = await failedRun(e.preview({ refresh: true, expectNoChanges: true }));
    assert.match(drift.error ?? '', /no changes were expected/);
    const renewedAt = emulatorNow();
    let renewal: RunResult | undefined;
    const renewCalls = await calls(async () => (renewal = await e.up()));
    assert.deepEqual(changeOps(renewal!), ['update']);
    assert.equal(renewCalls.ImportKeyMaterial, 1);
    assert.equal(renewCalls.CreateKey, undefined);
    assert.equal(output(e, 'keyId'), keyId);
    assertValidIn(output(e, 'validTo'), 30, renewedAt);
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
    assert.equal(Buffer.from(opened.Plaintext!).toString(), 'made before any renewal', 'the same material was imported again');
    assert.deepEqual(changeOps(await e.up()), ['same'], 'a renewed key is quiet again');

    // Past the renewed expiry with no run in between: the key is PendingImport, and a plain up (no --refresh) heals it.
    await emu.advanceClock(31 * DAY_S);
    const healedAt = emulatorNow();
    const healed = await e.up();
    assert.deepEqual(changeOps(healed), ['update']);
    assert.equal(output(e, 'keyState'), 'Enabled');
    assertValidIn(output(e, 'validTo'), 30, healedAt);
    const again = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
    assert.equal(Buffer.from(again.Plaintext!).toString(), 'made before any renewal');

    for (const text of [scene.storedText(), JSON.stringify([created, quiet, renewal, healed]), scene.log.join('\n')]) {
      assert.ok(!text.includes(material) && !text.includes(Buffer.from(material, 'base64').toString('hex')), 'key material leaked');
    }
  });

  it('renewBefore sets the window; changing expiresIn is an in-place reimport; switching to a date and to never too', async () => {
    const material = randomBytes(32).toString('base64');
    const e = engine({ expiresIn: 'P30D', renewBefore: 'P5D' }, material);
    await e.up();
    const keyId = output(e, 'keyId');

    await emu.advanceClock(20 * DAY_S); // 10 days left > 5 days
    assert.deepEqual(changeOps(await e.up()), ['same']);

    e.setConfig('args', JSON.stringify({ endpoint: emu.url, expiresIn: 'P60D', renewBefore: 'P5D' }));
    const longerAt = emulatorNow();
    const longer = await e.up();
    assert.deepEqual(changeOps(longer), ['update']);
    assertValidIn(output(e, 'validTo'), 60, longerAt);

    const date = new Date(Date.now() + 100 * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
    e.setConfig('args', JSON.stringify({ endpoint: emu.url, expiresAt: date }));
    assert.deepEqual(changeOps(await e.up()), ['update']);
    assert.equal(Date.parse(output(e, 'validTo')), Date.parse(date));

    e.setConfig('args', JSON.stringify({ endpoint: emu.url }));
    assert.deepEqual(changeOps(await e.up()), ['update']);
    assert.equal(output(e, 'expirationModel'), 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(output(e, 'keyId'), keyId);
  });

  it('check failures stop preview before any AWS call, naming the fields', async () => {
    const e = engine({ expiresIn: 'P400D', renewBefore: 'P1Y' }, randomBytes(32).toString('base64'));
    let result: RunResult | undefined;
    assert.deepEqual(await calls(async () => (result = await failedRun(e.preview()))), {});
    const text = JSON.stringify(result!.diagnostics) + result!.error;
    assert.match(text, /expiresIn.*365 days/);
    assert.match(text, /renewBefore.*years or months/);

    const both = engine({ expiresIn: 'P30D', expiresAt: new Date(Date.now() + 30 * DAY).toISOString() }, randomBytes(32).toString('base64'));
    const refused = await failedRun(both.preview());
    assert.match(JSON.stringify(refused.diagnostics) + refused.error, /expiresIn.*cannot be set together with expiresAt/);
  });
}));
