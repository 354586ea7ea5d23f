import { strict as assert } from 'node:assert';
import { alicloudProfile, protectionLevelFor } from '../../../../provider/clouds/alicloud/profile';
import { createAdapter, getCloudProfile } from '../../../../provider/clouds';
import { ImportedKeyError } from '../../../../core/errors';

describe('provider/clouds/alicloud/profile', () => {
  it('is registered as "alicloud"', () => {
    assert.equal(getCloudProfile('alicloud'), alicloudProfile);
  });

  it('offers Aliyun_AES_256 (default) and Aliyun_SM4', () => {
    assert.deepEqual([...alicloudProfile.keySpecs], ['Aliyun_AES_256', 'Aliyun_SM4']);
    assert.equal(alicloudProfile.defaultKeySpec, 'Aliyun_AES_256');
  });

  it('gives RSA algorithms (OAEP-SHA-256 first) to software AES keys and adds SM2PKE for SM4 (HSM) keys', () => {
    assert.deepEqual([...alicloudProfile.wrappingAlgorithms('Aliyun_AES_256')], ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5']);
    assert.deepEqual([...alicloudProfile.wrappingAlgorithms('Aliyun_SM4')], ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'SM2PKE']);
    assert.equal(protectionLevelFor('Aliyun_SM4'), 'HSM');
    assert.equal(protectionLevelFor('Aliyun_AES_256'), 'SOFTWARE');
  });

  it('lets Aliyun_AES_256 keys be SOFTWARE (default) or HSM, Aliyun_SM4 keys HSM only; SM2PKE follows the level', () => {
    assert.deepEqual([...alicloudProfile.protectionLevels!('Aliyun_AES_256')], ['SOFTWARE', 'HSM']);
    assert.deepEqual([...alicloudProfile.protectionLevels!('Aliyun_SM4')], ['HSM']);
    assert.deepEqual([...alicloudProfile.wrappingAlgorithms('Aliyun_AES_256', 'HSM')], ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'SM2PKE']);
    assert.ok(!alicloudProfile.wrappingAlgorithms('Aliyun_AES_256', 'SOFTWARE').includes('SM2PKE'));
    assert.equal(protectionLevelFor('Aliyun_AES_256', 'HSM'), 'HSM');
  });

  it('never offers the AWS-only key-wrap algorithms', () => {
    for (const spec of alicloudProfile.keySpecs) {
      assert.ok(!alicloudProfile.wrappingAlgorithms(spec).some((a) => a.startsWith('RSA_AES_KEY_WRAP')));
    }
    assert.deepEqual([...alicloudProfile.wrappingKeySpecs('RSA_AES_KEY_WRAP_SHA_256')], []);
  });

  it('pairs RSA algorithms with RSA_2048 and SM2PKE with EC_SM2', () => {
    assert.deepEqual([...alicloudProfile.wrappingKeySpecs('RSAES_OAEP_SHA_256')], ['RSA_2048']);
    assert.deepEqual([...alicloudProfile.wrappingKeySpecs('RSAES_PKCS1_V1_5')], ['RSA_2048']);
    assert.deepEqual([...alicloudProfile.wrappingKeySpecs('SM2PKE')], ['EC_SM2']);
  });

  it('refuses a key spec Alibaba does not have, naming keySpec and the allowed ones', () => {
    assert.throws(() => alicloudProfile.wrappingAlgorithms('SYMMETRIC_DEFAULT'), (e: unknown) =>
      e instanceof ImportedKeyError && e.code === 'InvalidArgument' && /keySpec "SYMMETRIC_DEFAULT"/.test(e.message) && /Aliyun_AES_256, Aliyun_SM4/.test(e.message));
  });

  it('has a deletion window of 7–366 days and no expiry limit', () => {
    assert.deepEqual(alicloudProfile.deletionWindowDays, { min: 7, max: 366, default: 30 });
    assert.equal(alicloudProfile.maxExpiryDays, undefined);
  });

  it('recognises key ids, aliases and ARNs, and nothing else', () => {
    const pattern = alicloudProfile.keyIdPattern as RegExp;
    for (const ok of ['1234abcd-12ab-34cd-56ef-123456789012', 'key-hzz630494463ejqjx1234', 'alias/my-key',
      'acs:kms:cn-hangzhou:1540355698841234:key/1234abcd-12ab-34cd-56ef-123456789012', 'acs:kms:cn-hangzhou:1540355698841234:alias/my-key']) {
      assert.ok(pattern.test(ok), ok);
    }
    for (const bad of ['', 'arn:aws:kms:us-east-1:123:key/abc', 'alias/', 'key id with spaces', '1234abcd']) assert.ok(!pattern.test(bad), bad);
  });

  it('builds an in-place adapter named alicloud', () => {
    const adapter = createAdapter('alicloud', { endpoint: 'http://127.0.0.1:1' });
    assert.equal(adapter.cloud, 'alicloud');
    assert.equal(adapter.reimportMode, 'in-place');
  });
});
