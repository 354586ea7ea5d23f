// The AWS adapter's material calls (adapter-materials.ts) and the rotation steps (provider/rotation.ts) with the
// unmodified @aws-sdk/client-kms over HTTP against the emulator: ListKeyRotations(ALL_KEY_MATERIAL), ImportKeyMaterial
// NEW / EXISTING by KeyMaterialId, RotateKeyOnDemand (asynchronous on the emulator clock), ConflictException,
// DeleteImportedKeyMaterial by id; then a key rotated twice, an old material expired and healed, through the operations.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { awsProfile } from '../../../../provider/clouds/aws/profile';
import { ImportedKeyError } from '../../../../core/errors';
import { createImportedKey, readImportedKey, updateImportedKey } from '../../../../provider/operations';
import type { KeyInputs } from '../../../../provider/types';
import { control } from '../../../support/emulator';
import { useAwsAdapterOnEmulator } from '../../../support/aws-client';

describe('AWS adapter: several materials per key, against the emulator (real SDK client)', function () {
  this.timeout(60_000);
  const aws = useAwsAdapterOnEmulator();
  const { emu, importInto } = aws;

  /** The AWS requests the emulator counted while `work` ran, by operation (aws:<Operation> → count, zeros left out). */
  async function callsOf(work: () => Promise<unknown>): Promise<Record<string, number>> {
    await control(emu.url, 'DELETE', '/_emulator/requests');
    await work();
    const counted = (await control(emu.url, 'GET', '/_emulator/requests')) as Record<string, number>;
    return Object.fromEntries(Object.entries(counted).filter(([name, n]) => name.startsWith('aws:') && n > 0).map(([name, n]) => [name.slice(4), n]));
  }

  it('lists, imports NEW with a description, rotates (ConflictException while it runs), deletes a pending material by id', async () => {
    const key = await aws.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    const first = randomBytes(32);
    const { keyMaterialId: firstId } = await importInto(key.keyId, first);
    const second = randomBytes(32);
    const { keyMaterialId: secondId } = await importInto(key.keyId, second, { importType: 'NEW_KEY_MATERIAL', description: 'generation 2' });
    let listed = await aws.adapter.listMaterials(key.keyId);
    assert.deepEqual(listed.map((m) => [m.keyMaterialId, m.state, m.importState]), [[firstId, 'CURRENT', 'IMPORTED'], [secondId, 'PENDING_ROTATION', 'IMPORTED']]);
    assert.equal(listed[1].description, 'generation 2');
    await aws.adapter.rotateMaterial(key.keyId);
    await assert.rejects(aws.adapter.rotateMaterial(key.keyId), (e: unknown) => e instanceof ImportedKeyError && e.code === 'RotationInProgress' && e.cloudCode === 'ConflictException');
    await emu.advanceClock(10);
    listed = await aws.adapter.listMaterials(key.keyId);
    assert.deepEqual(listed.map((m) => m.state), ['NON_CURRENT', 'CURRENT']);
    assert.equal((await aws.adapter.describeKey(key.keyId))!.keyMaterialId, secondId);
    // A third, pending, deleted by id: gone from the listing, the key untouched.
    const { keyMaterialId: thirdId } = await importInto(key.keyId, randomBytes(32), { importType: 'NEW_KEY_MATERIAL' });
    await aws.adapter.deleteMaterial(key.keyId, thirdId);
    listed = await aws.adapter.listMaterials(key.keyId);
    assert.ok(!listed.some((m) => m.keyMaterialId === thirdId));
    assert.equal((await aws.adapter.describeKey(key.keyId))!.keyState, 'Enabled');
    // EXISTING by id: the right material is accepted, another refused (IncorrectKeyMaterialException).
    await importInto(key.keyId, first, { importType: 'EXISTING_KEY_MATERIAL', keyMaterialId: firstId });
    await assert.rejects(
      importInto(key.keyId, randomBytes(32), { importType: 'EXISTING_KEY_MATERIAL', keyMaterialId: firstId }),
      (e: unknown) => e instanceof ImportedKeyError && e.code === 'InvalidKeyMaterial',
    );
  });

  it('operations: a key rotated twice keeps its id; the oldest material expired, a plain update heals exactly it', async () => {
    const cloud = { adapter: aws.adapter, profile: awsProfile };
    const [m1, m2, m3] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const args = (material: Buffer, previous: Buffer[]): KeyInputs => ({
      cloud: 'aws', region: 'us-east-1', endpoint: emu.url, keySpec: 'SYMMETRIC_DEFAULT', keyMaterial: material.toString('base64'),
      wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048', onDelete: 'scheduleKeyDeletion', deletionWindowInDays: 30,
      expiresIn: 'P10D', renewBefore: 'PT1H', onMaterialChange: 'rotate', ...(previous.length ? { previousKeyMaterials: previous.map((p) => p.toString('base64')) } : {}),
    });
    const created = await createImportedKey(cloud, args(m1, []), m1);
    // A key never rotated: refresh stays one DescribeKey.
    assert.deepEqual(await callsOf(() => readImportedKey(cloud, created.id, created.outs)), { DescribeKey: 1 });
    // Each generation two days after the one before, so that their expiries are days apart.
    await emu.advanceClock(2 * 86_400);
    let second = created.outs;
    const rotation = await callsOf(async () => (second = await updateImportedKey(cloud, created.id, created.outs, args(m2, [m1]), m2)));
    // The update without the diff's look before it: DescribeKey + ListKeyRotations + the rotation + the wait (the
    // emulator completes a rotation 3 s later on its clock: the listing is asked again) + the confirming DescribeKey.
    assert.equal(rotation.GetParametersForImport, 1);
    assert.equal(rotation.ImportKeyMaterial, 1);
    assert.equal(rotation.RotateKeyOnDemand, 1);
    assert.equal(rotation.DescribeKey, 2);
    assert.ok(rotation.ListKeyRotations >= 2, `ListKeyRotations ${rotation.ListKeyRotations}`);
    console.log(`      calls of a rotation step: ${JSON.stringify(rotation)}`);
    await emu.advanceClock(2 * 86_400);
    const third = await updateImportedKey(cloud, created.id, second, args(m3, [m1, m2]), m3);
    assert.equal(third.keyId, created.id);
    assert.deepEqual(third.keyMaterials!.map((m) => m.state), ['NON_CURRENT', 'NON_CURRENT', 'CURRENT']);
    assert.equal(third.currentKeyMaterialId, third.keyMaterials![2].keyMaterialId);
    assert.equal(third.keyMaterialId, third.currentKeyMaterialId);

    // Past the first material's expiry only (the others were imported later with their own 10 days).
    const oldest = third.keyMaterials![0];
    const firstValidTo = Date.parse(oldest.validTo!);
    const later = Date.parse(third.keyMaterials![2].validTo!);
    assert.ok(later > firstValidTo, 'the oldest expires first');
    await emu.advanceClock(Math.ceil((firstValidTo - Date.parse(((await control(emu.url, 'GET', '/_emulator/clock')) as { now: string }).now)) / 1000) + 1);
    let refreshed: Awaited<ReturnType<typeof readImportedKey>>;
    // A key with history: DescribeKey + one ListKeyRotations.
    assert.deepEqual(await callsOf(async () => (refreshed = await readImportedKey(cloud, created.id, third))), { DescribeKey: 1, ListKeyRotations: 1 });
    assert.equal(refreshed!.keyState, 'PendingImport');
    assert.equal(refreshed!.keyMaterials![0].importState, 'PENDING_IMPORT');
    let healed = third;
    const heal = await callsOf(async () => (healed = await updateImportedKey(cloud, created.id, refreshed!, args(m3, [m1, m2]), m3)));
    // Exactly the expired material imported again (EXISTING + its id), one token for it.
    assert.deepEqual(heal, { DescribeKey: 2, ListKeyRotations: 2, GetParametersForImport: 1, ImportKeyMaterial: 1 });
    assert.equal(healed.keyState, 'Enabled');
    assert.equal(healed.currentKeyMaterialId, third.currentKeyMaterialId);
    const listedAfter = await aws.adapter.listMaterials(created.id);
    assert.ok(listedAfter.every((m) => m.importState === 'IMPORTED'));
  });
});
