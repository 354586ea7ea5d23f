// Rotation of imported material (issue 15) on the emulator, driven by the unmodified @aws-sdk/client-kms: several
// materials per symmetric EXTERNAL key, ImportType NEW/EXISTING with KeyMaterialId, RotateKeyOnDemand completing on
// the emulator clock, ListKeyRotations, DescribeKey's CurrentKeyMaterialId and earliest ValidTo, and the rule that a
// key is usable only while every material it rotated to is imported.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CreateKeyCommand, DecryptCommand, DeleteImportedKeyMaterialCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand,
  GetKeyRotationStatusCommand, GetParametersForImportCommand, ImportKeyMaterialCommand, ListKeyRotationsCommand,
  RotateKeyOnDemandCommand, type ImportKeyMaterialCommandInput, type KMSClient, type RotationsListEntry,
} from '@aws-sdk/client-kms';
import { wrapKeyMaterial } from '../../../../core/wrapping';
import { MAX_ON_DEMAND_ROTATIONS } from '../../../../emulator/key-materials';
import { startEmulator } from '../../../../emulator';
import { control, useEmulator } from '../../../support/emulator';
import { expectAwsError, kmsClient } from '../../../support/aws-client';
import { assertNoMaterial } from '../../../support/leaks';

const DAY_MS = 86_400_000;

