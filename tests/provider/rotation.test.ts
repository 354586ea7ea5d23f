// Rotation of imported material (AWS, several materials per key) through the operations, on the MultiMaterialStub:
// the order of calls, what reached the "cloud" (ImportType, KeyMaterialId), heal and renewal of every material, crash
// recovery, and outputs that never hold a material or a digest in plain.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { awsProfile } from '../../provider/clouds/aws/profile';
import { ImportedKeyError } from '../../core/errors';
import { createImportedKey, readImportedKey, updateImportedKey } from '../../provider/operations';
import { wrapKeyMaterial } from '../../core/wrapping';
import type { KeyInputs, KeyOutputs } from '../../provider/types';
import { inFuture, inputs } from '../support/fixtures';
import { MultiMaterialStub } from '../support/stub-adapter';

const FIRST = randomBytes(32);
const SECOND = randomBytes(32);
const THIRD = randomBytes(32);
const b64 = (material: Buffer) => material.toString('base64');

function cloud() {
  return { adapter: new MultiMaterialStub(), profile: awsProfile };
}

/** The arguments of a key that rotates, at `material` with `previous` before it. */
function rotating(material: Buffer, previous: Buffer[], over: Partial<KeyInputs> = {}): KeyInputs {
  return inputs({ keyMaterial: b64(material), onMaterialChange: 'rotate', ...(previous.length > 0 ? { previousKeyMaterials: previous.map(b64) } : {}), ...over });
}

/** No material, in base64 or hex, and no digest anywhere in the plain outputs (materialDigest(s) aside: secret). */
function assertNoMaterialInPlain(outs: KeyOutputs, materials: Buffer[]): void {
  const { materialDigest: _d, materialDigests: _ds, ...plain } = outs;
  const text = JSON.stringify(plain);
  for (const material of materials) {
    assert.ok(!text.includes(b64(material)) && !text.includes(material.toString('hex')), 'no material in plain outputs');
  }
  assert.doesNotMatch(text, /hmac-sha256/, 'no digest in plain outputs');
}

/** A key created at FIRST, rotated to SECOND, then THIRD: its outputs after each. */
async function rotatedTwice(c = cloud(), over: Partial<KeyInputs> = {}) {
  const created = await createImportedKey(c, rotating(FIRST, [], over), FIRST);
  const second = await updateImportedKey(c, created.id, created.outs, rotating(SECOND, [FIRST], over), SECOND);
  const third = await updateImportedKey(c, created.id, second, rotating(THIRD, [FIRST, SECOND], over), THIRD);
  return { c, id: created.id, created: created.outs, second, third };
}

describe('rotation: create records the first material', () => {
  it('records its id, digest and one keyMaterials entry; sends no ImportType', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    const materialId = MultiMaterialStub.materialId(id, FIRST);
    assert.equal(outs.currentKeyMaterialId, materialId);
    assert.equal(outs.keyMaterialId, materialId);
    assert.deepEqual(outs.keyMaterials, [{ keyMaterialId: materialId, state: 'CURRENT', importState: 'IMPORTED', expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }]);
    assert.deepEqual(Object.keys(outs.materialDigests!), [materialId]);
    assert.equal(outs.materialDigests![materialId], outs.materialDigest);
    assert.deepEqual(c.adapter.importFields, [{ importType: undefined, keyMaterialId: undefined, description: undefined }]);
    assertNoMaterialInPlain(outs, [FIRST]);
  });
});

