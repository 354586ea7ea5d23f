// Every error of issue 4, with AWS's exception name and HTTP status, and proof that bad input
// never changes stored keys and that no error message or log line carries material.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CreateKeyCommand, DescribeKeyCommand, GetParametersForImportCommand, ImportKeyMaterialCommand, ScheduleKeyDeletionCommand,
  ListKeysCommand, EncryptCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import { wrapKeyMaterial } from '../../../../core/wrapping';
import { useEmulator } from '../../../support/emulator';
import { expectAwsError, kmsClient, sendRaw } from '../../../support/aws-client';

describe('emulator / AWS: errors, with the exact names and statuses', () => {
  const logLines: string[] = [];
  const emu = useEmulator({ log: (line) => logLines.push(line), maxBodyBytes: 64 * 1024 });
  let kms: KMSClient;
  before(() => {
    kms = kmsClient(emu.url, { maxAttempts: 1 });
  });

  async function externalKey(keySpec = 'SYMMETRIC_DEFAULT', keyUsage?: string): Promise<string> {
    const created = await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: keySpec as never, KeyUsage: keyUsage as never }));
    return created.KeyMetadata!.KeyId!;
  }

  async function params(keyId: string, algorithm = 'RSAES_OAEP_SHA_256') {
    return kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: algorithm as never, WrappingKeySpec: 'RSA_2048' }));
  }

  function wrap(publicKey: Uint8Array, material: Buffer, algorithm: 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1' = 'RSAES_OAEP_SHA_256'): Buffer {
    return wrapKeyMaterial({ algorithm, publicKey: Buffer.from(publicKey), material });
  }

  /** The stored keys as the API shows them, to prove a refused request changed nothing. */
  async function snapshotKeys(): Promise<string> {
    const keys = await kms.send(new ListKeysCommand({}));
    const described = await Promise.all(keys.Keys!.map((k) => kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))));
    return JSON.stringify(described.map((d) => d.KeyMetadata));
  }

  describe('authentication (SigV4)', () => {
    it('a wrong secret key → InvalidSignatureException 400', async () => {
      await expectAwsError(kmsClient(emu.url, { secretAccessKey: 'not-the-secret', maxAttempts: 1 }).send(new ListKeysCommand({})), 'InvalidSignatureException', 400);
    });

    it('an unknown access key → UnrecognizedClientException 400', async () => {
      await expectAwsError(kmsClient(emu.url, { accessKeyId: 'AKIAUNKNOWN', maxAttempts: 1 }).send(new ListKeysCommand({})), 'UnrecognizedClientException', 400);
    });

    it('a body changed after signing → InvalidSignatureException 400', async () => {
      const response = await sendRaw(emu.url, 'ListKeys', '{"Limit":5}', { tamper: () => Buffer.from('{"Limit":6}') });
      assert.equal(response.status, 400);
      assert.equal(response.json.__type, 'InvalidSignatureException');
    });

    it('no Authorization header → MissingAuthenticationTokenException 400', async () => {
      const response = await sendRaw(emu.url, 'ListKeys', '{}', { unsigned: true });
      assert.equal(response.status, 400);
      assert.equal(response.json.__type, 'MissingAuthenticationTokenException');
    });

    it('accepts a request signed without x-amz-content-sha256, as botocore and the AWS CLI sign, and still checks its body', async () => {
      const response = await sendRaw(emu.url, 'ListKeys', '{}', { contentSha256Header: false });
      assert.equal(response.status, 200, response.text);
      const tampered = await sendRaw(emu.url, 'ListKeys', '{"Limit":5}', { contentSha256Header: false, tamper: () => Buffer.from('{"Limit":6}') });
      assert.equal(tampered.json.__type, 'InvalidSignatureException');
    });

    it('a signature made more than 15 minutes ago → InvalidSignatureException 400 (judged on the real clock)', async () => {
      const stale = await sendRaw(emu.url, 'ListKeys', '{}', { signingDate: new Date(Date.now() - 16 * 60_000) });
      assert.equal(stale.status, 400);
      assert.equal(stale.json.__type, 'InvalidSignatureException');
      assert.match(String(stale.json.message), /Signature expired/);
      const recent = await sendRaw(emu.url, 'ListKeys', '{}', { signingDate: new Date(Date.now() - 10 * 60_000) });
      assert.equal(recent.status, 200, recent.text);
    });

    it('a correctly signed raw request is accepted (the checker is not just refusing everything)', async () => {
      const response = await sendRaw(emu.url, 'ListKeys', '{}');
      assert.equal(response.status, 200, response.text);
      assert.ok(Array.isArray(response.json.Keys));
    });
  });

  describe('bad input never crashes and never changes stored keys', () => {
    it('unknown operation → UnknownOperationException 400', async () => {
      const response = await sendRaw(emu.url, 'FrobnicateKey', '{}');
      assert.equal(response.status, 400);
      assert.equal(response.json.__type, 'UnknownOperationException');
    });

    it('malformed JSON → SerializationException 400', async () => {
      const before = await snapshotKeys();
      const response = await sendRaw(emu.url, 'CreateKey', '{"Origin": "EXTERNAL"');
      assert.equal(response.status, 400);
      assert.equal(response.json.__type, 'SerializationException');
      assert.equal(await snapshotKeys(), before);
    });

    it('a JSON array body → SerializationException 400', async () => {
      const response = await sendRaw(emu.url, 'CreateKey', '[]');
      assert.equal(response.json.__type, 'SerializationException');
    });

    it('missing required field → ValidationException 400 naming the member', async () => {
      const response = await sendRaw(emu.url, 'DescribeKey', '{}');
      assert.equal(response.status, 400);
      assert.equal(response.json.__type, 'ValidationException');
      assert.match(String(response.json.message), /'keyId'.*must not be null/);
    });

    it('wrong-typed fields → SerializationException 400 naming the member', async () => {
      const keyId = await externalKey();
      const before = await snapshotKeys();
      for (const [operation, body, member] of [
        ['DescribeKey', { KeyId: 42 }, 'KeyId'],
        ['CreateKey', { Origin: 'EXTERNAL', Description: ['x'] }, 'Description'],
        ['ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: '7' }, 'PendingWindowInDays'],
        ['ImportKeyMaterial', { KeyId: keyId, ImportToken: 'AAAA', EncryptedKeyMaterial: 'AAAA', ValidTo: 'tomorrow' }, 'ValidTo'],
        ['ImportKeyMaterial', { KeyId: keyId, ImportToken: 'not base64!', EncryptedKeyMaterial: 'AAAA', ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }, 'ImportToken'],
      ] as const) {
        const response = await sendRaw(emu.url, operation, JSON.stringify(body));
        assert.equal(response.status, 400, `${operation} ${member}`);
        assert.equal(response.json.__type, 'SerializationException', `${operation} ${member}: ${response.text}`);
        assert.match(String(response.json.message), new RegExp(member));
      }
      assert.equal(await snapshotKeys(), before);
    });

    it('values outside their constraints → ValidationException 400 (enum, PendingWindowInDays 7–30)', async () => {
      const keyId = await externalKey();
      await expectAwsError(kms.send(new CreateKeyCommand({ Origin: 'SOMEWHERE' as never })), 'ValidationException', 400);
      await expectAwsError(kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256' })), 'ValidationException', 400); // HMAC needs KeyUsage
      await expectAwsError(kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 6 })), 'ValidationException', 400);
      await expectAwsError(kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 31 })), 'ValidationException', 400);
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingImport');
    });

    it('an oversized body → RequestEntityTooLargeException 413, and the server keeps serving', async () => {
      const before = await snapshotKeys();
      const response = await sendRaw(emu.url, 'CreateKey', JSON.stringify({ Origin: 'EXTERNAL', Description: 'x'.repeat(100 * 1024) }));
      assert.equal(response.status, 413);
      assert.equal(response.json.__type, 'RequestEntityTooLargeException');
      assert.equal(await snapshotKeys(), before);
      assert.equal((await sendRaw(emu.url, 'ListKeys', '{}')).status, 200);
    });

    it('an unknown key → NotFoundException 404', async () => {
      await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: '00000000-0000-0000-0000-000000000000' })), 'NotFoundException', 404);
      await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: 'alias/nothing-here' })), 'NotFoundException', 404);
    });
  });

  describe('import rules', () => {
    it('RSAES_PKCS1_V1_5 is refused, as AWS refuses it since 2023-10-10 → ValidationException 400', async () => {
      const keyId = await externalKey();
      const e = await expectAwsError(params(keyId, 'RSAES_PKCS1_V1_5'), 'ValidationException', 400);
      assert.match(e.message, /RSAES_PKCS1_V1_5/);
    });

    it('an RSA private key cannot be wrapped with plain OAEP → UnsupportedOperationException 400', async () => {
      const keyId = await externalKey('RSA_2048', 'SIGN_VERIFY');
      await expectAwsError(params(keyId, 'RSAES_OAEP_SHA_256'), 'UnsupportedOperationException', 400);
    });

    it('different material from the first import → IncorrectKeyMaterialException 400, and the key keeps its material', async () => {
      const keyId = await externalKey();
      const first = await params(keyId);
      const material = randomBytes(32);
      await kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: first.ImportToken, EncryptedKeyMaterial: wrap(first.PublicKey!, material), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
      const encrypted = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('kept') }));
      const second = await params(keyId);
      const other = randomBytes(32);
      const e = await expectAwsError(
        kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: second.ImportToken, EncryptedKeyMaterial: wrap(second.PublicKey!, other), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })),
        'IncorrectKeyMaterialException',
        400,
      );
      for (const secret of [material, other]) {
        assert.ok(!e.message.includes(secret.toString('base64')) && !e.message.includes(secret.toString('hex')), 'the message carries no material');
      }
      const { DecryptCommand } = await import('@aws-sdk/client-kms');
      const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }));
      assert.equal(Buffer.from(decrypted.Plaintext!).toString(), 'kept');
    });

    it('material of the wrong length for the key spec → IncorrectKeyMaterialException 400', async () => {
      const keyId = await externalKey();
      const p = await params(keyId);
      await expectAwsError(
        kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrap(p.PublicKey!, randomBytes(16)), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })),
        'IncorrectKeyMaterialException',
        400,
      );
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingImport');
    });

    it('a token of another key → InvalidImportTokenException 400', async () => {
      const keyA = await externalKey();
      const keyB = await externalKey();
      const pA = await params(keyA);
      await expectAwsError(
        kms.send(new ImportKeyMaterialCommand({ KeyId: keyB, ImportToken: pA.ImportToken, EncryptedKeyMaterial: wrap(pA.PublicKey!, randomBytes(32)), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })),
        'InvalidImportTokenException',
        400,
      );
      await expectAwsError(
        kms.send(new ImportKeyMaterialCommand({ KeyId: keyB, ImportToken: randomBytes(320), EncryptedKeyMaterial: wrap(pA.PublicKey!, randomBytes(32)), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })),
        'InvalidImportTokenException',
        400,
      );
    });

    it('material wrapped with another token’s public key (the token is bound to its key pair) → InvalidCiphertextException 400', async () => {
      const keyId = await externalKey();
      const p1 = await params(keyId);
      const p2 = await params(keyId);
      assert.notDeepEqual(Buffer.from(p1.PublicKey!), Buffer.from(p2.PublicKey!), 'every call returns a new wrapping key');
      await expectAwsError(
        kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p2.ImportToken, EncryptedKeyMaterial: wrap(p1.PublicKey!, randomBytes(32)), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })),
        'InvalidCiphertextException',
        400,
      );
      // Wrapped for the right key but with another algorithm than the token's: also refused.
      await expectAwsError(
        kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p2.ImportToken, EncryptedKeyMaterial: wrap(p2.PublicKey!, randomBytes(32), 'RSAES_OAEP_SHA_1'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })),
        'InvalidCiphertextException',
        400,
      );
    });

    it('a token older than 24 h → ExpiredImportTokenException 400 (emulator clock moved)', async () => {
      const keyId = await externalKey();
      const p = await params(keyId);
      assert.ok(Math.abs(p.ParametersValidTo!.getTime() - (Date.now() + 86_400_000)) < 60_000, 'valid 24 hours');
      await emu.advanceClock(24 * 3600 + 1);
      try {
        await expectAwsError(
          kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrap(p.PublicKey!, randomBytes(32)), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })),
          'ExpiredImportTokenException',
          400,
        );
      } finally {
        await emu.advanceClock(-(24 * 3600 + 1));
      }
    });

    it('ValidTo in the past, more than 365 days ahead, missing with KEY_MATERIAL_EXPIRES or present with DOES_NOT_EXPIRE → ValidationException 400', async () => {
      const keyId = await externalKey();
      const p = await params(keyId);
      const material = randomBytes(32);
      const base = { KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrap(p.PublicKey!, material) };
      await expectAwsError(kms.send(new ImportKeyMaterialCommand({ ...base, ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(Date.now() - 60_000) })), 'ValidationException', 400);
      await expectAwsError(kms.send(new ImportKeyMaterialCommand({ ...base, ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(Date.now() + 366 * 86_400_000) })), 'ValidationException', 400);
      await expectAwsError(kms.send(new ImportKeyMaterialCommand({ ...base })), 'ValidationException', 400);
      await expectAwsError(kms.send(new ImportKeyMaterialCommand({ ...base, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ValidTo: new Date(Date.now() + 86_400_000) })), 'ValidationException', 400);
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingImport', 'nothing was imported');
      // 364 days ahead is fine.
      await kms.send(new ImportKeyMaterialCommand({ ...base, ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(Date.now() + 364 * 86_400_000) }));
    });

    it('ImportType and KeyMaterialId are checked: EXISTING before any import, a wrong KeyMaterialId, ImportType on an HMAC key', async () => {
      const keyId = await externalKey();
      const material = randomBytes(32);
      const p = await params(keyId);
      const base = { KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrap(p.PublicKey!, material), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' as const };
      await expectAwsError(kms.send(new ImportKeyMaterialCommand({ ...base, ImportType: 'EXISTING_KEY_MATERIAL' })), 'IncorrectKeyMaterialException', 400);
      const first = await kms.send(new ImportKeyMaterialCommand({ ...base, ImportType: 'NEW_KEY_MATERIAL' }));
      assert.match(first.KeyMaterialId ?? '', /^[0-9a-f]{64}$/);
      await expectAwsError(kms.send(new ImportKeyMaterialCommand({ ...base, ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: 'f'.repeat(64) })), 'IncorrectKeyMaterialException', 400);
      const again = await kms.send(new ImportKeyMaterialCommand({ ...base, ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: first.KeyMaterialId }));
      assert.equal(again.KeyMaterialId, first.KeyMaterialId);
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId, first.KeyMaterialId);

      const hmacKey = await externalKey('HMAC_256', 'GENERATE_VERIFY_MAC');
      const ph = await params(hmacKey);
      await expectAwsError(
        kms.send(new ImportKeyMaterialCommand({ KeyId: hmacKey, ImportToken: ph.ImportToken, EncryptedKeyMaterial: wrap(ph.PublicKey!, randomBytes(32)), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ImportType: 'NEW_KEY_MATERIAL' })),
        'ValidationException',
        400,
      );
    });

    it('a key pending deletion refuses GetParametersForImport and ImportKeyMaterial → KMSInvalidStateException 409', async () => {
      const keyId = await externalKey();
      const p = await params(keyId);
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
      await expectAwsError(params(keyId), 'KMSInvalidStateException', 409);
      await expectAwsError(
        kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrap(p.PublicKey!, randomBytes(32)), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })),
        'KMSInvalidStateException',
        409,
      );
    });
  });

  // Its own describe so it runs after the others (mocha runs a suite's own tests before its child suites).
  describe('logs', () => {
    it('log lines name cloud, operation, status and latency only — never bodies, tokens or material', () => {
      assert.ok(logLines.length > 20);
      for (const line of logLines) {
        assert.match(line, /^(aws \S+ \d{3}( dropped)? \d+ms|- - 404 \d+ms)$/, line);
      }
    });
  });
});
