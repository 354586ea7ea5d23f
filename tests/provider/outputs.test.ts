// toOutputs: the one place the state's outputs are made. The expected objects are those the three lists it replaced
// made (buildOutputs, the read's literal, the partly created key's fallback): the same keys, undefined ones included.
import { strict as assert } from 'node:assert';
import { toOutputs } from '../../provider/outputs';
import { MATERIAL_B64, inputs, live, outputs } from '../support/fixtures';

const DIGEST = 'hmac-sha256:salt:digest';

describe('outputs: toOutputs', () => {
  it('a create or update: the arguments echoed when given (never the material), what DescribeKey says, the onDelete in effect', () => {
    const outs = toOutputs(live({ validTo: '2030-01-01T00:00:00Z' }), {
      inputs: inputs({ description: 'd', tags: { team: 'x' }, enabled: false, onDelete: undefined, resourceName: 'r', stackScope: 'p/s' }),
      adopted: true,
      materialDigest: DIGEST,
    });
    assert.deepEqual(outs, {
      cloud: 'aws', region: 'us-east-1', description: 'd', tags: { team: 'x' }, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048',
      deletionWindowInDays: 30, enabled: false, onDelete: 'deleteMaterial', adopted: true,
      keyId: live().keyId, arn: live().arn, keyState: 'Enabled', origin: 'EXTERNAL', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT',
      protectionLevel: undefined, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', validTo: '2030-01-01T00:00:00Z', keyMaterialId: undefined,
      materialDigest: DIGEST,
    });
    assert.ok(!JSON.stringify(outs).includes(MATERIAL_B64));
  });

  it("protectionLevel: the cloud's, else the argument's", () => {
    const args = { inputs: inputs({ cloud: 'alicloud', protectionLevel: 'HSM' }), adopted: false, materialDigest: DIGEST };
    assert.equal(toOutputs(live(), args).protectionLevel, 'HSM');
    assert.equal(toOutputs(live({ protectionLevel: 'SOFTWARE' }), args).protectionLevel, 'SOFTWARE');
  });

  it('a read: the recorded outputs, with what DescribeKey says now', () => {
    const recorded = { ...outputs({ protectionLevel: 'HSM', validTo: '2029-01-01T00:00:00Z', pendingFinish: { alias: 'alias/a' } }), __provider: 'p' };
    assert.deepEqual(toOutputs(live({ keyState: 'Disabled' }), { recorded }), {
      ...recorded,
      keyId: live().keyId, arn: live().arn, keyState: 'Disabled', origin: 'EXTERNAL', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT',
      protectionLevel: 'HSM', expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', validTo: undefined, keyMaterialId: undefined,
    });
  });

  it('a created key known by its id only: where it is, what delete does, no material yet', () => {
    const outs = toOutputs({ keyId: 'k-1', keyState: 'PendingImport' }, {
      createdAt: inputs({ endpoint: 'http://127.0.0.1:4566', onDelete: 'retain', description: 'not recorded', protectionLevel: 'HSM' }),
      materialDigest: DIGEST,
    });
    const given = Object.fromEntries(Object.entries(outs).filter(([, value]) => value !== undefined));
    assert.deepEqual(given, {
      cloud: 'aws', region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', onDelete: 'retain', adopted: false, keyId: 'k-1', keyState: 'PendingImport',
      materialDigest: DIGEST,
    });
    const defaulted = toOutputs({ keyId: 'k-1', keyState: 'PendingImport' }, { createdAt: inputs({ onDelete: undefined }), materialDigest: DIGEST });
    assert.equal(defaulted.onDelete, 'scheduleKeyDeletion');
  });
});
