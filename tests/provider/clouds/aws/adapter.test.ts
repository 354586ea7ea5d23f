// The AWS adapter with the unmodified @aws-sdk/client-kms over HTTP against the emulator.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { AwsKmsAdapter } from '../../../../provider/clouds/aws/adapter';
import { resolveAwsRegion } from '../../../../provider/clouds/aws/settings';
import { ImportedKeyError } from '../../../../core/errors';
import { wrapKeyMaterial } from '../../../../core/wrapping';
import { EMULATOR_CREDENTIALS } from '../../../support/emulator';
import { useAwsAdapterOnEmulator } from '../../../support/aws-client';

describe('AWS adapter against the emulator (real SDK client)', function () {
  const aws = useAwsAdapterOnEmulator();
  const { emu, importInto } = aws;

  it('creates an EXTERNAL key pending import, with tags; finishKey sets the alias, and again is no error', async () => {
    const key = await aws.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT', description: 'd', alias: 'adapter-test', tags: { team: 'kms' } });
    assert.equal(await aws.adapter.describeKey('alias/adapter-test'), undefined, 'CreateKey itself sets no alias');
    await aws.adapter.finishKey(key.keyId, { alias: 'adapter-test' });
    await aws.adapter.finishKey(key.keyId, { alias: 'adapter-test' });
    assert.equal(key.keyState, 'PendingImport');
    assert.equal(key.origin, 'EXTERNAL');
    assert.match(key.arn, /^arn:aws:kms:us-east-1:\d{12}:key\//);
    const byAlias = await aws.adapter.describeKey('alias/adapter-test');
    assert.equal(byAlias?.keyId, key.keyId);
  });

  it('moves an existing alias to the new key (a replacement keeps its alias)', async () => {
    const first = await aws.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    await aws.adapter.finishKey(first.keyId, { alias: 'alias/moved' });
    const second = await aws.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    await aws.adapter.finishKey(second.keyId, { alias: 'moved' });
    assert.notEqual(first.keyId, second.keyId);
    assert.equal((await aws.adapter.describeKey('alias/moved'))?.keyId, second.keyId);
  });

  it('defaults the key usage of an HMAC key to GENERATE_VERIFY_MAC', async () => {
    const key = await aws.adapter.createKey({ keySpec: 'HMAC_256' });
    assert.equal(key.keyUsage, 'GENERATE_VERIFY_MAC');
  });

  it('imports, reports expiry, reimports in place with a new expiry, deletes material', async () => {
    const key = await aws.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    const material = randomBytes(32);
    const expiresAt = new Date(Date.now() + 10 * 86_400_000).toISOString();
    await importInto(key.keyId, material, { expiresAt });
    let live = (await aws.adapter.describeKey(key.keyId))!;
    assert.equal(live.keyState, 'Enabled');
    assert.equal(live.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.ok(Math.abs(Date.parse(live.validTo!) - Date.parse(expiresAt)) < 1000);
    await importInto(key.keyId, material);
    live = (await aws.adapter.describeKey(key.keyId))!;
    assert.equal(live.expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(live.validTo, undefined);
    await aws.adapter.deleteMaterial(key.keyId);
    assert.equal((await aws.adapter.describeKey(key.keyId))!.keyState, 'PendingImport');
  });

  it('maps AWS errors to stable codes, keeping the AWS name', async () => {
    const key = await aws.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    await importInto(key.keyId, randomBytes(32));
    await assert.rejects(importInto(key.keyId, randomBytes(32)), (e: unknown) => e instanceof ImportedKeyError && e.code === 'InvalidKeyMaterial' && e.cloudCode === 'IncorrectKeyMaterialException');
    const other = await aws.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    const p = await aws.adapter.getImportParameters(other.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: p.publicKey, material: randomBytes(32) });
    await assert.rejects(
      aws.adapter.importMaterial({ keyId: key.keyId, importToken: p.importToken, encryptedKeyMaterial: wrapped }),
      (e: unknown) => e instanceof ImportedKeyError && e.code === 'ImportTokenRejected' && e.cloudCode === 'InvalidImportTokenException',
    );
  });

  it('maps an expired token to ImportTokenRejected', async () => {
    const key = await aws.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    const p = await aws.adapter.getImportParameters(key.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    await emu.advanceClock(25 * 3600);
    const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: p.publicKey, material: randomBytes(32) });
    await assert.rejects(
      aws.adapter.importMaterial({ keyId: key.keyId, importToken: p.importToken, encryptedKeyMaterial: wrapped }),
      (e: unknown) => e instanceof ImportedKeyError && e.code === 'ImportTokenRejected' && e.cloudCode === 'ExpiredImportTokenException',
    );
  });

  it('describes a missing key as undefined; scheduling deletion is idempotent', async () => {
    assert.equal(await aws.adapter.describeKey('ffffffff-1111-2222-3333-444444444444'), undefined);
    const key = await aws.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    await aws.adapter.scheduleDeletion(key.keyId, 7);
    const live = (await aws.adapter.describeKey(key.keyId))!;
    assert.equal(live.keyState, 'PendingDeletion');
    assert.ok(live.deletionDate);
    await aws.adapter.scheduleDeletion(key.keyId, 7);
    await aws.adapter.scheduleDeletion('ffffffff-1111-2222-3333-444444444444', 7);
  });

  it('refuses wrong credentials with the AWS error name', async () => {
    const saved = process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = 'wrong';
    const bad = new AwsKmsAdapter({ region: 'us-east-1', endpoint: emu.url });
    try {
      await assert.rejects(bad.createKey({ keySpec: 'SYMMETRIC_DEFAULT' }), (e: unknown) => e instanceof ImportedKeyError && e.code === 'CloudError' && /Signature/.test(e.cloudCode ?? ''));
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = saved;
      bad.destroy();
    }
  });

  it('says where to set the region when none is found', async () => {
    const saved = { r: process.env.AWS_REGION, d: process.env.AWS_DEFAULT_REGION, c: process.env.AWS_CONFIG_FILE };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    const noRegion = new AwsKmsAdapter({});
    try {
      await assert.rejects(noRegion.describeKey('11111111-2222-3333-4444-555555555555'), /region argument, the stack config aws:region, or AWS_REGION/);
    } finally {
      noRegion.destroy();
      for (const [name, value] of [['AWS_REGION', saved.r], ['AWS_DEFAULT_REGION', saved.d], ['AWS_CONFIG_FILE', saved.c]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('takes the region from the argument, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    assert.equal(resolveAwsRegion({ region: 'eu-west-1' }, { AWS_REGION: 'us-east-2' }), 'eu-west-1');
    assert.equal(resolveAwsRegion({}, { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-2' }), 'us-east-2');
    assert.equal(resolveAwsRegion({}, { AWS_DEFAULT_REGION: 'us-west-2' }), 'us-west-2');
    assert.equal(resolveAwsRegion({}, {}), undefined);
    assert.ok(EMULATOR_CREDENTIALS.accessKeyId);
  });
});
