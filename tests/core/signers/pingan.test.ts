// The Ping An signer against the two test vectors of ../shared/docs/kms-apis.md ("Ping An Cloud KMS"), computed
// independently of this code, with the provider's signing rules (provider/clouds/pingan/assumptions.ts).
import { strict as assert } from 'node:assert';
import { computeSignature, percentEncode, signParameters, stringToSign } from '../../../core/signers/pingan';
import { SIGNING_RULES } from '../../../provider/clouds/pingan/assumptions';

const COMMON = {
  version: '2017-01-01',
  accessKeyId: 'testid',
  signatureMethod: 'HMAC-SHA1',
  signatureVersion: '1.0',
  signatureNonce: '1542160932207',
  timestamp: '1542160932207',
};
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

describe('core/signers/pingan', () => {
  it('reproduces test vector 1 (DescribeKey)', () => {
    assert.equal(computeSignature({ ...COMMON, action: 'DescribeKey', keyId: KEY_ID }, 'testsecret', SIGNING_RULES), 'nA2P3FQ68/2U1TISJSuVZP3nrnU=');
  });

  it('reproduces test vector 2 (GetParametersForImport)', () => {
    const params = { ...COMMON, action: 'GetParametersForImport', keyId: KEY_ID, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' };
    assert.equal(computeSignature(params, 'testsecret', SIGNING_RULES), 'lHWid3vCtBClKqcao/aj18Q2ZmM=');
  });

  it('signs every parameter but signature, lowercased and sorted, values sent in their case', () => {
    const text = stringToSign({ action: 'DescribeKey', keyId: 'AbC', signature: 'ignored' }, SIGNING_RULES);
    assert.equal(text, 'action=describekey&keyid=abc');
    const signed = signParameters({ action: 'DescribeKey', keyId: 'AbC' }, { accessKeyId: 'ID', accessKeySecret: 's' }, SIGNING_RULES, { now: new Date(1542160932207), nonce: '7' });
    assert.equal(signed.keyId, 'AbC');
    assert.equal(signed.timestamp, '1542160932207');
    assert.equal(signed.signatureNonce, '7');
    assert.equal(signed.signature, computeSignature(signed, 's', SIGNING_RULES));
  });

  it('percent-encodes as the page says: space %20, * %2A, ~ kept', () => {
    assert.equal(percentEncode('a b*c~d/é'), 'a%20b%2Ac~d%2F%C3%A9');
  });

  it('a different key suffix or separator gives another signature (the rules matter)', () => {
    const params = { ...COMMON, action: 'DescribeKey', keyId: KEY_ID };
    const good = computeSignature(params, 'testsecret', SIGNING_RULES);
    assert.notEqual(computeSignature(params, 'testsecret', { ...SIGNING_RULES, keySuffix: '&' }), good);
    assert.notEqual(computeSignature(params, 'testsecret', { ...SIGNING_RULES, lowercase: false }), good);
  });
});
