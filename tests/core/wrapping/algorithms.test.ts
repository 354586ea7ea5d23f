import * as assert from 'node:assert/strict';
import { getWrappingAlgorithm, isWrappingAlgorithm, WRAPPING_ALGORITHMS } from '../../../core/wrapping';
import { expectError } from '../../support/wrapping-fixtures';

describe('wrapping algorithm table', () => {
  it('lists exactly the six algorithms the clouds accept', () => {
    assert.deepEqual([...WRAPPING_ALGORITHMS].sort(), [
      'RSAES_OAEP_SHA_1',
      'RSAES_OAEP_SHA_256',
      'RSAES_PKCS1_V1_5',
      'RSA_AES_KEY_WRAP_SHA_1',
      'RSA_AES_KEY_WRAP_SHA_256',
      'SM2PKE',
    ]);
  });

  it('returns the entry whose name is the one asked for', () => {
    for (const name of WRAPPING_ALGORITHMS) assert.equal(getWrappingAlgorithm(name).name, name);
  });

  it("accepts Huawei's SM2_ENCRYPT as the SM2PKE entry", () => {
    assert.equal(getWrappingAlgorithm('SM2_ENCRYPT'), getWrappingAlgorithm('SM2PKE'));
    assert.equal(isWrappingAlgorithm('SM2_ENCRYPT'), false, 'the alias is a lookup convenience, not a canonical name');
  });

  it('marks SM2PKE as needing an SM2 key and the others an RSA key', () => {
    for (const name of WRAPPING_ALGORITHMS) assert.equal(getWrappingAlgorithm(name).keyKind, name === 'SM2PKE' ? 'sm2' : 'rsa');
  });

  it('throws UnsupportedAlgorithm naming every supported algorithm for an unknown name', () => {
    const error = expectError(() => getWrappingAlgorithm('RSAES_OAEP_SHA_512'), 'UnsupportedAlgorithm', /RSAES_OAEP_SHA_512/);
    for (const name of WRAPPING_ALGORITHMS) assert.match(error.message, new RegExp(name));
  });

  it('is case-sensitive, as the cloud APIs are', () => {
    expectError(() => getWrappingAlgorithm('rsaes_oaep_sha_256'), 'UnsupportedAlgorithm');
  });

  it('does not resolve inherited object properties as algorithms', () => {
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      expectError(() => getWrappingAlgorithm(name), 'UnsupportedAlgorithm');
    }
  });
});