describe('emulator / AWS: rotation of imported material with the unmodified AWS SDK', () => {
  const logLines: string[] = [];
  const emu = useEmulator({ log: (line) => logLines.push(line) });
  let kms: KMSClient;
  /** Every material a test imported, for the leak check at the end. */
  const imported: Buffer[] = [];
  before(() => {
    kms = kmsClient(emu.url, { maxAttempts: 1 });
  });
  afterEach(async () => {
    await emu.reset();
  });
  after(() => {
    kms.destroy();
    // The request log names clouds, operations, statuses and latencies: never any material, in any form.
    assert.ok(logLines.some((line) => line.includes('RotateKeyOnDemand')), 'the log saw the rotations');
    assertNoMaterial(imported, { texts: { 'emulator log': logLines.join('\n') } });
  });

  async function emulatorNow(): Promise<number> {
    return Date.parse(((await control(emu.url, 'GET', '/_emulator/clock')) as { now: string }).now);
  }

  async function externalKey(keySpec = 'SYMMETRIC_DEFAULT', keyUsage?: string): Promise<string> {
    return (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: keySpec as never, KeyUsage: keyUsage as never }))).KeyMetadata!.KeyId!;
  }

  type ImportOptions = Partial<Pick<ImportKeyMaterialCommandInput, 'ImportType' | 'KeyMaterialId' | 'KeyMaterialDescription'>> & { validTo?: Date };

  /** GetParametersForImport → wrap locally → ImportKeyMaterial; returns the KeyMaterialId KMS answered with. */
  async function importMaterial(keyId: string, material: Buffer, options: ImportOptions = {}): Promise<string> {
    imported.push(material);
    const p = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
    const { validTo, ...members } = options;
    const out = await kms.send(
      new ImportKeyMaterialCommand({
        KeyId: keyId,
        ImportToken: p.ImportToken,
        EncryptedKeyMaterial: wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: Buffer.from(p.PublicKey!), material }),
        ...(validTo ? { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo } : { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
        ...members,
      }),
    );
    assert.equal(out.KeyId, `arn:aws:kms:us-east-1:111122223333:key/${keyId}`);
    assert.match(out.KeyMaterialId ?? '', /^[0-9a-f]{64}$/);
    return out.KeyMaterialId!;
  }

  /** RotateKeyOnDemand, then the emulator clock moved past the rotation delay so it completes. */
  async function rotate(keyId: string): Promise<void> {
    const out = await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    assert.equal(out.KeyId, `arn:aws:kms:us-east-1:111122223333:key/${keyId}`);
    await emu.advanceClock(10);
  }

  async function listAll(keyId: string): Promise<RotationsListEntry[]> {
    return (await kms.send(new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))).Rotations ?? [];
  }

  async function describe_(keyId: string) {
    return (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
  }

  /** Encrypt, and the KeyMaterialId the ciphertext carries, as Decrypt reports it (EncryptResponse has none). */
  async function encryptText(keyId: string, text: string): Promise<{ CiphertextBlob: Uint8Array; KeyMaterialId?: string }> {
    const out = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }));
    const back = await kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob }));
    assert.equal(Buffer.from(back.Plaintext!).toString(), text);
    return { CiphertextBlob: out.CiphertextBlob!, KeyMaterialId: back.KeyMaterialId };
  }

  async function decryptText(blob: Uint8Array) {
    const out = await kms.send(new DecryptCommand({ CiphertextBlob: blob }));
    return { text: Buffer.from(out.Plaintext!).toString(), keyMaterialId: out.KeyMaterialId, keyId: out.KeyId };
  }

  it('a key rotated twice keeps its id; a ciphertext of each generation still decrypts; new ciphertexts use the newest material', async () => {
    const keyId = await externalKey();
    const first = await importMaterial(keyId, randomBytes(32), { KeyMaterialDescription: 'generation 1' });
    assert.equal((await describe_(keyId)).CurrentKeyMaterialId, first);
    const c1 = await encryptText(keyId, 'one');
    assert.equal(c1.KeyMaterialId, first);

    const second = await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL', KeyMaterialDescription: 'generation 2' });
    assert.notEqual(second, first);
    // Pending rotation: not used yet, and the key stays Enabled.
    assert.equal((await describe_(keyId)).CurrentKeyMaterialId, first);
    assert.equal((await encryptText(keyId, 'still one')).KeyMaterialId, first);
    assert.equal((await describe_(keyId)).KeyState, 'Enabled');
    await rotate(keyId);
    const c2 = await encryptText(keyId, 'two');
    assert.equal(c2.KeyMaterialId, second);

    const third = await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });
    await rotate(keyId);
    const c3 = await encryptText(keyId, 'three');
    assert.equal(c3.KeyMaterialId, third);

    const described = await describe_(keyId);
    assert.equal(described.KeyId, keyId);
    assert.equal(described.KeyState, 'Enabled');
    assert.equal(described.CurrentKeyMaterialId, third);
    for (const [blob, text, material] of [[c1.CiphertextBlob!, 'one', first], [c2.CiphertextBlob!, 'two', second], [c3.CiphertextBlob!, 'three', third]] as const) {
      const out = await decryptText(blob);
      assert.equal(out.text, text);
      assert.equal(out.keyMaterialId, material, `${text} decrypts under the material it was made with`);
      assert.equal(out.keyId, `arn:aws:kms:us-east-1:111122223333:key/${keyId}`);
    }

    const all = await listAll(keyId);
    assert.deepEqual(all.map((r) => [r.KeyMaterialId, r.KeyMaterialState, r.ImportState]), [
      [first, 'NON_CURRENT', 'IMPORTED'],
      [second, 'NON_CURRENT', 'IMPORTED'],
      [third, 'CURRENT', 'IMPORTED'],
    ]);
    assert.equal(all[0].KeyMaterialDescription, 'generation 1');
    assert.equal(all[1].KeyMaterialDescription, 'generation 2');
    assert.equal(all[0].RotationDate, undefined, 'the first material was not rotated to');
    assert.equal(all[0].RotationType, undefined);
    assert.equal(all[1].RotationType, 'ON_DEMAND');
    assert.ok(all[1].RotationDate instanceof Date && all[2].RotationDate instanceof Date && all[1].RotationDate < all[2].RotationDate);
    for (const entry of all) {
      assert.equal(entry.KeyId, keyId);
      assert.equal(entry.ExpirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    }
    // The default, ROTATIONS_ONLY: the materials rotations made current.
    const rotationsOnly = (await kms.send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations ?? [];
    assert.deepEqual(rotationsOnly.map((r) => r.KeyMaterialId), [second, third]);
  });

  it('RotateKeyOnDemand is asynchronous on the emulator clock: OnDemandRotationStartDate and ConflictException while it runs', async () => {
    const keyId = await externalKey();
    const first = await importMaterial(keyId, randomBytes(32));
    const idle = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    assert.equal(idle.KeyRotationEnabled, false);
    assert.equal(idle.OnDemandRotationStartDate, undefined);
    assert.equal(idle.KeyId, `arn:aws:kms:us-east-1:111122223333:key/${keyId}`);

    const second = await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });
    const before = await emulatorNow();
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const running = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    assert.ok(running.OnDemandRotationStartDate, 'in progress');
    assert.ok(Math.abs(running.OnDemandRotationStartDate.getTime() - before) < 5_000);
    await expectAwsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })), 'ConflictException', 409);
    // The pending material cannot be deleted under a running rotation either.
    await expectAwsError(kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId, KeyMaterialId: second })), 'ConflictException', 409);
    assert.equal((await describe_(keyId)).CurrentKeyMaterialId, first, 'not done yet');
    assert.deepEqual((await listAll(keyId)).map((r) => r.KeyMaterialState), ['CURRENT', 'PENDING_ROTATION']);

    await emu.advanceClock(10);
    const done = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    assert.equal(done.OnDemandRotationStartDate, undefined, 'the field goes once the rotation completes');
    assert.equal((await describe_(keyId)).CurrentKeyMaterialId, second);
    assert.deepEqual((await listAll(keyId)).map((r) => [r.KeyMaterialId, r.KeyMaterialState]), [[first, 'NON_CURRENT'], [second, 'CURRENT']]);
  });

  it('the rotation delay is configurable (POST /_emulator/rotation); reset restores the default', async () => {
    assert.deepEqual(await control(emu.url, 'GET', '/_emulator/rotation'), { delaySeconds: 3 });
    assert.deepEqual(await control(emu.url, 'POST', '/_emulator/rotation', { delaySeconds: 0 }), { delaySeconds: 0 });
    await assert.rejects(control(emu.url, 'POST', '/_emulator/rotation', { delaySeconds: -1 }), /delaySeconds/);
    await assert.rejects(control(emu.url, 'POST', '/_emulator/rotation', { delay: 1 }), /unknown field 'delay'/);
    const keyId = await externalKey();
    await importMaterial(keyId, randomBytes(32));
    const second = await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    assert.equal((await describe_(keyId)).CurrentKeyMaterialId, second, 'a zero delay completes at once');
    await emu.reset();
    assert.deepEqual(await control(emu.url, 'GET', '/_emulator/rotation'), { delaySeconds: 3 });
  });

  it('RotateKeyOnDemand without material pending rotation → KMSInvalidStateException; on a disabled key → DisabledException; on HMAC → UnsupportedOperationException', async () => {
    const keyId = await externalKey();
    await expectAwsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })), 'KMSInvalidStateException', 409);
    await importMaterial(keyId, randomBytes(32));
    await expectAwsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })), 'KMSInvalidStateException', 409);
    await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    await expectAwsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })), 'DisabledException', 400);

    const hmacKey = await externalKey('HMAC_256', 'GENERATE_VERIFY_MAC');
    await expectAwsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: hmacKey })), 'UnsupportedOperationException', 400);
    await expectAwsError(kms.send(new ListKeyRotationsCommand({ KeyId: hmacKey })), 'UnsupportedOperationException', 400);
  });

  it('NEW with material the key already has → IncorrectKeyMaterialException; a second NEW while one is pending → KMSInvalidStateException', async () => {
    const keyId = await externalKey();
    const material = randomBytes(32);
    await importMaterial(keyId, material);
    await expectAwsError(importMaterial(keyId, material, { ImportType: 'NEW_KEY_MATERIAL' }), 'IncorrectKeyMaterialException', 400);
    const pending = randomBytes(32);
    await importMaterial(keyId, pending, { ImportType: 'NEW_KEY_MATERIAL' });
    await expectAwsError(importMaterial(keyId, pending, { ImportType: 'NEW_KEY_MATERIAL' }), 'IncorrectKeyMaterialException', 400);
    await expectAwsError(importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' }), 'KMSInvalidStateException', 409);
    assert.equal((await listAll(keyId)).length, 2, 'the refused imports added nothing');
    // KeyMaterialId is not allowed with NEW; it must be 64 lowercase hex; the description follows its pattern.
    await expectAwsError(importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL', KeyMaterialId: 'a'.repeat(64) }), 'ValidationException', 400);
    await expectAwsError(importMaterial(keyId, material, { KeyMaterialId: 'A'.repeat(64) }), 'ValidationException', 400);
    await expectAwsError(importMaterial(keyId, material, { KeyMaterialDescription: 'no <angle> brackets' }), 'ValidationException', 400);
    await expectAwsError(importMaterial(keyId, material, { KeyMaterialDescription: 'x'.repeat(257) }), 'ValidationException', 400);
  });

  it('ImportType, KeyMaterialId and KeyMaterialDescription on an HMAC key → ValidationException; a plain import still works', async () => {
    const hmacKey = await externalKey('HMAC_256', 'GENERATE_VERIFY_MAC');
    const material = randomBytes(32);
    await expectAwsError(importMaterial(hmacKey, material, { ImportType: 'NEW_KEY_MATERIAL' }), 'ValidationException', 400);
    await expectAwsError(importMaterial(hmacKey, material, { ImportType: 'EXISTING_KEY_MATERIAL' }), 'ValidationException', 400);
    await expectAwsError(importMaterial(hmacKey, material, { KeyMaterialDescription: 'mac key' }), 'ValidationException', 400);
    assert.equal((await describe_(hmacKey)).KeyState, 'PendingImport');
    await importMaterial(hmacKey, material);
    assert.equal((await describe_(hmacKey)).KeyState, 'Enabled');
    // A second, different material is refused: HMAC keys keep one material.
    await expectAwsError(importMaterial(hmacKey, randomBytes(32)), 'IncorrectKeyMaterialException', 400);
  });

  it('the oldest material expiring turns the key PendingImport; only an EXISTING import of exactly that material (by id) heals it', async () => {
    const keyId = await externalKey();
    const now = await emulatorNow();
    const oldMaterial = randomBytes(32);
    const newMaterial = randomBytes(32);
    const oldValidTo = new Date(Math.floor(now / 1000) * 1000 + 2 * DAY_MS);
    const newValidTo = new Date(Math.floor(now / 1000) * 1000 + 30 * DAY_MS);
    const oldId = await importMaterial(keyId, oldMaterial, { validTo: oldValidTo });
    const ciphertextOld = await encryptText(keyId, 'old');
    const newId = await importMaterial(keyId, newMaterial, { ImportType: 'NEW_KEY_MATERIAL', validTo: newValidTo });
    await rotate(keyId);
    // DescribeKey's ValidTo is the earliest over the associated materials: the old one's.
    let described = await describe_(keyId);
    assert.equal(described.ExpirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(described.ValidTo?.getTime(), oldValidTo.getTime());
    assert.equal(described.CurrentKeyMaterialId, newId);

    await emu.advanceClock(3 * 86_400); // past the old (NON_CURRENT) material's expiry only
    described = await describe_(keyId);
    assert.equal(described.KeyState, 'PendingImport', 'an expired NON_CURRENT material makes the whole key unusable');
    assert.equal(described.CurrentKeyMaterialId, newId);
    const listed = await listAll(keyId);
    assert.deepEqual(listed.map((r) => [r.KeyMaterialId, r.KeyMaterialState, r.ImportState]), [
      [oldId, 'NON_CURRENT', 'PENDING_IMPORT'],
      [newId, 'CURRENT', 'IMPORTED'],
    ]);
    assert.equal(listed[0].ValidTo, undefined);
    assert.equal(listed[1].ValidTo?.getTime(), newValidTo.getTime());
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })), 'KMSInvalidStateException', 409);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: ciphertextOld.CiphertextBlob })), 'KMSInvalidStateException', 409);

    // The current material again, or the current one named as the old one, does not heal it.
    const renewed = new Date(Math.floor((await emulatorNow()) / 1000) * 1000 + 60 * DAY_MS);
    await expectAwsError(importMaterial(keyId, newMaterial, { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: oldId, validTo: renewed }), 'IncorrectKeyMaterialException', 400);
    await expectAwsError(importMaterial(keyId, randomBytes(32), { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: oldId, validTo: renewed }), 'IncorrectKeyMaterialException', 400);
    await importMaterial(keyId, newMaterial, { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: newId, validTo: renewed });
    assert.equal((await describe_(keyId)).KeyState, 'PendingImport', 'renewing the current material is not enough');

    assert.equal(await importMaterial(keyId, oldMaterial, { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: oldId, validTo: renewed }), oldId);
    described = await describe_(keyId);
    assert.equal(described.KeyState, 'Enabled');
    assert.equal(described.ValidTo?.getTime(), renewed.getTime(), 'both materials now valid to the renewed date');
    assert.equal((await decryptText(ciphertextOld.CiphertextBlob!)).text, 'old');
    assert.equal((await encryptText(keyId, 'y')).KeyMaterialId, newId);
  });

  it('deleting an associated material by id turns the key PendingImport; a pending one deleted by id disappears and another can be imported', async () => {
    const keyId = await externalKey();
    const firstMaterial = randomBytes(32);
    const first = await importMaterial(keyId, firstMaterial);
    const second = await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });

    const deletedPending = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId, KeyMaterialId: second }));
    assert.equal(deletedPending.KeyMaterialId, second);
    assert.equal(deletedPending.KeyId, `arn:aws:kms:us-east-1:111122223333:key/${keyId}`);
    assert.equal((await describe_(keyId)).KeyState, 'Enabled', 'a pending material is not associated: its deletion leaves the key alone');
    assert.deepEqual((await listAll(keyId)).map((r) => r.KeyMaterialId), [first]);
    await expectAwsError(kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId, KeyMaterialId: second })), 'NotFoundException', 404);

    const replacement = await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });
    await rotate(keyId);
    assert.equal((await describe_(keyId)).CurrentKeyMaterialId, replacement);

    // The NON_CURRENT first material deleted by id: the key is PendingImport until exactly it comes back.
    const deleted = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId, KeyMaterialId: first }));
    assert.equal(deleted.KeyMaterialId, first);
    const described = await describe_(keyId);
    assert.equal(described.KeyState, 'PendingImport');
    assert.equal(described.CurrentKeyMaterialId, replacement);
    await importMaterial(keyId, firstMaterial, { KeyMaterialId: first });
    assert.equal((await describe_(keyId)).KeyState, 'Enabled');

    // Omitted KeyMaterialId: the current material.
    const deletedCurrent = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId }));
    assert.equal(deletedCurrent.KeyMaterialId, replacement);
    assert.equal((await describe_(keyId)).KeyState, 'PendingImport');
  });

  it('a pending material that expires becomes PENDING_IMPORT without touching the key state; rotating to it is refused until it is imported again', async () => {
    const keyId = await externalKey();
    await importMaterial(keyId, randomBytes(32));
    const now = await emulatorNow();
    const pendingMaterial = randomBytes(32);
    const pending = await importMaterial(keyId, pendingMaterial, { ImportType: 'NEW_KEY_MATERIAL', validTo: new Date(Math.floor(now / 1000) * 1000 + DAY_MS) });
    // The pending material is not associated: DescribeKey's expiry ignores it.
    assert.equal((await describe_(keyId)).ExpirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    await emu.advanceClock(2 * 86_400);
    assert.equal((await describe_(keyId)).KeyState, 'Enabled');
    assert.deepEqual((await listAll(keyId)).map((r) => [r.KeyMaterialState, r.ImportState]), [['CURRENT', 'IMPORTED'], ['PENDING_ROTATION', 'PENDING_IMPORT']]);
    await expectAwsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })), 'KMSInvalidStateException', 409);
    await importMaterial(keyId, pendingMaterial, { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: pending });
    await rotate(keyId);
    assert.equal((await describe_(keyId)).CurrentKeyMaterialId, pending);
  });

  it('ListKeyRotations pages with Limit and Marker (Truncated, NextMarker); Limit is 1..1000', async () => {
    const keyId = await externalKey();
    const ids = [await importMaterial(keyId, randomBytes(32))];
    for (let i = 0; i < 3; i++) {
      ids.push(await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' }));
      await rotate(keyId);
    }
    ids.push(await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' }));
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Limit: 1, ...(marker ? { Marker: marker } : {}) }));
      pages++;
      assert.equal(page.Rotations?.length, 1);
      seen.push(page.Rotations![0].KeyMaterialId!);
      assert.equal(page.Truncated, page.NextMarker !== undefined);
      marker = page.NextMarker;
    } while (marker);
    assert.equal(pages, 5);
    assert.deepEqual(seen, ids, 'oldest first, the pending one last');
    await expectAwsError(kms.send(new ListKeyRotationsCommand({ KeyId: keyId, Limit: 1001 })), 'ValidationException', 400);
    await expectAwsError(kms.send(new ListKeyRotationsCommand({ KeyId: keyId, Marker: 'not-ours' })), 'InvalidMarkerException', 400);
  });

  it(`${MAX_ON_DEMAND_ROTATIONS} on-demand rotations per key, then LimitExceededException`, async () => {
    await control(emu.url, 'POST', '/_emulator/rotation', { delaySeconds: 0 });
    const keyId = await externalKey();
    await importMaterial(keyId, randomBytes(32));
    for (let i = 0; i < MAX_ON_DEMAND_ROTATIONS; i++) {
      await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    }
    assert.equal((await listAll(keyId)).length, MAX_ON_DEMAND_ROTATIONS + 1);
    await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });
    await expectAwsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })), 'LimitExceededException', 400);
  });

  it('a key KMS made (AWS_KMS) rotates on demand to fresh material; old ciphertexts still decrypt', async () => {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const before = await encryptText(keyId, 'generated');
    await rotate(keyId);
    const after = await encryptText(keyId, 'rotated');
    assert.notEqual(after.KeyMaterialId, before.KeyMaterialId);
    assert.equal((await decryptText(before.CiphertextBlob!)).text, 'generated');
    const rotations = (await kms.send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations ?? [];
    assert.deepEqual(rotations.map((r) => [r.KeyMaterialId, r.KeyMaterialState, r.RotationType]), [[after.KeyMaterialId, 'CURRENT', 'ON_DEMAND']]);
    assert.equal(rotations[0].ImportState, undefined, 'import fields are for EXTERNAL keys only');
  });

  it('counts the rotation operations by name', async () => {
    const keyId = await externalKey();
    await importMaterial(keyId, randomBytes(32));
    await importMaterial(keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    await listAll(keyId);
    await listAll(keyId);
    const counts = await emu.requestCounts();
    assert.equal(counts['aws:RotateKeyOnDemand'], 1);
    assert.equal(counts['aws:GetKeyRotationStatus'], 1);
    assert.equal(counts['aws:ListKeyRotations'], 2);
  });
});

describe('emulator / AWS: the rotation delay as a start option', () => {
  it('startEmulator({rotationDelaySeconds}) sets it; a negative one is refused before anything starts', async () => {
    const emulator = await startEmulator({ rotationDelaySeconds: 7 });
    try {
      assert.deepEqual(await control(emulator.url, 'GET', '/_emulator/rotation'), { delaySeconds: 7 });
      await control(emulator.url, 'POST', '/_emulator/rotation', { delaySeconds: 1 });
      await control(emulator.url, 'POST', '/_emulator/reset');
      assert.deepEqual(await control(emulator.url, 'GET', '/_emulator/rotation'), { delaySeconds: 7 }, 'reset restores the start option');
    } finally {
      await emulator.close();
    }
    await assert.rejects(startEmulator({ rotationDelaySeconds: -1 }), /rotationDelaySeconds/);
  });
});
