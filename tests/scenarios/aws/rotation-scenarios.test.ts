// Rotation of imported material (issue 15) end to end: the ImportedKey program → the engine (real CLI, harness) → the
// dynamic-provider host → the unmodified AWS SDK → the emulator, whose clock is moved to make time pass. A key rotated
// twice keeps its id and decrypts what each generation sealed; past the oldest material's expiry a plain `up` heals it
// by importing exactly that material; preview refuses a rotation that drops a material, and rotate where a key keeps
// one material, before any call.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import type { RunResult } from '../../../harness';
import { forEachEngine, type StackEngine } from '../../support/engines';
import { EMULATOR_CREDENTIALS } from '../../support/emulator';
import { killDescendants, PROVIDER_HOST, waitFor } from '../../support/interrupt';
import { changeOps, failedRun } from '../../support/scenario';
import { useAwsKeyScenario } from './key-scenario';
import { useAwsEnvironment } from '../../support/aws-environment';

const DAY_S = 86_400;

forEachEngine((kind) => describe(`ImportedKey on AWS rotating its imported material (${kind})`, function () {
  this.timeout(300_000);
  const scene = useAwsKeyScenario('imported-key-rotation-', kind);
  const { emu, engine, calls } = scene;
  useAwsEnvironment();
  let kms: KMSClient;
  beforeEach(() => {
    kms = new KMSClient({ endpoint: emu.url, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS });
  });
  afterEach(() => kms.destroy());

  const outputs = (e: StackEngine) => e.resource('key')!.outputs as Record<string, unknown>;
  const b64 = (m: Buffer) => m.toString('base64');
  const seal = async (keyId: string, text: string) => (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }))).CiphertextBlob!;
  const open = async (blob: Uint8Array) => {
    const reply = await kms.send(new DecryptCommand({ CiphertextBlob: blob }));
    return { text: Buffer.from(reply.Plaintext!).toString(), keyMaterialId: reply.KeyMaterialId };
  };

  it('rotated twice: same key id, every generation decrypts, new ciphertexts use the newest; past the oldest expiry a plain up heals exactly it', async () => {
    const [m1, m2, m3] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const settings = { onMaterialChange: 'rotate', expiresIn: 'P10D', renewBefore: 'PT1H' };
    const e = engine(settings, m1);
    assert.deepEqual(changeOps(await e.up()), ['create']);
    const keyId = outputs(e).keyId as string;
    const c1 = await seal(keyId, 'generation 1');

    await emu.advanceClock(2 * DAY_S);
    scene.configure(e, { ...settings, previous: [b64(m1)] }, m2);
    const preview = await e.preview();
    assert.deepEqual(changeOps(preview), ['update'], 'preview shows a rotation in place, not a replacement');
    let rotated: RunResult | undefined;
    const rotation = await calls(async () => (rotated = await e.up()));
    assert.deepEqual(changeOps(rotated!), ['update']);
    assert.equal(rotation.RotateKeyOnDemand, 1);
    assert.equal(rotation.ImportKeyMaterial, 1);
    assert.equal(rotation.CreateKey, undefined);
    assert.equal(outputs(e).keyId, keyId);
    const c2 = await seal(keyId, 'generation 2');

    await emu.advanceClock(2 * DAY_S);
    scene.configure(e, { ...settings, previous: [b64(m1), b64(m2)] }, m3);
    assert.deepEqual(changeOps(await e.up()), ['update']);
    assert.equal(outputs(e).keyId, keyId);
    const materials = outputs(e).keyMaterials as { keyMaterialId: string; state: string; validTo: string }[];
    assert.deepEqual(materials.map((m) => m.state), ['NON_CURRENT', 'NON_CURRENT', 'CURRENT']);
    assert.equal(outputs(e).currentKeyMaterialId, materials[2].keyMaterialId);
    const c3 = await seal(keyId, 'generation 3');
    assert.equal((await open(c1)).text, 'generation 1');
    assert.equal((await open(c2)).text, 'generation 2');
    const newest = await open(c3);
    assert.equal(newest.text, 'generation 3');
    assert.equal(newest.keyMaterialId, materials[2].keyMaterialId, 'new ciphertexts use the newest material');
    let quiet: RunResult | undefined;
    assert.deepEqual(await calls(async () => (quiet = await e.up())), { DescribeKey: 1 }, 'a quiet up of a rotated key: the diff\'s one DescribeKey');
    assert.deepEqual(changeOps(quiet!), ['same'], 'quiet once rotated');
    assert.deepEqual(await calls(() => e.refresh()), { DescribeKey: 1, ListKeyRotations: 1 }, 'refresh of a key with history: one listing more');

    // Past the first material's expiry only: the whole key is PendingImport; a plain up imports exactly that one.
    const secondsLeft = Math.ceil((Date.parse(materials[0].validTo) - emu.running.clock.now()) / 1000);
    await emu.advanceClock(secondsLeft + 1);
    let healed: RunResult | undefined;
    const heal = await calls(async () => (healed = await e.up()));
    assert.deepEqual(changeOps(healed!), ['update']);
    assert.equal(heal.ImportKeyMaterial, 1, 'exactly the expired material');
    assert.equal(heal.GetParametersForImport, 1);
    assert.equal(heal.RotateKeyOnDemand, undefined);
    assert.equal(outputs(e).keyState, 'Enabled');
    assert.equal((await open(c1)).text, 'generation 1');

    // The digests (materialDigest, materialDigests by id) are secrets in the state: never stored in plain.
    assert.ok(e.resource('key')!.outputs.materialDigests !== undefined, 'the per-material digests are recorded');
    assert.doesNotMatch(scene.storedText(), /hmac-sha256:/, 'no digest stored in plain');
    const texts = [scene.storedText(), JSON.stringify([preview, rotated, healed]), scene.log.join('\n')];
    for (const text of texts) {
      for (const m of [m1, m2, m3]) assert.ok(!text.includes(b64(m)) && !text.includes(m.toString('hex')), 'key material leaked');
    }
  });

  it('a run whose provider host is killed between the NEW import and RotateKeyOnDemand: the next up finishes the rotation in the same key', async () => {
    const [m1, m2] = [randomBytes(32), randomBytes(32)];
    const e = engine({ onMaterialChange: 'rotate' }, m1);
    await e.up();
    const keyId = outputs(e).keyId as string;
    const sealed = await seal(keyId, 'before the crash');
    scene.configure(e, { onMaterialChange: 'rotate', previous: [b64(m1)] }, m2);
    const counts = () => scene.emulator.requestCounts();
    const before = counts();
    // RotateKeyOnDemand slowed: the host is killed once the NEW import is done and the rotation asked for.
    scene.emulator.faults.add({ target: 'aws:RotateKeyOnDemand', latencyMs: 4000 });
    const dying = failedRun(e.up());
    await waitFor(() => (counts()['aws:ImportKeyMaterial'] ?? 0) > (before['aws:ImportKeyMaterial'] ?? 0) && (counts()['aws:RotateKeyOnDemand'] ?? 0) > (before['aws:RotateKeyOnDemand'] ?? 0));
    assert.deepEqual(killDescendants([PROVIDER_HOST]), [], 'the provider host was found');
    await dying;
    scene.emulator.faults.clear();
    await emu.advanceClock(60); // whatever the killed run left rotating completes

    let next: RunResult | undefined;
    const finish = await calls(async () => (next = await e.up()));
    assert.ok(next!.ok);
    assert.deepEqual(changeOps(next!), ['update']);
    assert.equal(finish.CreateKey, undefined);
    assert.equal(outputs(e).keyId, keyId, 'the same key');
    const materials = outputs(e).keyMaterials as { keyMaterialId: string; state: string }[];
    assert.deepEqual(materials.map((m) => m.state), ['NON_CURRENT', 'CURRENT'], 'exactly two materials: no stray pending one');
    assert.equal(outputs(e).currentKeyMaterialId, materials[1].keyMaterialId);
    const fresh = await seal(keyId, 'after');
    assert.equal((await open(fresh)).keyMaterialId, materials[1].keyMaterialId);
    assert.equal((await open(sealed)).text, 'before the crash');
    assert.deepEqual(changeOps(await e.up()), ['same']);
  });

  it('preview refuses, with zero calls: a rotation that leaves out a material of the key; rotate on a key spec that keeps one material', async () => {
    const [m1, m2] = [randomBytes(32), randomBytes(32)];
    const e = engine({ onMaterialChange: 'rotate' }, m1);
    await e.up();
    scene.configure(e, { onMaterialChange: 'rotate', previous: [b64(randomBytes(32))] }, m2);
    let refused: RunResult | undefined;
    assert.deepEqual(await calls(async () => (refused = await failedRun(e.preview()))), {});
    assert.match(JSON.stringify(refused!.diagnostics) + refused!.error, /previousKeyMaterials must include/);

    const hmac = engine({ keySpec: 'HMAC_256', onMaterialChange: 'rotate' }, randomBytes(32));
    let hmacRefused: RunResult | undefined;
    assert.deepEqual(await calls(async () => (hmacRefused = await failedRun(hmac.preview()))), {});
    assert.match(JSON.stringify(hmacRefused!.diagnostics) + hmacRefused!.error, /onMaterialChange: rotate is not possible for HMAC_256 keys.*replace/);
  });
}));
