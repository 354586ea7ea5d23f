// Key material never appears in an error: message, stack, JSON form or cause, on every bad-input path.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { unwrapKeyMaterial, validateKeyMaterial, wrapKeyMaterial, MATERIAL_KEY_SPECS, WRAPPING_ALGORITHMS } from '../../../core/wrapping';
import { assertNoMaterial, keyPair } from '../../support/wrapping-fixtures';

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('errors never carry key material', () => {
  it('validateKeyMaterial: wrong-length material for every spec', () => {
    for (const spec of MATERIAL_KEY_SPECS) {
      const material = randomBytes(spec.startsWith('HMAC') ? 200 : 33);
      assertNoMaterial(errorOf(() => validateKeyMaterial(spec, material)), material);
    }
  });

  it('validateKeyMaterial: an RSA private key given for the wrong spec', () => {
    const material = createPrivateKey(keyPair('RSA_2048').privateKeyPem).export({ type: 'pkcs8', format: 'der' });
    for (const spec of ['RSA_3072', 'ECC_NIST_P256', 'SM2', 'SYMMETRIC_DEFAULT']) assertNoMaterial(errorOf(() => validateKeyMaterial(spec, material)), material);
  });

  it('wrapKeyMaterial: too long, wrong key kind, bad key, unknown algorithm', () => {
    const material = randomBytes(400);
    for (const algorithm of ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'NOPE']) {
      assertNoMaterial(errorOf(() => wrapKeyMaterial({ algorithm, publicKey: keyPair('RSA_2048').publicKeyDer, material })), material);
    }
    assertNoMaterial(errorOf(() => wrapKeyMaterial({ algorithm: 'SM2PKE', publicKey: keyPair('RSA_2048').publicKeyDer, material })), material);
    assertNoMaterial(errorOf(() => wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: 'zz', material })), material);
  });

  it('unwrapKeyMaterial: every algorithm, tampered ciphertext', () => {
    for (const algorithm of WRAPPING_ALGORITHMS) {
      const pair = keyPair(algorithm === 'SM2PKE' ? 'SM2' : 'RSA_2048');
      const material = randomBytes(32);
      const wrapped = wrapKeyMaterial({ algorithm, publicKey: pair.publicKeyDer, material });
      wrapped[wrapped.length - 3] ^= 0x80;
      assertNoMaterial(errorOf(() => unwrapKeyMaterial({ algorithm, privateKey: pair.privateKeyPem, wrapped })), material);
    }
  });

  it('the check itself can fail: an error that quotes the material is caught', () => {
    const material = randomBytes(32);
    let caught = false;
    try {
      assertNoMaterial(new Error(`bad ${material.toString('hex')}`), material);
    } catch {
      caught = true;
    }
    if (!caught) throw new Error('assertNoMaterial missed the material');
  });
});
