import { strict as assert } from 'node:assert';
import { describeAwsKey } from '../../../../provider/clouds/aws/describe';

describe('provider/clouds/aws DescribeKey mapping', () => {
  it('maps KeyMetadata to the KeyDescription every cloud returns, times as ISO 8601', () => {
    assert.deepEqual(describeAwsKey({
      KeyId: 'k-1', Arn: 'arn:aws:kms:us-east-1:111122223333:key/k-1', KeyState: 'Enabled', Origin: 'EXTERNAL', KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY', ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date('2027-01-31T00:00:00Z'), CurrentKeyMaterialId: 'm-1',
    }), {
      keyId: 'k-1', arn: 'arn:aws:kms:us-east-1:111122223333:key/k-1', keyState: 'Enabled', origin: 'EXTERNAL', keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY',
      expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2027-01-31T00:00:00.000Z', keyMaterialId: 'm-1', deletionDate: undefined,
    });
  });

  it('counts a replica pending deletion as pending deletion, a state it does not know as Unknown, and fills AWS\'s defaults', () => {
    const pending = describeAwsKey({ KeyId: 'k', KeyState: 'PendingReplicaDeletion', DeletionDate: new Date('2027-02-01T00:00:00Z') });
    assert.deepEqual([pending.keyState, pending.deletionDate, pending.arn], ['PendingDeletion', '2027-02-01T00:00:00.000Z', 'k']);
    const odd = describeAwsKey({ KeyId: 'k', KeyState: 'Updating' as never });
    assert.deepEqual([odd.keyState, odd.origin, odd.keySpec, odd.keyUsage], ['Unknown', 'UNKNOWN', 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT']);
  });
});