describe('rotation: an update with new material rotates the same key', () => {
  it('params -> import NEW (expiry, description) -> RotateKeyOnDemand -> list until CURRENT -> describe; same id', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, [], { expiresIn: 'P30D' }), FIRST);
    c.adapter.calls = [];
    const after = await updateImportedKey(c, id, outs, rotating(SECOND, [FIRST], { expiresIn: 'P30D' }), SECOND);
    assert.deepEqual(c.adapter.calls, ['describeKey', 'listMaterials', 'getImportParameters', 'importMaterial', 'rotateMaterial', 'listMaterials', 'describeKey']);
    const secondId = MultiMaterialStub.materialId(id, SECOND);
    assert.deepEqual(c.adapter.importFields.at(-1), { importType: 'NEW_KEY_MATERIAL', keyMaterialId: undefined, description: 'pulumi imported-key generation 2' });
    assert.equal(after.keyId, id);
    assert.equal(after.currentKeyMaterialId, secondId);
    assert.equal(after.keyMaterialId, secondId, 'keyMaterialId stays the current one');
    assert.deepEqual(after.keyMaterials!.map((m) => [m.keyMaterialId, m.state]), [[outs.keyMaterialId, 'NON_CURRENT'], [secondId, 'CURRENT']]);
    assert.ok(after.keyMaterials![1].validTo, 'the new material got the expiry policy');
    assert.deepEqual(Object.keys(after.materialDigests!).sort(), [outs.keyMaterialId!, secondId].sort());
    assert.equal(after.materialDigests![outs.keyMaterialId!], outs.materialDigest, 'the first digest is kept as recorded');
    assert.equal(after.materialDigest, after.materialDigests![secondId]);
    assertNoMaterialInPlain(after, [FIRST, SECOND]);
  });

  it('a second rotation keeps the id; every generation is in the key', async () => {
    const { c, id, third } = await rotatedTwice();
    assert.deepEqual(third.keyMaterials!.map((m) => m.state), ['NON_CURRENT', 'NON_CURRENT', 'CURRENT']);
    assert.equal(third.keyId, id);
    assert.deepEqual(c.adapter.of(id).map((m) => m.material), [FIRST, SECOND, THIRD]);
    assertNoMaterialInPlain(third, [FIRST, SECOND, THIRD]);
  });

  it('waits for the asynchronous rotation: lists until the material is CURRENT [real time]', async () => {
    const c = cloud();
    c.adapter.rotationLists = 1;
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    c.adapter.calls = [];
    await updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND);
    assert.deepEqual(c.adapter.calls.filter((call) => call === 'listMaterials').length, 3, 'one listing before, two while rotating');
  });

  it('waits out a ConflictException (rotation in progress) [real time]', async function () {
    this.timeout(10_000);
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    c.adapter.failNext('rotateMaterial', () => new ImportedKeyError('RotationInProgress', 'ConflictException', { cloudCode: 'ConflictException' }));
    c.adapter.calls = [];
    const after = await updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND);
    assert.deepEqual(c.adapter.calls.filter((call) => call === 'rotateMaterial').length, 2);
    assert.equal(after.currentKeyMaterialId, MultiMaterialStub.materialId(id, SECOND));
  });

  it('the 25-rotation limit fails the step, says so, and records the pending material for the next up', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    c.adapter.rotations = 25;
    await assert.rejects(updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND), (e: unknown) => {
      assert.ok(e instanceof ImportedKeyError);
      assert.equal(e.code, 'RotationLimitExceeded');
      assert.equal(e.id, id);
      assert.match(e.message, /pending; the next `pulumi up` rotates to it/);
      const recorded = e.outputs as unknown as KeyOutputs;
      assert.ok(recorded.materialDigests![MultiMaterialStub.materialId(id, SECOND)], 'the pending material is recorded');
      assert.equal(recorded.keyMaterialId, outs.keyMaterialId, 'the current material is still the first');
      return true;
    });
  });
});

