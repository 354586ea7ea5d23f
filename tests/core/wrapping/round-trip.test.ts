import * as assert from 'node:assert/strict';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { maxMaterialLength, unwrapKeyMaterial, wrapKeyMaterial, WRAPPING_ALGORITHMS, type WrappingAlgorithm } from '../../../core/wrapping';
import { assertNoMaterial, expectError, keyPair, RSA_SPECS } from '../../support/wrapping-fixtures';

const RSA_ALGORITHMS = WRAPPING_ALGORITHMS.filter((a) => a !== 'SM2PKE');
const OAEP_OVERHEAD: Record<string, number> = { RSAES_OAEP_SHA_256: 66, RSAES_OAEP_SHA_1: 42, RSAES_PKCS1_V1_5: 11 };

describe('wrapKeyMaterial / unwrapKeyMaterial round trips', () => {
  for (const spec of RSA_SPECS) {
    const modulusBytes = Number(spec.slice(4)) / 8;
    for (const algorithm of RSA_ALGORITHMS) {
      it(`${algorithm} with ${spec}: 32-byte material comes back intact`, () => {
        const { publicKeyDer, privateKeyPem } = keyPair(spec);
        const material = randomBytes(32);
        const wrapped = wrapKeyMaterial({ algorithm, publicKey: publicKeyDer, material });
        if (algorithm.startsWith('RSA_AES')) {
          // RSA(aesKey) ‖ KWP(32 bytes) = k + 40
          assert.equal(wrapped.length, modulusBytes + 40);
        } else {
          assert.equal(wrapped.length, modulusBytes);
        }
        assert.deepEqual(unwrapKeyMaterial({ algorithm, privateKey: privateKeyPem, wrapped }), material);
      });
    }

    for (const algorithm of ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'] as const) {
      it(`${algorithm} with ${spec}: wraps exactly up to the RFC 8017 limit and refuses one byte more`, () => {
        const { publicKeyDer, privateKeyPem } = keyPair(spec);
        const limit = modulusBytes - OAEP_OVERHEAD[algorithm];
        assert.equal(maxMaterialLength(algorithm, publicKeyDer), limit);
        const material = randomBytes(limit);
        const wrapped = wrapKeyMaterial({ algorithm, publicKey: publicKeyDer, material });
        assert.deepEqual(unwrapKeyMaterial({ algorithm, privateKey: privateKeyPem, wrapped }), material);
        const tooLong = randomBytes(limit + 1);
        const error = expectError(
          () => wrapKeyMaterial({ algorithm, publicKey: publicKeyDer, material: tooLong }),
          'MaterialTooLong',
          new RegExp(`${limit + 1} bytes`),
          new RegExp(`at most ${limit} bytes`),
          /RSA_AES_KEY_WRAP_SHA_256/,
          /private keys/,
        );
        assertNoMaterial(error, tooLong);
      });
    }
  }

  it('RSA_AES_KEY_WRAP carries a 4096-bit RSA private key (PKCS#8 DER), which plain OAEP cannot', () => {
    const { publicKeyDer, privateKeyPem } = keyPair('RSA_2048');
    const material = createPrivateKey(keyPair('RSA_4096').privateKeyPem).export({ type: 'pkcs8', format: 'der' });
    expectError(() => wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: publicKeyDer, material }), 'MaterialTooLong');
    for (const algorithm of ['RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1'] as const) {
      const wrapped = wrapKeyMaterial({ algorithm, publicKey: publicKeyDer, material });
      // RFC 5649: padded to a multiple of 8, plus the 8-byte integrity block.
      assert.equal(wrapped.length, 256 + Math.ceil(material.length / 8) * 8 + 8);
      assert.deepEqual(unwrapKeyMaterial({ algorithm, privateKey: privateKeyPem, wrapped }), material);
    }
  });

  it('RSA_AES_KEY_WRAP handles material lengths that need no padding and that need the most', () => {
    const { publicKeyDer, privateKeyPem } = keyPair('RSA_2048');
    for (const length of [1, 7, 8, 9, 16, 33, 64, 127]) {
      const material = randomBytes(length);
      const wrapped = wrapKeyMaterial({ algorithm: 'RSA_AES_KEY_WRAP_SHA_256', publicKey: publicKeyDer, material });
      assert.deepEqual(unwrapKeyMaterial({ algorithm: 'RSA_AES_KEY_WRAP_SHA_256', privateKey: privateKeyPem, wrapped }), material, `length ${length}`);
    }
  });

  for (const name of ['SM2PKE', 'SM2_ENCRYPT']) {
    it(`${name} with an SM2 key: 16- and 32-byte material and a private key come back intact`, () => {
      const { publicKeyDer, privateKeyPem } = keyPair('SM2');
      for (const material of [randomBytes(16), randomBytes(32), randomBytes(1200)]) {
        const wrapped = wrapKeyMaterial({ algorithm: name, publicKey: publicKeyDer, material });
        assert.deepEqual(unwrapKeyMaterial({ algorithm: name, privateKey: privateKeyPem, wrapped }), material);
      }
    });
  }

  it('every wrap is randomised: the same material wraps differently each time', () => {
    for (const algorithm of WRAPPING_ALGORITHMS) {
      const { publicKeyDer } = keyPair(algorithm === 'SM2PKE' ? 'SM2' : 'RSA_2048');
      const material = randomBytes(32);
      const a = wrapKeyMaterial({ algorithm, publicKey: publicKeyDer, material });
      const b = wrapKeyMaterial({ algorithm, publicKey: publicKeyDer, material });
      assert.notDeepEqual(a, b, algorithm);
    }
  });

  it('takes the private key as PEM, DER PKCS#8 or KeyObject', () => {
    const { publicKeyDer, privateKeyPem } = keyPair('RSA_2048');
    const material = randomBytes(32);
    const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_PKCS1_V1_5', publicKey: publicKeyDer, material });
    const keyObject = createPrivateKey(privateKeyPem);
    for (const privateKey of [privateKeyPem, keyObject, keyObject.export({ type: 'pkcs8', format: 'der' })]) {
      assert.deepEqual(unwrapKeyMaterial({ algorithm: 'RSAES_PKCS1_V1_5', privateKey, wrapped }), material);
    }
  });
});

