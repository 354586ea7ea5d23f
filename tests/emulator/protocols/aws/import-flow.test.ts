// The whole AWS import flow against the emulator, driven by the unmodified @aws-sdk/client-kms:
// symmetric (proved by Encrypt/Decrypt), HMAC (GenerateMac vs a locally computed HMAC) and RSA
// (GetPublicKey vs the imported private key's public key), plus key ids / ARNs / aliases, tags.

import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateMacCommand,
  GetParametersForImportCommand, GetPublicKeyCommand, ImportKeyMaterialCommand, ListAliasesCommand, ListKeysCommand,
  ListResourceTagsCommand, TagResourceCommand, VerifyMacCommand, DeleteImportedKeyMaterialCommand, EnableKeyCommand,
  DisableKeyCommand, ScheduleKeyDeletionCommand, CancelKeyDeletionCommand, type KMSClient, type WrappingKeySpec, type AlgorithmSpec,
} from '@aws-sdk/client-kms';
import { wrapKeyMaterial, type WrappingAlgorithm } from '../../../../core/wrapping';
import { useEmulator } from '../../../support/emulator';
import { expectAwsError, kmsClient, REGION } from '../../../support/aws-client';

/** CreateKey(EXTERNAL) → GetParametersForImport → wrap locally → ImportKeyMaterial. */
async function importNewKey(
  kms: KMSClient,
  opts: { keySpec: string; keyUsage?: string; material: Buffer; algorithm: WrappingAlgorithm; wrappingKeySpec?: WrappingKeySpec; validTo?: Date },
): Promise<{ keyId: string; keyMaterialId?: string }> {
  const created = await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: opts.keySpec as never, KeyUsage: opts.keyUsage as never }));
  const keyId = created.KeyMetadata!.KeyId!;
  assert.equal(created.KeyMetadata!.KeyState, 'PendingImport');
  assert.equal(created.KeyMetadata!.Enabled, false);
  const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: opts.algorithm as AlgorithmSpec, WrappingKeySpec: opts.wrappingKeySpec ?? 'RSA_2048' }));
  const wrapped = wrapKeyMaterial({ algorithm: opts.algorithm, publicKey: Buffer.from(params.PublicKey!), material: opts.material });
  const imported = await kms.send(
    new ImportKeyMaterialCommand({
      KeyId: keyId,
      ImportToken: params.ImportToken,
      EncryptedKeyMaterial: wrapped,
      ...(opts.validTo ? { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: opts.validTo } : { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
    }),
  );
  return { keyId, keyMaterialId: imported.KeyMaterialId };
}

describe('emulator / AWS: the import flow with the unmodified AWS SDK', () => {
  const emu = useEmulator();
  let kms: KMSClient;
  before(() => {
    kms = kmsClient(emu.url);
  });

  it('imports a symmetric key: the key becomes Enabled and Encrypt/Decrypt round-trip under the imported material', async () => {
    const material = randomBytes(32);
    const { keyId, keyMaterialId } = await importNewKey(kms, { keySpec: 'SYMMETRIC_DEFAULT', material, algorithm: 'RSAES_OAEP_SHA_256' });
    assert.match(keyMaterialId ?? '', /^[0-9a-f]{64}$/);
    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    assert.equal(described.KeyMetadata!.KeyState, 'Enabled');
    assert.equal(described.KeyMetadata!.Enabled, true);
    assert.equal(described.KeyMetadata!.ExpirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(described.KeyMetadata!.Arn, `arn:aws:kms:${REGION}:111122223333:key/${keyId}`);

    const plaintext = Buffer.from('attack at dawn');
    const encrypted = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: { purpose: 'test' } }));
    // The blob names its key, as AWS's do: Decrypt needs no KeyId.
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { purpose: 'test' } }));
    assert.deepEqual(Buffer.from(decrypted.Plaintext!), plaintext);
    assert.equal(decrypted.KeyId, described.KeyMetadata!.Arn);
    // Wrong encryption context → InvalidCiphertextException.
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { purpose: 'other' } })), 'InvalidCiphertextException', 400);
  });

  for (const algorithm of ['RSAES_OAEP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'] as const) {
    it(`accepts symmetric material wrapped with ${algorithm} (RSA_3072 wrapping key)`, async () => {
      const material = randomBytes(32);
      const { keyId } = await importNewKey(kms, { keySpec: 'SYMMETRIC_DEFAULT', material, algorithm, wrappingKeySpec: 'RSA_3072' });
      const encrypted = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
      const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }));
      assert.equal(Buffer.from(decrypted.Plaintext!).toString(), 'x');
    });
  }

  it('imports an HMAC_256 key: GenerateMac equals a locally computed HMAC-SHA-256 and VerifyMac accepts it', async () => {
    const material = randomBytes(48);
    const { keyId } = await importNewKey(kms, { keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC', material, algorithm: 'RSAES_OAEP_SHA_256' });
    const message = Buffer.from('the message');
    const mac = await kms.send(new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
    assert.deepEqual(Buffer.from(mac.Mac!), createHmac('sha256', material).update(message).digest());
    const verified = await kms.send(new VerifyMacCommand({ KeyId: keyId, Message: message, Mac: mac.Mac, MacAlgorithm: 'HMAC_SHA_256' }));
    assert.equal(verified.MacValid, true);
    const forged = Buffer.from(mac.Mac!);
    forged[0] ^= 1;
    await expectAwsError(kms.send(new VerifyMacCommand({ KeyId: keyId, Message: message, Mac: forged, MacAlgorithm: 'HMAC_SHA_256' })), 'KMSInvalidMacException', 400);
    await expectAwsError(kms.send(new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: 'HMAC_SHA_512' })), 'InvalidKeyUsageException', 400);
  });

  it('imports an RSA_2048 signing key with RSA_AES_KEY_WRAP_SHA_256: GetPublicKey is the imported private key’s public key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer;
    const { keyId } = await importNewKey(kms, { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', material: pkcs8, algorithm: 'RSA_AES_KEY_WRAP_SHA_256', wrappingKeySpec: 'RSA_4096' });
    const pub = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    const expected = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }) as Buffer;
    assert.deepEqual(Buffer.from(pub.PublicKey!), expected);
    assert.equal(pub.KeySpec, 'RSA_2048');
    assert.equal(pub.KeyUsage, 'SIGN_VERIFY');
    assert.ok(pub.SigningAlgorithms?.includes('RSASSA_PSS_SHA_256'));
  });

  it('imports an ECC_NIST_P256 key with RSAES_OAEP_SHA_256: GetPublicKey matches', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer;
    const { keyId } = await importNewKey(kms, { keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY', material: pkcs8, algorithm: 'RSAES_OAEP_SHA_256' });
    const pub = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    assert.deepEqual(Buffer.from(pub.PublicKey!), createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
  });

  it('reimports the same material with a new ValidTo in place, and after DeleteImportedKeyMaterial the key is PendingImport until reimported', async () => {
    const material = randomBytes(32);
    const first = await importNewKey(kms, { keySpec: 'SYMMETRIC_DEFAULT', material, algorithm: 'RSAES_OAEP_SHA_256', validTo: new Date(Date.now() + 10 * 86_400_000) });
    const reimport = async (validTo: Date): Promise<string | undefined> => {
      const params = await kms.send(new GetParametersForImportCommand({ KeyId: first.keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
      const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: Buffer.from(params.PublicKey!), material });
      const out = await kms.send(new ImportKeyMaterialCommand({ KeyId: first.keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo }));
      return out.KeyMaterialId;
    };
    const later = new Date(Math.floor(Date.now() / 1000) * 1000 + 100 * 86_400_000);
    assert.equal(await reimport(later), first.keyMaterialId, 'same material keeps its KeyMaterialId');
    const described = await kms.send(new DescribeKeyCommand({ KeyId: first.keyId }));
    assert.equal(described.KeyMetadata!.ValidTo?.getTime(), later.getTime());
    assert.equal(described.KeyMetadata!.KeyState, 'Enabled');

    const deleted = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: first.keyId }));
    assert.equal(deleted.KeyMaterialId, first.keyMaterialId);
    const afterDelete = await kms.send(new DescribeKeyCommand({ KeyId: first.keyId }));
    assert.equal(afterDelete.KeyMetadata!.KeyState, 'PendingImport');
    assert.equal(afterDelete.KeyMetadata!.ValidTo, undefined);
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: first.keyId, Plaintext: Buffer.from('x') })), 'KMSInvalidStateException', 409);
    await reimport(later);
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: first.keyId }))).KeyMetadata!.KeyState, 'Enabled');
  });

  it('accepts key ids, key ARNs and alias names where AWS does, and lists keys, aliases and tags', async () => {
    const material = randomBytes(32);
    const { keyId } = await importNewKey(kms, { keySpec: 'SYMMETRIC_DEFAULT', material, algorithm: 'RSAES_OAEP_SHA_256' });
    const arn = `arn:aws:kms:${REGION}:111122223333:key/${keyId}`;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/flow-test', TargetKeyId: arn }));
    for (const ref of [keyId, arn, 'alias/flow-test', `arn:aws:kms:${REGION}:111122223333:alias/flow-test`]) {
      const described = await kms.send(new DescribeKeyCommand({ KeyId: ref }));
      assert.equal(described.KeyMetadata!.KeyId, keyId, ref);
    }
    const encrypted = await kms.send(new EncryptCommand({ KeyId: 'alias/flow-test', Plaintext: Buffer.from('via alias') }));
    assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, KeyId: 'alias/flow-test' }))).Plaintext!).toString(), 'via alias');
    // GetParametersForImport takes a key id or ARN only.
    await expectAwsError(kms.send(new GetParametersForImportCommand({ KeyId: 'alias/flow-test', WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })), 'NotFoundException', 404);
    await expectAwsError(kms.send(new CreateAliasCommand({ AliasName: 'alias/flow-test', TargetKeyId: keyId })), 'AlreadyExistsException', 400);

    const aliases = await kms.send(new ListAliasesCommand({ KeyId: keyId }));
    assert.deepEqual(aliases.Aliases!.map((a) => a.AliasName), ['alias/flow-test']);
    const keys = await kms.send(new ListKeysCommand({}));
    assert.ok(keys.Keys!.some((k) => k.KeyId === keyId && k.KeyArn === arn));

    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'team', TagValue: 'crypto' }, { TagKey: 'env', TagValue: 'test' }] }));
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: arn }));
    assert.deepEqual(tags.Tags, [{ TagKey: 'env', TagValue: 'test' }, { TagKey: 'team', TagValue: 'crypto' }]);
  });

  it('ListKeys paginates with Limit and Marker', async () => {
    for (let i = 0; i < 3; i++) await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    const all = (await kms.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyId);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await kms.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
      assert.ok(page.Keys!.length <= 2);
      seen.push(...page.Keys!.map((k) => k.KeyId!));
      marker = page.Truncated ? page.NextMarker : undefined;
    } while (marker);
    assert.deepEqual(seen, all);
  });

  it('walks the key state machine: Disable/Enable, ScheduleKeyDeletion 7–30 days, CancelKeyDeletion back to Disabled', async () => {
    const { keyId } = await importNewKey(kms, { keySpec: 'SYMMETRIC_DEFAULT', material: randomBytes(32), algorithm: 'RSAES_OAEP_SHA_256' });
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Disabled');
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })), 'DisabledException', 400);
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    assert.equal(scheduled.KeyState, 'PendingDeletion');
    assert.equal(scheduled.PendingWindowInDays, 7);
    assert.ok(Math.abs(scheduled.DeletionDate!.getTime() - (Date.now() + 7 * 86_400_000)) < 60_000);
    await expectAwsError(kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 })), 'KMSInvalidStateException', 409);
    await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Disabled');
  });

  it('in a China Region imports with SM2PKE and an SM2 wrapping key (aws-cn ARNs); elsewhere SM2PKE is refused', async () => {
    const cn = kmsClient(emu.url, { region: 'cn-north-1' });
    const material = randomBytes(32);
    const { keyId } = await importNewKey(cn, { keySpec: 'SYMMETRIC_DEFAULT', material, algorithm: 'SM2PKE', wrappingKeySpec: 'SM2' });
    const described = await cn.send(new DescribeKeyCommand({ KeyId: keyId }));
    assert.equal(described.KeyMetadata!.Arn, `arn:aws-cn:kms:cn-north-1:111122223333:key/${keyId}`);
    const encrypted = await cn.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('sm2') }));
    assert.equal(Buffer.from((await cn.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }))).Plaintext!).toString(), 'sm2');
    // Keys live per region: the us-east-1 namespace does not see it.
    await expectAwsError(kmsClient(emu.url, { maxAttempts: 1 }).send(new DescribeKeyCommand({ KeyId: keyId })), 'NotFoundException', 404);
    const usKey = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    await expectAwsError(kms.send(new GetParametersForImportCommand({ KeyId: usKey, WrappingAlgorithm: 'SM2PKE', WrappingKeySpec: 'SM2' })), 'ValidationException', 400);
  });

  it('makes its own material for Origin AWS_KMS keys (Encrypt/Decrypt work without an import)', async () => {
    const created = await kms.send(new CreateKeyCommand({}));
    assert.equal(created.KeyMetadata!.KeyState, 'Enabled');
    assert.equal(created.KeyMetadata!.Origin, 'AWS_KMS');
    const encrypted = await kms.send(new EncryptCommand({ KeyId: created.KeyMetadata!.KeyId, Plaintext: Buffer.from('own') }));
    assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }))).Plaintext!).toString(), 'own');
    await expectAwsError(kms.send(new GetParametersForImportCommand({ KeyId: created.KeyMetadata!.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })), 'UnsupportedOperationException', 400);
  });
});