describe('rotation: heal and renewal walk every material', () => {
  it('the oldest material expired: an update reimports exactly it, EXISTING + its id', async () => {
    const { c, id, third } = await rotatedTwice();
    const oldest = MultiMaterialStub.materialId(id, FIRST);
    c.adapter.expire(id, oldest);
    assert.equal(c.adapter.keys.get(id)!.keyState, 'PendingImport', 'an old material expired: the whole key is pending import');
    c.adapter.calls = [];
    c.adapter.importFields = [];
    const healed = await updateImportedKey(c, id, third, rotating(THIRD, [FIRST, SECOND]), THIRD);
    assert.deepEqual(c.adapter.calls, ['describeKey', 'listMaterials', 'getImportParameters', 'importMaterial', 'listMaterials', 'describeKey']);
    assert.deepEqual(c.adapter.importFields, [{ importType: 'EXISTING_KEY_MATERIAL', keyMaterialId: oldest, description: undefined }]);
    assert.equal(healed.keyState, 'Enabled');
    assert.equal(healed.currentKeyMaterialId, MultiMaterialStub.materialId(id, THIRD));
  });

  it('a material due for renewal is renewed, every one of them, with one GetParametersForImport', async () => {
    const { c, id, third } = await rotatedTwice(cloud(), { expiresIn: 'P30D' });
    for (const m of c.adapter.of(id)) m.validTo = inFuture(2);
    c.adapter.settle(id);
    c.adapter.calls = [];
    c.adapter.importFields = [];
    await updateImportedKey(c, id, third, rotating(THIRD, [FIRST, SECOND], { expiresIn: 'P30D' }), THIRD);
    assert.deepEqual(c.adapter.importFields.map((f) => [f.importType, f.keyMaterialId]), [FIRST, SECOND, THIRD].map((m) => ['EXISTING_KEY_MATERIAL', MultiMaterialStub.materialId(id, m)]));
    assert.equal(c.adapter.calls.filter((call) => call === 'getImportParameters').length, 1);
    for (const m of c.adapter.of(id)) assert.ok(Date.parse(m.validTo!) > Date.now() + 20 * 86_400_000, 'renewed');
  });

  it('nothing due: one listing, no import', async () => {
    const { c, id, third } = await rotatedTwice();
    c.adapter.calls = [];
    await updateImportedKey(c, id, third, rotating(THIRD, [FIRST, SECOND]), THIRD);
    assert.deepEqual(c.adapter.calls, ['describeKey', 'listMaterials']);
  });

  it('an adopted key whose history nobody recorded: the candidates are tried, a wrong one refused by the cloud, the match recorded', async () => {
    const { c, id, third } = await rotatedTwice();
    const oldest = MultiMaterialStub.materialId(id, FIRST);
    c.adapter.expire(id, oldest);
    const unrecorded: KeyOutputs = { ...third, adopted: true, materialDigests: undefined, keyMaterials: undefined };
    c.adapter.importFields = [];
    const healed = await updateImportedKey(c, id, unrecorded, rotating(THIRD, [FIRST, SECOND], { keyId: id }), THIRD);
    assert.equal(healed.keyState, 'Enabled');
    assert.deepEqual(Object.keys(healed.materialDigests!).sort(), [FIRST, SECOND, THIRD].map((m) => MultiMaterialStub.materialId(id, m)).sort());
    const tried = c.adapter.importFields.filter((f) => f.keyMaterialId === oldest).length;
    assert.ok(tried >= 2, `the oldest was found by trying (${tried} attempts)`);
  });
});

describe('rotation: crash recovery', () => {
  /** A run that imported SECOND as NEW and stopped before RotateKeyOnDemand; nothing recorded. */
  async function stoppedBeforeRotate(pendingMaterial: Buffer) {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    const params = await c.adapter.getImportParameters(id, 'RSAES_OAEP_SHA_256');
    const encryptedKeyMaterial = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: params.publicKey, material: pendingMaterial });
    await c.adapter.importMaterial({ keyId: id, importToken: params.importToken, encryptedKeyMaterial, importType: 'NEW_KEY_MATERIAL' });
    assert.equal(c.adapter.of(id).at(-1)!.state, 'PENDING_ROTATION');
    c.adapter.calls = [];
    c.adapter.importFields = [];
    return { c, id, outs };
  }

  it('the pending material is the one asked for: the next up finishes the rotation (no NEW import)', async () => {
    const { c, id, outs } = await stoppedBeforeRotate(SECOND);
    const after = await updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND);
    assert.ok(!c.adapter.importFields.some((f) => f.importType === 'NEW_KEY_MATERIAL'), 'no second NEW import');
    assert.ok(!c.adapter.calls.includes('deleteMaterial'));
    assert.equal(after.currentKeyMaterialId, MultiMaterialStub.materialId(id, SECOND));
    assert.equal(c.adapter.of(id).length, 2);
  });

  it('the pending material is recorded (a failed step): matched by digest, rotated with no import at all', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    c.adapter.failNext('rotateMaterial', () => new ImportedKeyError('CloudError', 'socket hang up'));
    const recorded = await updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND).then(
      () => assert.fail('the step fails'),
      (e: ImportedKeyError) => e.outputs as unknown as KeyOutputs,
    );
    c.adapter.calls = [];
    const after = await updateImportedKey(c, id, recorded, rotating(SECOND, [FIRST]), SECOND);
    assert.deepEqual(c.adapter.calls, ['describeKey', 'listMaterials', 'rotateMaterial', 'listMaterials', 'describeKey']);
    assert.equal(after.currentKeyMaterialId, MultiMaterialStub.materialId(id, SECOND));
  });

  it('the pending material is another one: deleted by id, the one asked for imported NEW and rotated to', async () => {
    const { c, id, outs } = await stoppedBeforeRotate(THIRD);
    const strayId = MultiMaterialStub.materialId(id, THIRD);
    const after = await updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND);
    const deleteAt = c.adapter.calls.indexOf('deleteMaterial');
    assert.ok(deleteAt > 0 && deleteAt < c.adapter.calls.lastIndexOf('importMaterial'), 'deleted before the NEW import');
    assert.ok(!c.adapter.of(id).some((m) => m.keyMaterialId === strayId), 'the stray material is gone');
    assert.deepEqual(c.adapter.importFields.at(-1)!.importType, 'NEW_KEY_MATERIAL');
    assert.equal(after.currentKeyMaterialId, MultiMaterialStub.materialId(id, SECOND));
    assert.ok(!(strayId in after.materialDigests!));
  });

  it('an earlier run\'s RotateKeyOnDemand lands first ("no material pending rotation"): the material is CURRENT, which is success', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    // The rotation is done (afterWork) but the reply says there was nothing pending, as after a racing earlier call.
    c.adapter.failNext('rotateMaterial', () => new ImportedKeyError('InvalidKeyState', 'no key material pending rotation', { cloudCode: 'KMSInvalidStateException' }), true);
    const after = await updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND);
    assert.equal(after.currentKeyMaterialId, MultiMaterialStub.materialId(id, SECOND));
  });

  it('"no material pending rotation" while ours is not current is an error, and the pending material is recorded', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    c.adapter.failNext('rotateMaterial', () => new ImportedKeyError('InvalidKeyState', 'no key material pending rotation', { cloudCode: 'KMSInvalidStateException' }));
    await assert.rejects(updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND), (e: unknown) => {
      assert.ok(e instanceof ImportedKeyError && e.code === 'InvalidKeyState' && e.id === id);
      return true;
    });
  });

  it('a run stopped after RotateKeyOnDemand: the next up recognises the current material and only records it', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    await updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND); // its outputs "lost"
    c.adapter.importFields = [];
    const after = await updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND);
    assert.ok(!c.adapter.importFields.some((f) => f.importType === 'NEW_KEY_MATERIAL'));
    assert.ok(!c.adapter.calls.slice(-5).includes('rotateMaterial'));
    assert.equal(after.currentKeyMaterialId, MultiMaterialStub.materialId(id, SECOND));
    assert.equal(Object.keys(after.materialDigests!).length, 2);
  });
});

