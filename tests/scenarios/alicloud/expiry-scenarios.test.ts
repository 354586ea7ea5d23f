// A rolling expiry (expiresIn / renewBefore) on cloud "alicloud", end to end, once through the real Pulumi CLI and
// once through the engine harness: the ImportedKey program → the real dynamic-provider host → @alicloud/kms20160120
// unmodified → the emulator, whose clock is moved to make time pass. The provider measures the period on Alibaba's
// clock (the Date of its replies), so every expected time here is the emulator's, and the emulator clock is set
// 4 days behind real time first to tell the clocks apart.
import { strict as assert } from 'node:assert';
import * as $Kms from '@alicloud/kms20160120';
import { decryptWithMaterial } from '../../../emulator/key-crypto';
import { transcript, type RunResult } from '../../../harness';
import { sdkClient } from '../../support/alicloud-client';
import { forEachEngine } from '../../support/engines';
import { changeOps, failedRun } from '../../support/scenario';
import { useAlicloudScenario } from './alicloud-scenario';

const AK = 'ali-expiry-ak';
const SK = 'ali-expiry-sk';
const DAY_S = 86_400;
const DAY = DAY_S * 1000;

forEachEngine((kind) => describe(`alicloud ImportedKey with a rolling expiry (expiresIn) (${kind})`, function () {
  this.timeout(180_000);
  const scene = useAlicloudScenario('ali-expiry-', AK, SK, kind);
  const { engine, calls } = scene;

  beforeEach(() => {
    // 4 days behind the machine: a provider on the machine's clock would be 4 days off in every check below.
    scene.emulator.clock.set(Date.now() - 4 * DAY);
  });
  afterEach(() => {
    scene.emulator.clock.reset();
  });

  const client = () => sdkClient(scene.emulator.url, AK, SK);
  const describeKey = async (keyId: string) => (await client().describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata;
  /** validTo is `days` after the emulator's `at`, to the few seconds a run takes. */
  function assertValidIn(validTo: string, days: number, at: number): void {
    const off = Date.parse(validTo) - (at + days * DAY);
    assert.ok(Math.abs(off) < 30_000, `validTo ${validTo} is ${off} ms from emulator-now + ${days} days`);
  }
  /** Encrypt through Alibaba's API, decrypt locally with the material we hold: the key has exactly that material. */
  async function provesMaterial(keyId: string): Promise<void> {
    const sealed = await client().encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'proof' }));
    assert.equal(decryptWithMaterial(keyId, scene.material, Buffer.from(sealed.ciphertextBlob, 'base64')).toString('utf8'), 'proof');
  }

  it('imports with MaterialExpireTime = emulator-now + 30 days; inside renewBefore nothing changes; past it up reimports in place; past expiry a plain up heals', async () => {
    const args = { expiresIn: 'P30D' }; // renewBefore defaults to half: 15 days
    const createdAt = scene.emulator.clock.now();
    const created = await engine(args).up();
    assert.deepEqual(changeOps(created), ['create']);
    const keyId = created.outputs.keyId as string;
    assertValidIn(created.outputs.validTo as string, 30, createdAt);
    assertValidIn(new Date((await describeKey(keyId)).materialExpireTime).toISOString(), 30, createdAt);
    assert.equal(created.outputs.expirationModel, 'KEY_MATERIAL_EXPIRES');
    const sealed = await client().encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'made before any renewal' }));

    // 10 days later: 20 days left, more than renewBefore (15 days) → nothing to do, one DescribeKey.
    scene.emulator.clock.advance(10 * DAY_S);
    let quiet: RunResult | undefined;
    assert.deepEqual(await calls(async () => (quiet = await engine(args).up())), { DescribeKey: 1 });
    assert.deepEqual(changeOps(quiet!), ['same']);
    assert.ok((await engine(args).preview({ refresh: true, expectNoChanges: true })).ok);

    // 16 days after the import: 14 days left, closer than renewBefore → drift for the pipeline, an in-place renewal by up.
    scene.emulator.clock.advance(6 * DAY_S);
    const drift = await failedRun(engine(args).preview({ refresh: true, expectNoChanges: true }));
    assert.match(drift.error ?? '', /no changes were expected/);
    const renewedAt = scene.emulator.clock.now();
    let renewal: RunResult | undefined;
    const renewCalls = await calls(async () => (renewal = await engine(args).up()));
    assert.deepEqual(changeOps(renewal!), ['update']);
    assert.equal(renewCalls.ImportKeyMaterial, 1);
    assert.equal(renewCalls.DeleteKeyMaterial, undefined, 'Alibaba reimports over live material: nothing is deleted');
    assert.equal(renewCalls.CreateKey, undefined);
    assert.equal(renewal!.outputs.keyId, keyId);
    assertValidIn(renewal!.outputs.validTo as string, 30, renewedAt);
    const opened = await client().decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }));
    assert.equal(opened.plaintext, 'made before any renewal', 'the same material was imported again');
    assert.deepEqual(changeOps(await engine(args).up()), ['same'], 'a renewed key is quiet again');

    // Past the renewed expiry with no run in between: the key is PendingImport, and a plain up (no --refresh) heals it.
    scene.emulator.clock.advance(31 * DAY_S);
    assert.equal((await describeKey(keyId)).keyState, 'PendingImport');
    const healedAt = scene.emulator.clock.now();
    const healed = await engine(args).up();
    assert.deepEqual(changeOps(healed), ['update']);
    assert.equal(healed.outputs.keyState, 'Enabled');
    assertValidIn(healed.outputs.validTo as string, 30, healedAt);
    await provesMaterial(keyId);

    for (const text of [scene.storedText(), ...[created, quiet!, renewal!, healed].map(transcript), scene.log.join('\n')]) {
      assert.ok(!text.includes(scene.material.toString('base64')) && !text.includes(scene.material.toString('hex')), 'key material leaked');
    }
  });

  it('renewBefore sets the window; a new expiresIn is an in-place reimport restarting the period', async () => {
    const created = await engine({ expiresIn: 'P30D', renewBefore: 'P5D' }).up();
    const keyId = created.outputs.keyId as string;
    scene.emulator.clock.advance(20 * DAY_S); // 10 days left > 5 days
    assert.deepEqual(changeOps(await engine({ expiresIn: 'P30D', renewBefore: 'P5D' }).up()), ['same']);

    const longerAt = scene.emulator.clock.now();
    let longer: RunResult | undefined;
    const longerCalls = await calls(async () => (longer = await engine({ expiresIn: 'P60D', renewBefore: 'P5D' }).up()));
    assert.deepEqual(changeOps(longer!), ['update']);
    assert.deepEqual([longerCalls.ImportKeyMaterial, longerCalls.DeleteKeyMaterial, longerCalls.CreateKey], [1, undefined, undefined]);
    assert.equal(longer!.outputs.keyId, keyId);
    assertValidIn(longer!.outputs.validTo as string, 60, longerAt);
    await provesMaterial(keyId);
  });

  it('check failures stop preview before any Alibaba call, naming the fields', async () => {
    let result: RunResult | undefined;
    assert.deepEqual(await calls(async () => (result = await failedRun(engine({ expiresIn: 'PT30M', renewBefore: 'P1M' }).preview()))), {});
    const text = transcript(result!);
    assert.match(text, /expiresIn.*at least/);
    assert.match(text, /renewBefore.*years or months/);
  });
}));