describe('wrapKeyMaterial bad input', () => {
  it('refuses empty material, naming the argument', () => {
    const { publicKeyDer } = keyPair('RSA_2048');
    for (const algorithm of WRAPPING_ALGORITHMS) {
      const publicKey = algorithm === 'SM2PKE' ? keyPair('SM2').publicKeyDer : publicKeyDer;
      expectError(() => wrapKeyMaterial({ algorithm, publicKey, material: Buffer.alloc(0) }), 'InvalidKeyMaterial', /material is empty/);
    }
  });

  it('refuses material that is not bytes', () => {
    const { publicKeyDer } = keyPair('RSA_2048');
    expectError(() => wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: publicKeyDer, material: 'a string' as unknown as Buffer }), 'InvalidKeyMaterial', /material must be a Buffer/);
  });

  it('refuses an unknown algorithm before looking at the key', () => {
    expectError(() => wrapKeyMaterial({ algorithm: 'AES_GCM' as WrappingAlgorithm, publicKey: 'not a key', material: randomBytes(32) }), 'UnsupportedAlgorithm', /AES_GCM/, /RSAES_OAEP_SHA_256/);
  });

  it('refuses an SM2 key for the RSA algorithms and an RSA key for SM2PKE', () => {
    const material = randomBytes(32);
    expectError(() => wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: keyPair('SM2').publicKeyDer, material }), 'InvalidPublicKey', /publicKey is an SM2 key/, /needs an RSA public key/);
    expectError(() => wrapKeyMaterial({ algorithm: 'SM2PKE', publicKey: keyPair('RSA_2048').publicKeyDer, material }), 'InvalidPublicKey', /publicKey is an RSA key/, /needs an SM2 public key/);
  });
});

describe('unwrapKeyMaterial failures say little', () => {
  const cases: Array<[string, WrappingAlgorithm, 'RSA_2048' | 'SM2']> = WRAPPING_ALGORITHMS.map((a) => [a, a, a === 'SM2PKE' ? 'SM2' : 'RSA_2048']);
  for (const [label, algorithm, spec] of cases) {
    it(`${label}: a flipped byte, a truncation, trailing bytes and the wrong key all give the same UnwrapFailed`, () => {
      const { publicKeyDer, privateKeyPem } = keyPair(spec);
      const material = randomBytes(32);
      const wrapped = wrapKeyMaterial({ algorithm, publicKey: publicKeyDer, material });
      const flipped = Buffer.from(wrapped);
      flipped[flipped.length - 1] ^= 0x01;
      const otherKey = spec === 'SM2' ? keyPair('SM2') : keyPair('RSA_3072');
      const attempts: Array<[Buffer, string]> = [
        [flipped, privateKeyPem],
        [wrapped.subarray(0, wrapped.length - 1), privateKeyPem],
        [Buffer.concat([wrapped, Buffer.from([0])]), privateKeyPem],
        [Buffer.alloc(0), privateKeyPem],
      ];
      if (spec === 'RSA_2048') attempts.push([wrapped, otherKey.privateKeyPem]);
      const messages = new Set<string>();
      for (const [bytes, privateKey] of attempts) {
        const error = expectError(() => unwrapKeyMaterial({ algorithm, privateKey, wrapped: bytes }), 'UnwrapFailed');
        assertNoMaterial(error, material);
        messages.add(error.message);
      }
      assert.equal(messages.size, 1, 'every failure reads the same');
    });
  }

  it('an SM2 ciphertext unwrapped with another SM2 key fails', () => {
    const material = randomBytes(32);
    const wrapped = wrapKeyMaterial({ algorithm: 'SM2PKE', publicKey: keyPair('SM2').publicKeyDer, material });
    const { generateKeyPairSync } = require('node:crypto') as typeof import('node:crypto');
    const other = generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey;
    expectError(() => unwrapKeyMaterial({ algorithm: 'SM2PKE', privateKey: other, wrapped }), 'UnwrapFailed');
  });

  it('refuses a private key argument that is not a private key, without echoing it', () => {
    const error = expectError(
      () => unwrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', privateKey: 'not-a-key-SECRET', wrapped: Buffer.alloc(256) }),
      'InvalidArgument',
      /privateKey must be/,
    );
    assert.doesNotMatch(error.message, /SECRET/);
  });
});