describe('rotation: refresh', () => {
  it('a key never rotated: one DescribeKey', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    c.adapter.calls = [];
    const read = await readImportedKey(c, id, outs);
    assert.deepEqual(c.adapter.calls, ['describeKey']);
    assert.equal(read!.keyMaterials!.length, 1);
  });

  it('a key with history: DescribeKey and ListKeyRotations; the expired material shows PENDING_IMPORT', async () => {
    const { c, id, third } = await rotatedTwice();
    c.adapter.expire(id, MultiMaterialStub.materialId(id, FIRST));
    c.adapter.calls = [];
    const read = await readImportedKey(c, id, third);
    assert.deepEqual(c.adapter.calls, ['describeKey', 'listMaterials']);
    assert.equal(read!.keyState, 'PendingImport');
    assert.equal(read!.keyMaterials![0].importState, 'PENDING_IMPORT');
    assertNoMaterialInPlain(read!, [FIRST, SECOND, THIRD]);
  });

  it('a key rotated elsewhere (current id not the recorded one) is listed', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, rotating(FIRST, []), FIRST);
    await updateImportedKey(c, id, outs, rotating(SECOND, [FIRST]), SECOND);
    c.adapter.calls = [];
    const read = await readImportedKey(c, id, outs);
    assert.deepEqual(c.adapter.calls, ['describeKey', 'listMaterials']);
    assert.equal(read!.keyMaterials!.length, 2);
  });
});

describe('rotation: HMAC and asymmetric keys never get ImportType', () => {
  it('an HMAC key with a new expiry is reimported the old way', async () => {
    const c = cloud();
    const hmac = inputs({ keySpec: 'HMAC_256', keyMaterial: b64(FIRST) });
    const { id, outs } = await createImportedKey(c, hmac, FIRST);
    await updateImportedKey(c, id, outs, { ...hmac, expiresAt: inFuture(30) }, FIRST);
    assert.ok(c.adapter.importFields.length >= 2);
    assert.ok(c.adapter.importFields.every((f) => f.importType === undefined && f.keyMaterialId === undefined));
  });
});
