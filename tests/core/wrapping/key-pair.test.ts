import * as assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { decodePublicKey, generateWrappingKeyPair, isSm2PublicKey, WRAPPING_KEY_SPECS } from '../../../core/wrapping';
import { expectError, keyPair } from '../../support/wrapping-fixtures';

describe('generateWrappingKeyPair', () => {
  it('mints RSA pairs of the asked size whose halves belong together', () => {
    for (const [spec, bits] of [['RSA_2048', 2048], ['RSA_3072', 3072], ['RSA_4096', 4096]] as const) {
      const { publicKeyDer, privateKeyPem } = keyPair(spec);
      assert.equal(createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength, bits);
      assert.match(privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
      const derived = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
      assert.deepEqual(derived, publicKeyDer);
    }
  });

  it('mints SM2 public keys as id-ecPublicKey (1.2.840.10045.2.1) with curve 1.2.156.10197.1.301', () => {
    const { publicKeyDer, privateKeyPem } = generateWrappingKeyPair('SM2');
    // 30 59 | 30 13 | 06 07 2a8648ce3d0201 | 06 08 2a811ccf5501822d | 03 42 00 04 ...
    assert.equal(publicKeyDer.subarray(0, 27).toString('hex'), '3059301306072a8648ce3d020106082a811ccf5501822d03420004');
    assert.equal(publicKeyDer.length, 91);
    assert.ok(isSm2PublicKey(decodePublicKey(publicKeyDer)));
    assert.match(privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
  });

  it('mints a fresh pair on every call', () => {
    assert.notDeepEqual(generateWrappingKeyPair('SM2').publicKeyDer, generateWrappingKeyPair('SM2').publicKeyDer);
  });

  it('refuses an unknown spec, naming the allowed ones', () => {
    const error = expectError(() => generateWrappingKeyPair('RSA_1024' as 'RSA_2048'), 'InvalidArgument', /wrappingKeySpec "RSA_1024"/);
    for (const spec of WRAPPING_KEY_SPECS) assert.ok(error.message.includes(spec));
  });
});
