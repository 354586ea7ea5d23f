// Expiry on the emulator clock: material past ValidTo is gone (key back to PendingImport) on the
// next access, the same material brings it back, and keys past their deletion date vanish.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CreateKeyCommand, DescribeKeyCommand, EncryptCommand, DecryptCommand, GetParametersForImportCommand, ImportKeyMaterialCommand,
  ScheduleKeyDeletionCommand, ListKeysCommand,
} from '@aws-sdk/client-kms';
import { wrapKeyMaterial } from '../../../../core/wrapping';
import { control } from '../../../support/emulator';
import { expectAwsError, useKmsOnEmulator } from '../../../support/aws-client';

describe('emulator / AWS: expiry by moving the clock', () => {
  const aws = useKmsOnEmulator();
  const { emu } = aws;

  async function importInto(keyId: string, material: Buffer, validTo?: Date): Promise<void> {
    const p = await aws.kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
    const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: Buffer.from(p.PublicKey!), material });
    await aws.kms.send(
      new ImportKeyMaterialCommand({
        KeyId: keyId,
        ImportToken: p.ImportToken,
        EncryptedKeyMaterial: wrapped,
        ...(validTo ? { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo } : { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
      }),
    );
  }

  async function emulatorNow(): Promise<number> {
    return Date.parse(((await control(emu.url, 'GET', '/_emulator/clock')) as { now: string }).now);
  }

  it('GET/POST /_emulator/clock read, advance and set the clock', async () => {
    const before = await emulatorNow();
    assert.ok(Math.abs(before - Date.now()) < 5_000);
    const advanced = Date.parse(await emu.advanceClock(3600));
    assert.ok(Math.abs(advanced - before - 3_600_000) < 5_000);
    const set = Date.parse(await emu.setClock('2031-05-01T00:00:00Z'));
    assert.ok(Math.abs(set - Date.parse('2031-05-01T00:00:00Z')) < 5_000);
    await assert.rejects(control(emu.url, 'POST', '/_emulator/clock', { advanceSeconds: 'soon' }), /advanceSeconds/);
    await assert.rejects(control(emu.url, 'POST', '/_emulator/clock', { now: 'not a date' }), /'now'/);
    await assert.rejects(control(emu.url, 'POST', '/_emulator/clock', {}), /exactly one/);
  });

  it('material expires when the clock passes ValidTo: PendingImport, Encrypt refused; the same material brings the key back', async () => {
    const keyId = (await aws.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    const material = randomBytes(32);
    const validTo = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * 86_400_000);
    await importInto(keyId, material, validTo);
    const encrypted = await aws.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('before expiry') }));
    const live = (await aws.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    assert.equal(live.KeyState, 'Enabled');
    assert.equal(live.ExpirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(live.ValidTo?.getTime(), validTo.getTime());

    await emu.advanceClock(86_400); // one day: still valid
    assert.equal((await aws.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Enabled');

    await emu.advanceClock(86_400 + 60); // past ValidTo
    const expired = (await aws.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    assert.equal(expired.KeyState, 'PendingImport');
    assert.equal(expired.Enabled, false);
    assert.equal(expired.ValidTo, undefined);
    await expectAwsError(aws.kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })), 'KMSInvalidStateException', 409);

    // Different material is still refused after expiry; the same material works.
    const p = await aws.kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
    await expectAwsError(
      aws.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: Buffer.from(p.PublicKey!), material: randomBytes(32) }), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })),
      'IncorrectKeyMaterialException',
      400,
    );
    await importInto(keyId, material);
    const decrypted = await aws.kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }));
    assert.equal(Buffer.from(decrypted.Plaintext!).toString(), 'before expiry');
  });

  it('ValidTo is judged against the emulator clock (365 days from the moved clock)', async () => {
    const keyId = (await aws.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    await emu.advanceClock(400 * 86_400);
    // 380 days after real time is in the emulator's past now.
    await assert.rejects(importInto(keyId, randomBytes(32), new Date(Date.now() + 380 * 86_400_000)), (e: Error) => e.name === 'ValidationException');
    await importInto(keyId, randomBytes(32), new Date(Date.now() + 500 * 86_400_000));
  });

  it('a key past its deletion date is gone: NotFoundException and absent from ListKeys', async () => {
    const keyId = (await aws.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    await aws.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    await emu.advanceClock(6 * 86_400);
    assert.equal((await aws.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingDeletion');
    await emu.advanceClock(86_400 + 60);
    await expectAwsError(aws.kms.send(new DescribeKeyCommand({ KeyId: keyId })), 'NotFoundException', 404);
    assert.ok(!(await aws.kms.send(new ListKeysCommand({}))).Keys!.some((k) => k.KeyId === keyId));
  });
});
