import { strict as assert } from 'node:assert';
import { toKeyDescription } from '../../../../provider/clouds/pingan/describe';

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const meta = (extra: Record<string, unknown>) => ({ keyId: KEY, keyUsage: 0, origin: 1, creationDate: '2026-12-01 10:00:00', ...extra });

describe('pingan key metadata mapping', () => {
  it('maps a documented keyMetadata to the description every cloud gives', () => {
    assert.deepEqual(toKeyDescription({ code: 'SUCCESS', keyMetadata: meta({ keyState: 'ENABLED', materialExpireTime: '2027-01-15 16:00:00' }) }), {
      keyId: KEY, arn: KEY, keyState: 'Enabled', origin: 'EXTERNAL', keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT',
      expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2027-01-15T08:00:00.000Z',
    });
  });

  it('reads material that never expires (empty, absent, 0) and no material while pending import', () => {
    for (const materialExpireTime of ['', undefined, 0]) {
      const d = toKeyDescription({ keyMetadata: meta({ keyState: 'DISABLED', materialExpireTime }) })!;
      assert.deepEqual([d.keyState, d.expirationModel, d.validTo], ['Disabled', 'KEY_MATERIAL_DOES_NOT_EXPIRE', undefined]);
    }
    const pending = toKeyDescription({ keyMetadata: meta({ keyState: 'PENDING_IMPORT', materialExpireTime: '2027-01-15 16:00:00' }) })!;
    assert.deepEqual([pending.keyState, pending.expirationModel, pending.validTo], ['PendingImport', undefined, undefined]);
  });

  it('reads the expiry at the top of the reply, in epoch numbers, and Alibaba\'s PascalCase', () => {
    assert.equal(toKeyDescription({ materialExpireTime: 1800000000000, keyMetadata: meta({ keyState: '0' }) })!.validTo, '2027-01-15T08:00:00.000Z');
    const alibaba = toKeyDescription({ KeyMetadata: { KeyId: KEY, KeyState: 'Enabled', Origin: 'EXTERNAL', KeyUsage: 'ENCRYPT/DECRYPT', MaterialExpireTime: '2027-01-15T08:00:00Z' } })!;
    assert.deepEqual([alibaba.keyState, alibaba.origin, alibaba.keyUsage, alibaba.validTo], ['Enabled', 'EXTERNAL', 'ENCRYPT_DECRYPT', '2027-01-15T08:00:00.000Z']);
  });

  it('gives the deletion date of a key pending deletion only, read at +08:00', () => {
    assert.equal(toKeyDescription({ keyMetadata: meta({ keyState: '2', deleteDate: '2026-12-08 18:00:00' }) })!.deletionDate, '2026-12-08T10:00:00.000Z');
    assert.equal(toKeyDescription({ keyMetadata: meta({ keyState: 'ENABLED', deleteDate: '2026-12-08 18:00:00' }) })!.deletionDate, undefined);
  });

  it('keeps a key spec the reply names, and gives nothing for a reply without key metadata or key id', () => {
    assert.equal(toKeyDescription({ keyMetadata: meta({ keyState: 'ENABLED', keySpec: 'SM4' }) })!.keySpec, 'SM4');
    assert.equal(toKeyDescription({ code: 'SUCCESS' }), undefined);
    assert.equal(toKeyDescription({ keyMetadata: { keyState: 'ENABLED' } }), undefined);
    assert.equal(toKeyDescription({ keyMetadata: meta({ keyState: 'SOMETHING' }) })!.keyState, 'Unknown');
  });

  it('a platform key (origin 0) is KMS and has no import expiry model', () => {
    const d = toKeyDescription({ keyMetadata: meta({ keyState: 'ENABLED', origin: 0 }) })!;
    assert.deepEqual([d.origin, d.expirationModel], ['KMS', undefined]);
  });
});
