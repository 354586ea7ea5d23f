import { strict as assert } from 'node:assert';
import { toKeyDescription } from '../../../../provider/clouds/alicloud/describe';

const base = { KeyId: 'k-1', Arn: 'acs:kms:cn-hangzhou:1:key/k-1', Origin: 'EXTERNAL', KeySpec: 'Aliyun_AES_256', KeyUsage: 'ENCRYPT/DECRYPT' };

describe('provider/clouds/alicloud DescribeKey mapping', () => {
  it('maps Alibaba states onto KeyState', () => {
    for (const s of ['Enabled', 'Disabled', 'PendingDeletion', 'PendingImport']) assert.equal(toKeyDescription({ ...base, KeyState: s }).keyState, s);
    assert.equal(toKeyDescription({ ...base, KeyState: 'SomethingNew' }).keyState, 'Unknown');
  });

  it('reads MaterialExpireTime as validTo (ISO UTC) and an empty one as "does not expire"', () => {
    const expiring = toKeyDescription({ ...base, KeyState: 'Enabled', MaterialExpireTime: '2027-01-02T03:04:05Z' });
    assert.equal(expiring.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(expiring.validTo, '2027-01-02T03:04:05.000Z');
    const never = toKeyDescription({ ...base, KeyState: 'Enabled', MaterialExpireTime: '' });
    assert.equal(never.expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(never.validTo, undefined);
  });

  it('reports no expiration model while the key waits for material', () => {
    const pending = toKeyDescription({ ...base, KeyState: 'PendingImport', MaterialExpireTime: '' });
    assert.equal(pending.expirationModel, undefined);
    assert.equal(pending.validTo, undefined);
  });

  it('reports DeleteDate only for keys pending deletion', () => {
    assert.equal(toKeyDescription({ ...base, KeyState: 'PendingDeletion', DeleteDate: '2027-01-08T00:00:00Z' }).deletionDate, '2027-01-08T00:00:00.000Z');
    assert.equal(toKeyDescription({ ...base, KeyState: 'Enabled', DeleteDate: '' }).deletionDate, undefined);
  });

  it('reports ProtectionLevel (SOFTWARE or HSM) where the reply gives it', () => {
    assert.equal(toKeyDescription({ ...base, KeyState: 'Enabled', ProtectionLevel: 'HSM' }).protectionLevel, 'HSM');
    assert.equal(toKeyDescription({ ...base, KeyState: 'Enabled', protectionLevel: 'SOFTWARE' }).protectionLevel, 'SOFTWARE');
    assert.equal('protectionLevel' in toKeyDescription({ ...base, KeyState: 'Enabled' }), false);
  });

  it('accepts the SDK model (camelCase) as well as the wire names', () => {
    const d = toKeyDescription({ keyId: 'k-2', arn: 'acs:kms:cn-hangzhou:1:key/k-2', keyState: 'Enabled', origin: 'EXTERNAL', keySpec: 'Aliyun_SM4', keyUsage: 'ENCRYPT/DECRYPT', materialExpireTime: '' });
    assert.equal(d.keyId, 'k-2');
    assert.equal(d.keySpec, 'Aliyun_SM4');
  });
});
