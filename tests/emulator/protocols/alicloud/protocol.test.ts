// The Alibaba RPC protocol of the emulator, driven by the unmodified @alicloud/kms20160120 client and
// by an independent hand-written signer (GET, form-body POST, and both at once).

import { strict as assert } from 'node:assert';
import { createPublicKey, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator } from '../../../../emulator';
import * as $Kms from '@alicloud/kms20160120';
import { control, useEmulator } from '../../../support/emulator';
import { wrapKeyMaterial, type WrappingAlgorithm } from '../../../../core/wrapping';
import { decryptWithMaterial } from '../../../../emulator/key-crypto';
import { acs3Call, commonParams, rawCall, sdkClient, sdkFailure, sign, type Shape } from '../../../support/alicloud-client';

const DAY = 86_400;

describe('emulator: Alibaba Cloud KMS protocol', () => {
  const logLines: string[] = [];
  const emu = useEmulator({ log: (line) => logLines.push(line) });
  const materials: Buffer[] = [];
  const newMaterial = (bytes = 32): Buffer => {
    const m = randomBytes(bytes);
    materials.push(m);
    return m;
  };

  async function createExternalKey(keySpec = 'Aliyun_AES_256', protectionLevel?: string): Promise<string> {
    const reply = await sdkClient(emu.url).createKey(new $Kms.CreateKeyRequest({ origin: 'EXTERNAL', keySpec, ...(protectionLevel ? { protectionLevel } : {}) }));
    return reply.keyMetadata.keyId;
  }

  async function importInto(keyId: string, material: Buffer, options: { algorithm?: WrappingAlgorithm; spec?: string; expireUnix?: number } = {}): Promise<void> {
    const algorithm = options.algorithm ?? 'RSAES_OAEP_SHA_256';
    const client = sdkClient(emu.url);
    const p = await client.getParametersForImport(new $Kms.GetParametersForImportRequest({ keyId, wrappingAlgorithm: algorithm, wrappingKeySpec: options.spec ?? 'RSA_2048' }));
    const wrapped = wrapKeyMaterial({ algorithm, publicKey: Buffer.from(p.publicKey, 'base64'), material });
    await client.importKeyMaterial(new $Kms.ImportKeyMaterialRequest({
      keyId, importToken: p.importToken, encryptedKeyMaterial: wrapped.toString('base64'), keyMaterialExpireUnix: options.expireUnix ?? 0,
    }));
  }

  const describe_ = async (keyId: string) => (await sdkClient(emu.url).describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata;
  const nowUnix = () => Math.floor(emu.running.clock.now() / 1000);

  describe('the import flow with the SDK client', () => {
    it('creates an EXTERNAL key pending import, with Alibaba\'s metadata shape', async () => {
      const reply = await sdkClient(emu.url).createKey(new $Kms.CreateKeyRequest({ origin: 'EXTERNAL', keySpec: 'Aliyun_AES_256', description: 'byok' }));
      const m = reply.keyMetadata;
      assert.equal(m.keyState, 'PendingImport');
      assert.equal(m.origin, 'EXTERNAL');
      assert.equal(m.keySpec, 'Aliyun_AES_256');
      assert.equal(m.keyUsage, 'ENCRYPT/DECRYPT');
      assert.equal(m.protectionLevel, 'SOFTWARE');
      assert.equal(m.materialExpireTime, '');
      assert.match(m.arn, new RegExp(`^acs:kms:cn-hangzhou:\\d+:key/${m.keyId}$`));
      assert.match(m.creationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(reply.requestId, /^[0-9a-f-]{36}$/);
    });

    it('returns a fresh RSA-2048 public key as base64 DER and TokenExpireTime 24 h ahead in ISO UTC', async () => {
      const keyId = await createExternalKey();
      const client = sdkClient(emu.url);
      const request = new $Kms.GetParametersForImportRequest({ keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' });
      const [a, b] = [await client.getParametersForImport(request), await client.getParametersForImport(request)];
      const key = createPublicKey({ key: Buffer.from(a.publicKey, 'base64'), format: 'der', type: 'spki' });
      assert.equal(key.asymmetricKeyType, 'rsa');
      assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
      assert.notEqual(a.publicKey, b.publicKey);
      assert.notEqual(a.importToken, b.importToken);
      assert.equal(a.keyId, keyId);
      assert.match(a.tokenExpireTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const ahead = Date.parse(a.tokenExpireTime) - emu.running.clock.now();
      assert.ok(ahead > DAY * 1000 - 5000 && ahead <= DAY * 1000, `token lifetime ${ahead} ms`);
    });

    for (const algorithm of ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'] as const) {
      it(`imports material wrapped with ${algorithm}, and Encrypt/Decrypt prove it is that material`, async () => {
        const keyId = await createExternalKey();
        const material = newMaterial();
        const expireUnix = nowUnix() + 30 * DAY;
        await importInto(keyId, material, { algorithm, expireUnix });
        const m = await describe_(keyId);
        assert.equal(m.keyState, 'Enabled');
        assert.equal(m.materialExpireTime, new Date(expireUnix * 1000).toISOString().replace('.000Z', 'Z'));
        const client = sdkClient(emu.url);
        const context = JSON.stringify({ purpose: 'test' });
        const enc = await client.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'aGVsbG8=', encryptionContext: { purpose: 'test' } }));
        assert.equal(enc.keyId, keyId);
        const dec = await client.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: enc.ciphertextBlob, encryptionContext: { purpose: 'test' } }));
        assert.equal(dec.plaintext, 'aGVsbG8=');
        // Decrypting locally with the material we imported proves the key holds exactly it.
        const local = decryptWithMaterial(keyId, material, Buffer.from(enc.ciphertextBlob, 'base64'), JSON.parse(context));
        assert.equal(local.toString('utf8'), 'aGVsbG8=');
        // The context is bound: without it (or with another) the ciphertext does not decrypt.
        const f = await sdkFailure(client.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: enc.ciphertextBlob, encryptionContext: { purpose: 'other' } })));
        assert.deepEqual([f.status, f.code], [400, 'InvalidCiphertext']);
      });
    }

    it('imports material that never expires when KeyMaterialExpireUnix is 0', async () => {
      const keyId = await createExternalKey();
      await importInto(keyId, newMaterial(), { expireUnix: 0 });
      const m = await describe_(keyId);
      assert.equal(m.keyState, 'Enabled');
      assert.equal(m.materialExpireTime, '');
    });

    it('imports SM2PKE-wrapped (EC_SM2) 16-byte material into an Aliyun_SM4 HSM key', async () => {
      const keyId = await createExternalKey('Aliyun_SM4', 'HSM');
      assert.equal((await describe_(keyId)).protectionLevel, 'HSM');
      await importInto(keyId, newMaterial(16), { algorithm: 'SM2PKE', spec: 'EC_SM2' });
      assert.equal((await describe_(keyId)).keyState, 'Enabled');
      const client = sdkClient(emu.url);
      const enc = await client.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'sm4' }));
      assert.equal((await client.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: enc.ciphertextBlob }))).plaintext, 'sm4');
    });

    it('refuses EC_SM2 for a SOFTWARE key, and SM4 without HSM', async () => {
      const keyId = await createExternalKey();
      const client = sdkClient(emu.url);
      const f = await sdkFailure(client.getParametersForImport(new $Kms.GetParametersForImportRequest({ keyId, wrappingAlgorithm: 'SM2PKE', wrappingKeySpec: 'EC_SM2' })));
      assert.deepEqual([f.status, f.code], [400, 'InvalidParameter']);
      assert.match(f.message, /ProtectionLevel HSM/);
      const g = await sdkFailure(client.createKey(new $Kms.CreateKeyRequest({ origin: 'EXTERNAL', keySpec: 'Aliyun_SM4', protectionLevel: 'SOFTWARE' })));
      assert.deepEqual([g.status, g.code], [400, 'InvalidParameter']);
      const h = await sdkFailure(client.getParametersForImport(new $Kms.GetParametersForImportRequest({ keyId, wrappingAlgorithm: 'SM2PKE', wrappingKeySpec: 'RSA_2048' })));
      assert.match(h.message, /WrappingAlgorithm.*RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSAES_PKCS1_V1_5/);
    });
  });

  describe('expiry, deletion and the same-material rule', () => {
    it('expires material on the emulator clock: PendingImport, empty MaterialExpireTime, Encrypt refused; the same material brings it back', async () => {
      const keyId = await createExternalKey();
      const material = newMaterial();
      await importInto(keyId, material, { expireUnix: nowUnix() + 3600 });
      const client = sdkClient(emu.url);
      const before = await client.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'kept' }));
      await emu.advanceClock(2 * 3600);
      const m = await describe_(keyId);
      assert.equal(m.keyState, 'PendingImport');
      assert.equal(m.materialExpireTime, '');
      const f = await sdkFailure(client.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'x' })));
      assert.deepEqual([f.status, f.code], [409, 'Rejected.PendingImport']);
      await importInto(keyId, material);
      assert.equal((await describe_(keyId)).keyState, 'Enabled');
      assert.equal((await client.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: before.ciphertextBlob }))).plaintext, 'kept');
    });

    it('DeleteKeyMaterial puts the key back to PendingImport; other material is refused, the same is accepted', async () => {
      const keyId = await createExternalKey();
      const material = newMaterial();
      await importInto(keyId, material);
      await sdkClient(emu.url).deleteKeyMaterial(new $Kms.DeleteKeyMaterialRequest({ keyId }));
      assert.equal((await describe_(keyId)).keyState, 'PendingImport');
      const f = await sdkFailure(importInto(keyId, newMaterial()));
      assert.deepEqual([f.status, f.code], [400, 'InvalidParameter.KeyMaterialMismatch']);
      await importInto(keyId, material);
      assert.equal((await describe_(keyId)).keyState, 'Enabled');
    });

    it('reimports the same material in place over live material with a new expiry', async () => {
      const keyId = await createExternalKey();
      const material = newMaterial();
      await importInto(keyId, material, { expireUnix: nowUnix() + DAY });
      const later = nowUnix() + 90 * DAY;
      await importInto(keyId, material, { expireUnix: later });
      const m = await describe_(keyId);
      assert.equal(m.keyState, 'Enabled');
      assert.equal(Date.parse(m.materialExpireTime) / 1000, later);
    });

    it('refuses an expiry in the past', async () => {
      const keyId = await createExternalKey();
      const f = await sdkFailure(importInto(keyId, newMaterial(), { expireUnix: nowUnix() - 60 }));
      assert.deepEqual([f.status, f.code], [400, 'InvalidParameter.KeyMaterialExpireUnix']);
      assert.equal((await describe_(keyId)).keyState, 'PendingImport');
    });

    it('binds a token to its key and to 24 hours', async () => {
      const [a, b] = [await createExternalKey(), await createExternalKey()];
      const client = sdkClient(emu.url);
      const pa = await client.getParametersForImport(new $Kms.GetParametersForImportRequest({ keyId: a, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' }));
      const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: Buffer.from(pa.publicKey, 'base64'), material: newMaterial() }).toString('base64');
      const other = await sdkFailure(client.importKeyMaterial(new $Kms.ImportKeyMaterialRequest({ keyId: b, importToken: pa.importToken, encryptedKeyMaterial: wrapped, keyMaterialExpireUnix: 0 })));
      assert.deepEqual([other.status, other.code], [400, 'InvalidParameter.ImportToken']);
      const garbage = await sdkFailure(client.importKeyMaterial(new $Kms.ImportKeyMaterialRequest({ keyId: a, importToken: 'bm90LWEtdG9rZW4=', encryptedKeyMaterial: wrapped, keyMaterialExpireUnix: 0 })));
      assert.equal(garbage.code, 'InvalidParameter.ImportToken');
      await emu.advanceClock(DAY + 60);
      const expired = await sdkFailure(client.importKeyMaterial(new $Kms.ImportKeyMaterialRequest({ keyId: a, importToken: pa.importToken, encryptedKeyMaterial: wrapped, keyMaterialExpireUnix: 0 })));
      assert.deepEqual([expired.status, expired.code], [400, 'InvalidParameter.ImportTokenExpired']);
    });

    it('refuses wrapped material the token\'s key cannot unwrap', async () => {
      const keyId = await createExternalKey();
      const client = sdkClient(emu.url);
      const p = await client.getParametersForImport(new $Kms.GetParametersForImportRequest({ keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' }));
      const f = await sdkFailure(client.importKeyMaterial(new $Kms.ImportKeyMaterialRequest({ keyId, importToken: p.importToken, encryptedKeyMaterial: randomBytes(256).toString('base64'), keyMaterialExpireUnix: 0 })));
      assert.deepEqual([f.status, f.code], [400, 'InvalidParameter.EncryptedKeyMaterial']);
    });

    it('schedules deletion within 7–366 days; a key pending deletion refuses imports and a second schedule', async () => {
      const keyId = await createExternalKey();
      const client = sdkClient(emu.url);
      for (const days of [6, 367]) {
        const f = await sdkFailure(client.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId, pendingWindowInDays: days })));
        assert.deepEqual([f.status, f.code], [400, 'InvalidParameter'], String(days));
      }
      await client.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId, pendingWindowInDays: 7 }));
      const m = await describe_(keyId);
      assert.equal(m.keyState, 'PendingDeletion');
      assert.ok(Math.abs(Date.parse(m.deleteDate) - (emu.running.clock.now() + 7 * DAY * 1000)) < 2000, m.deleteDate);
      const again = await sdkFailure(client.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId, pendingWindowInDays: 7 })));
      assert.deepEqual([again.status, again.code], [409, 'Rejected.PendingDeletion']);
      const gp = await sdkFailure(client.getParametersForImport(new $Kms.GetParametersForImportRequest({ keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' })));
      assert.deepEqual([gp.status, gp.code], [409, 'Rejected.PendingDeletion']);
      await client.cancelKeyDeletion(new $Kms.CancelKeyDeletionRequest({ keyId }));
      assert.equal((await describe_(keyId)).keyState, 'PendingImport');
      await client.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId, pendingWindowInDays: 7 }));
      await emu.advanceClock(8 * DAY);
      const gone = await sdkFailure(client.describeKey(new $Kms.DescribeKeyRequest({ keyId })));
      assert.deepEqual([gone.status, gone.code], [404, 'Forbidden.KeyNotFound']);
    });

    it('disables and enables keys that hold material, and refuses it for keys pending import', async () => {
      const keyId = await createExternalKey();
      const client = sdkClient(emu.url);
      const f = await sdkFailure(client.enableKey(new $Kms.EnableKeyRequest({ keyId })));
      assert.deepEqual([f.status, f.code], [409, 'Rejected.PendingImport']);
      await importInto(keyId, newMaterial());
      await client.disableKey(new $Kms.DisableKeyRequest({ keyId }));
      assert.equal((await describe_(keyId)).keyState, 'Disabled');
      const enc = await sdkFailure(client.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'x' })));
      assert.deepEqual([enc.status, enc.code], [409, 'Rejected.Disabled']);
      await client.enableKey(new $Kms.EnableKeyRequest({ keyId }));
      assert.equal((await describe_(keyId)).keyState, 'Enabled');
    });

    it('finds keys by id, alias and ARN, and answers Forbidden.KeyNotFound (404) otherwise', async () => {
      const keyId = await createExternalKey();
      const client = sdkClient(emu.url);
      await client.createAlias(new $Kms.CreateAliasRequest({ keyId, aliasName: 'alias/byok-test' }));
      assert.equal((await describe_('alias/byok-test')).keyId, keyId);
      const arn = (await describe_(keyId)).arn;
      assert.equal((await describe_(arn)).keyId, keyId);
      const f = await sdkFailure(client.describeKey(new $Kms.DescribeKeyRequest({ keyId: '00000000-0000-0000-0000-000000000000' })));
      assert.deepEqual([f.status, f.code], [404, 'Forbidden.KeyNotFound']);
      const g = await sdkFailure(client.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/none' })));
      assert.deepEqual([g.status, g.code], [404, 'Forbidden.AliasNotFound']);
    });

    it('moves an alias to another key with UpdateAlias and removes it with DeleteAlias; both answer Forbidden.AliasNotFound for an alias that is not there', async () => {
      const [first, second] = [await createExternalKey(), await createExternalKey()];
      const client = sdkClient(emu.url);
      await client.createAlias(new $Kms.CreateAliasRequest({ keyId: first, aliasName: 'alias/moving' }));
      const taken = await sdkFailure(client.createAlias(new $Kms.CreateAliasRequest({ keyId: second, aliasName: 'alias/moving' })));
      assert.deepEqual([taken.status, taken.code], [409, 'EntityAlreadyExists.Alias']);
      await client.updateAlias(new $Kms.UpdateAliasRequest({ keyId: second, aliasName: 'alias/moving' }));
      assert.equal((await describe_('alias/moving')).keyId, second);
      const listed = await client.listAliases(new $Kms.ListAliasesRequest({ pageSize: 100 }));
      assert.deepEqual(listed.aliases.alias.filter((a) => a.aliasName === 'alias/moving').map((a) => a.keyId), [second]);
      await client.deleteAlias(new $Kms.DeleteAliasRequest({ aliasName: 'alias/moving' }));
      const gone = await sdkFailure(client.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/moving' })));
      assert.deepEqual([gone.status, gone.code], [404, 'Forbidden.AliasNotFound']);
      for (const again of [
        client.deleteAlias(new $Kms.DeleteAliasRequest({ aliasName: 'alias/moving' })),
        client.updateAlias(new $Kms.UpdateAliasRequest({ keyId: first, aliasName: 'alias/moving' })),
      ]) {
        const f = await sdkFailure(again);
        assert.deepEqual([f.status, f.code], [404, 'Forbidden.AliasNotFound']);
      }
      assert.equal((await describe_(first)).keyState, 'PendingImport', 'the keys stay');
    });

    it('replaces a description with UpdateKeyDescription, also with an empty one, and refuses one over 8192 characters', async () => {
      const keyId = await createExternalKey();
      const client = sdkClient(emu.url);
      await client.updateKeyDescription(new $Kms.UpdateKeyDescriptionRequest({ keyId, description: 'payments' }));
      assert.equal((await describe_(keyId)).description, 'payments');
      await client.updateKeyDescription(new $Kms.UpdateKeyDescriptionRequest({ keyId, description: '' }));
      assert.equal((await describe_(keyId)).description, '');
      const long = await sdkFailure(client.updateKeyDescription(new $Kms.UpdateKeyDescriptionRequest({ keyId, description: 'x'.repeat(8193) })));
      assert.deepEqual([long.status, long.code], [400, 'InvalidParameter']);
      const missing = await sdkFailure(client.updateKeyDescription(new $Kms.UpdateKeyDescriptionRequest({ keyId: '00000000-0000-0000-0000-000000000000', description: 'x' })));
      assert.deepEqual([missing.status, missing.code], [404, 'Forbidden.KeyNotFound']);
    });
  });

  describe('authentication and request shapes', () => {
    it('rejects a wrong secret with SignatureDoesNotMatch (400) and an unknown access key with InvalidAccessKeyId.NotFound (404)', async () => {
      const wrong = await sdkFailure(sdkClient(emu.url, 'test', 'not-the-secret').describeKey(new $Kms.DescribeKeyRequest({ keyId: 'x' })));
      assert.deepEqual([wrong.status, wrong.code], [400, 'SignatureDoesNotMatch']);
      const unknown = await sdkFailure(sdkClient(emu.url, 'someone-else', 'test').describeKey(new $Kms.DescribeKeyRequest({ keyId: 'x' })));
      assert.deepEqual([unknown.status, unknown.code], [404, 'InvalidAccessKeyId.NotFound']);
    });

    for (const shape of ['GET', 'POST-form', 'POST-mixed'] as Shape[]) {
      it(`serves a second, hand-signed client as ${shape}`, async () => {
        const created = await rawCall(emu.url, shape, { ...commonParams('CreateKey'), Origin: 'EXTERNAL', KeySpec: 'Aliyun_AES_256', Description: "spaces & symbols: !'()*~" });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        const keyId = created.body.KeyMetadata.KeyId as string;
        assert.equal((await describe_(keyId)).description, "spaces & symbols: !'()*~");
        const described = await rawCall(emu.url, shape, { ...commonParams('DescribeKey'), KeyId: keyId });
        assert.equal(described.status, 200);
        assert.equal(described.body.KeyMetadata.KeyState, 'PendingImport');
        assert.ok(described.body.RequestId);
      });
    }

    it('takes EncryptionContext as JSON from other clients, interchangeable with the SDK\'s flattened map', async () => {
      const keyId = await createExternalKey();
      await importInto(keyId, newMaterial());
      const enc = await rawCall(emu.url, 'POST-form', { ...commonParams('Encrypt'), KeyId: keyId, Plaintext: 'p', EncryptionContext: '{"a":"1","b":"2"}' });
      assert.equal(enc.status, 200, JSON.stringify(enc.body));
      const dec = await sdkClient(emu.url).decrypt(new $Kms.DecryptRequest({ ciphertextBlob: enc.body.CiphertextBlob, encryptionContext: { b: '2', a: '1' } }));
      assert.equal(dec.plaintext, 'p');
    });

    it('rejects a request whose parameters changed after signing, and a wrong secret, in every shape', async () => {
      for (const shape of ['GET', 'POST-form', 'POST-mixed'] as Shape[]) {
        const params = { ...commonParams('DescribeKey'), KeyId: 'a' };
        const tampered = await rawCall(emu.url, shape, { ...params, KeyId: 'b' }, 'test', sign(shape === 'GET' ? 'GET' : 'POST', params, 'test'));
        assert.deepEqual([tampered.status, tampered.body.Code], [400, 'SignatureDoesNotMatch'], shape);
        const wrong = await rawCall(emu.url, shape, { ...commonParams('DescribeKey'), KeyId: 'a' }, 'wrong');
        assert.deepEqual([wrong.status, wrong.body.Code], [400, 'SignatureDoesNotMatch'], shape);
        assert.ok(!JSON.stringify(wrong.body).includes('StringToSign'), 'the string to sign is not echoed');
      }
    });

    it('checks Timestamp (present, well formed, within 15 minutes) and SignatureNonce (present, used once)', async () => {
      const { Timestamp: _t, ...noTimestamp } = commonParams('DescribeKey');
      const absent = await rawCall(emu.url, 'GET', noTimestamp);
      assert.deepEqual([absent.status, absent.body.Code], [400, 'IllegalTimestamp']);
      const badFormat = await rawCall(emu.url, 'GET', { ...commonParams('DescribeKey'), Timestamp: '25/11/2026 10:00' });
      assert.deepEqual([badFormat.status, badFormat.body.Code], [400, 'IllegalTimestamp']);
      const stale = await rawCall(emu.url, 'GET', { ...commonParams('DescribeKey'), Timestamp: new Date(Date.now() - 16 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
      assert.deepEqual([stale.status, stale.body.Code], [400, 'InvalidTimeStamp.Expired']);
      const future = await rawCall(emu.url, 'GET', { ...commonParams('DescribeKey'), Timestamp: new Date(Date.now() + 16 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
      assert.equal(future.body.Code, 'InvalidTimeStamp.Expired');
      const { SignatureNonce: _n, ...noNonce } = commonParams('DescribeKey');
      const missing = await rawCall(emu.url, 'GET', noNonce);
      assert.deepEqual([missing.status, missing.body.Code], [400, 'MissingParameter']);
      const params = { ...commonParams('ListKeys') };
      assert.equal((await rawCall(emu.url, 'GET', params)).status, 200);
      const replay = await rawCall(emu.url, 'GET', params);
      assert.deepEqual([replay.status, replay.body.Code], [400, 'SignatureNonceUsed']);
    });

    it('accepts Timestamp on the real clock even when the emulator clock has moved', async () => {
      await emu.advanceClock(10 * DAY);
      assert.equal((await rawCall(emu.url, 'GET', commonParams('ListKeys'))).status, 200);
    });

    it('refuses other signature methods and unknown actions', async () => {
      const md5 = await rawCall(emu.url, 'GET', { ...commonParams('ListKeys'), SignatureMethod: 'HMAC-MD5' });
      assert.deepEqual([md5.status, md5.body.Code], [400, 'InvalidParameter']);
      const unknown = await rawCall(emu.url, 'GET', commonParams('MakeCoffee'));
      assert.deepEqual([unknown.status, unknown.body.Code], [404, 'InvalidApi.NotFound']);
      assert.deepEqual(Object.keys(unknown.body).sort(), ['Code', 'HostId', 'Message', 'RequestId']);
    });

    it('answers in XML when a client asks with Format=XML (success, error and fault)', async () => {
      const get = async (action: string, extra: Record<string, string> = {}) => {
        const params = { ...commonParams(action), Format: 'XML', ...extra };
        const response = await fetch(`${emu.url}/?${new URLSearchParams({ ...params, Signature: sign('GET', params, 'test') })}`);
        return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
      };
      const ok = await get('CreateKey', { Origin: 'EXTERNAL', Description: 'a<b & "c"' });
      assert.equal(ok.status, 200);
      assert.match(ok.type ?? '', /xml/);
      assert.match(ok.text, /^<\?xml version="1\.0" encoding="UTF-8"\?><CreateKeyResponse><KeyMetadata><KeyId>[0-9a-f-]{36}<\/KeyId>/);
      assert.match(ok.text, /<Description>a&lt;b &amp; &quot;c&quot;<\/Description>/);
      assert.match(ok.text, /<KeyState>PendingImport<\/KeyState>.*<\/KeyMetadata><RequestId>/);
      const missing = await get('DescribeKey', { KeyId: '00000000-0000-0000-0000-000000000000' });
      assert.equal(missing.status, 404);
      assert.match(missing.text, /<Error><RequestId>[^<]+<\/RequestId><HostId>[^<]+<\/HostId><Code>Forbidden\.KeyNotFound<\/Code><Message>/);
      await emu.addFault({ target: 'alibaba:ListKeys', throttleRate: 1 });
      try {
        assert.match((await get('ListKeys')).text, /<Code>Throttling\.User<\/Code>/);
      } finally {
        await emu.clearFaults();
      }
      const list = await get('ListKeys', { PageSize: '2' });
      assert.match(list.text, /<Keys><Key><KeyId>[^<]+<\/KeyId><KeyArn>[^<]+<\/KeyArn><\/Key><Key>/);
    });

    it('names missing and malformed parameters', async () => {
      const missing = await rawCall(emu.url, 'GET', commonParams('DescribeKey'));
      assert.deepEqual([missing.status, missing.body.Code], [400, 'MissingParameter']);
      assert.match(missing.body.Message, /"KeyId"/);
      const keyId = (await rawCall(emu.url, 'GET', { ...commonParams('CreateKey'), Origin: 'EXTERNAL' })).body.KeyMetadata.KeyId;
      const notInt = await rawCall(emu.url, 'GET', { ...commonParams('ScheduleKeyDeletion'), KeyId: keyId, PendingWindowInDays: 'seven' });
      assert.deepEqual([notInt.status, notInt.body.Code], [400, 'InvalidParameter']);
      assert.match(notInt.body.Message, /PendingWindowInDays/);
      const spec = await rawCall(emu.url, 'GET', { ...commonParams('CreateKey'), Origin: 'EXTERNAL', KeySpec: 'AES_256' });
      assert.match(spec.body.Message, /KeySpec.*Aliyun_AES_256, Aliyun_SM4/);
    });
  });

  describe('signature V3 (ACS3-HMAC-SHA256) clients', () => {
    it('runs the whole import with V3-signed requests, parameters in the query or in a form body', async () => {
      const created = await acs3Call(emu.url, 'CreateKey', { Origin: 'EXTERNAL', KeySpec: 'Aliyun_AES_256' });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const keyId = created.body.KeyMetadata.KeyId as string;
      const p = await acs3Call(emu.url, 'GetParametersForImport', { KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_1', WrappingKeySpec: 'RSA_2048' }, { inBody: true });
      assert.equal(p.status, 200, JSON.stringify(p.body));
      const material = newMaterial();
      const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_1', publicKey: Buffer.from(p.body.PublicKey, 'base64'), material });
      const imported = await acs3Call(emu.url, 'ImportKeyMaterial', {
        KeyId: keyId, ImportToken: p.body.ImportToken, EncryptedKeyMaterial: wrapped.toString('base64'), KeyMaterialExpireUnix: '0',
      }, { inBody: true });
      assert.equal(imported.status, 200, JSON.stringify(imported.body));
      assert.equal((await describe_(keyId)).keyState, 'Enabled');
      const enc = await acs3Call(emu.url, 'Encrypt', { KeyId: keyId, Plaintext: 'v3' });
      assert.equal(decryptWithMaterial(keyId, material, Buffer.from(enc.body.CiphertextBlob, 'base64')).toString('utf8'), 'v3');
    });

    it('rejects a wrong secret, an unknown access key, a changed body, a stale x-acs-date and a reused nonce', async () => {
      const wrong = await acs3Call(emu.url, 'ListKeys', {}, { secret: 'wrong' });
      assert.deepEqual([wrong.status, wrong.body.Code], [400, 'SignatureDoesNotMatch']);
      const unknown = await acs3Call(emu.url, 'ListKeys', {}, { accessKeyId: 'nobody' });
      assert.deepEqual([unknown.status, unknown.body.Code], [404, 'InvalidAccessKeyId.NotFound']);
      const tampered = await acs3Call(emu.url, 'DescribeKey', { KeyId: 'a' }, { inBody: true, tamperBody: true });
      assert.deepEqual([tampered.status, tampered.body.Code], [400, 'SignatureDoesNotMatch']);
      const stale = await acs3Call(emu.url, 'ListKeys', {}, { date: new Date(Date.now() - 20 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
      assert.deepEqual([stale.status, stale.body.Code], [400, 'InvalidTimeStamp.Expired']);
      assert.equal((await acs3Call(emu.url, 'ListKeys', {}, { nonce: 'once-only' })).status, 200);
      const replay = await acs3Call(emu.url, 'ListKeys', {}, { nonce: 'once-only' });
      assert.deepEqual([replay.status, replay.body.Code], [400, 'SignatureNonceUsed']);
    });

    it('keeps used nonces per emulator: a second emulator in the same process takes a nonce the first has seen', async () => {
      const other = await startEmulator();
      try {
        assert.equal((await acs3Call(emu.url, 'ListKeys', {}, { nonce: 'per-emulator' })).status, 200);
        assert.equal((await acs3Call(other.url, 'ListKeys', {}, { nonce: 'per-emulator' })).status, 200);
        const replay = await acs3Call(other.url, 'ListKeys', {}, { nonce: 'per-emulator' });
        assert.deepEqual([replay.status, replay.body.Code], [400, 'SignatureNonceUsed']);
      } finally {
        await other.close();
      }
    });
  });

  describe('faults, counts and logs', () => {
    it('throttles with Throttling.User and fails with InternalFailure / ServiceUnavailableTemporary', async () => {
      await emu.addFault({ target: 'alibaba:ListKeys', throttleRate: 1 });
      const throttled = await rawCall(emu.url, 'GET', commonParams('ListKeys'));
      assert.deepEqual([throttled.status, throttled.body.Code], [400, 'Throttling.User']);
      await emu.clearFaults();
      await emu.addFault({ target: 'alibaba:*', failNext: 1, failStatus: 503 });
      const unavailable = await rawCall(emu.url, 'GET', commonParams('ListKeys'));
      assert.deepEqual([unavailable.status, unavailable.body.Code], [503, 'ServiceUnavailableTemporary']);
      await emu.addFault({ target: 'alibaba:*', failNext: 1, failStatus: 500 });
      const internal = await rawCall(emu.url, 'GET', commonParams('ListKeys'));
      assert.deepEqual([internal.status, internal.body.Code], [500, 'InternalFailure']);
      await emu.clearFaults();
    });

    it('counts requests as alibaba:<Action>', async () => {
      const before = (await emu.requestCounts())['alibaba:ListKeys'] ?? 0;
      await rawCall(emu.url, 'POST-form', commonParams('ListKeys'));
      assert.equal((await emu.requestCounts())['alibaba:ListKeys'], before + 1);
    });

    it('answers to its cloud name alicloud as well: counts under alicloud:<Action> and alibaba:<Action>, fault targets and the consistency control take either', async () => {
      const before = await emu.requestCounts();
      await rawCall(emu.url, 'GET', commonParams('ListKeys'));
      const after = await emu.requestCounts();
      assert.equal(after['alicloud:ListKeys'], (before['alicloud:ListKeys'] ?? 0) + 1);
      assert.equal(after['alicloud:ListKeys'], after['alibaba:ListKeys']);
      assert.equal(emu.running.requestCounts()['alicloud:ListKeys'], after['alicloud:ListKeys'], 'the same in process');
      await emu.addFault({ target: 'alicloud:ListKeys', failNext: 1, failStatus: 503 });
      const unavailable = await rawCall(emu.url, 'GET', commonParams('ListKeys'));
      assert.deepEqual([unavailable.status, unavailable.body.Code], [503, 'ServiceUnavailableTemporary']);
      await emu.clearFaults();
      assert.deepEqual(await control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'alicloud', delayMs: 5 }), { delays: { alibaba: 5 } });
      assert.deepEqual(await control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'huaweicloud', delayMs: 5 }), { delays: { alibaba: 5, huawei: 5 } });
      await control(emu.url, 'DELETE', '/_emulator/consistency');
    });

    it('never logs key material, tokens or plaintexts', () => {
      assert.ok(logLines.length > 20 && logLines.every((l) => l.startsWith('alibaba ')), 'one line per request');
      const text = logLines.join('\n');
      for (const m of materials) for (const form of [m.toString('hex'), m.toString('base64')]) assert.ok(!text.includes(form));
      assert.ok(!text.includes('aGVsbG8=') && !/ImportToken|EncryptedKeyMaterial|Signature=/.test(text));
    });
  });

  it('keeps Alibaba keys (protection level, expiry, material) across a restart with a state file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ali-state-'));
    const stateFile = path.join(dir, 'state.json');
    const material = randomBytes(16);
    try {
      const first = await startEmulator({ stateFile });
      let keyId: string;
      const expireUnix = Math.floor(Date.now() / 1000) + 3 * DAY;
      try {
        keyId = (await sdkClient(first.url).createKey(new $Kms.CreateKeyRequest({ origin: 'EXTERNAL', keySpec: 'Aliyun_SM4', protectionLevel: 'HSM' }))).keyMetadata.keyId;
        const client = sdkClient(first.url);
        const p = await client.getParametersForImport(new $Kms.GetParametersForImportRequest({ keyId, wrappingAlgorithm: 'SM2PKE', wrappingKeySpec: 'EC_SM2' }));
        const wrapped = wrapKeyMaterial({ algorithm: 'SM2PKE', publicKey: Buffer.from(p.publicKey, 'base64'), material });
        await client.importKeyMaterial(new $Kms.ImportKeyMaterialRequest({ keyId, importToken: p.importToken, encryptedKeyMaterial: wrapped.toString('base64'), keyMaterialExpireUnix: expireUnix }));
      } finally {
        await first.close();
      }
      const text = fs.readFileSync(stateFile, 'utf8');
      assert.ok(!text.includes(material.toString('hex')) && !text.includes(material.toString('base64')));
      const second = await startEmulator({ stateFile });
      try {
        const m = (await sdkClient(second.url).describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata;
        assert.deepEqual([m.keyState, m.protectionLevel, Date.parse(m.materialExpireTime) / 1000], ['Enabled', 'HSM', expireUnix]);
        const enc = await sdkClient(second.url).encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'after restart' }));
        assert.equal(decryptWithMaterial(keyId, material, Buffer.from(enc.ciphertextBlob, 'base64')).toString('utf8'), 'after restart');
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
