// Cross-checks with node-forge, a second RSA implementation: it decrypts what node:crypto wraps.
import * as assert from 'node:assert/strict';
import { createPrivateKey, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { unwrapKeyMaterial, wrapKeyMaterial } from '../../../core/wrapping';
import { keyPair, RSA_SPECS } from '../../support/wrapping-fixtures';

function forgePrivateKey(pem: string): forge.pki.rsa.PrivateKey {
  const pkcs1 = createPrivateKey(pem).export({ type: 'pkcs1', format: 'pem' }) as string;
  return forge.pki.privateKeyFromPem(pkcs1) as forge.pki.rsa.PrivateKey;
}

function forgeOaep(hash: 'sha256' | 'sha1') {
  const md = () => (hash === 'sha256' ? forge.md.sha256.create() : forge.md.sha1.create());
  return { md: md(), mgf1: { md: md() } };
}

describe('wrapping cross-checked with node-forge', () => {
  for (const spec of RSA_SPECS) {
    for (const [algorithm, hash] of [['RSAES_OAEP_SHA_256', 'sha256'], ['RSAES_OAEP_SHA_1', 'sha1']] as const) {
      it(`node-forge decrypts ${algorithm} output of a ${spec} key`, () => {
        const material = randomBytes(32);
        const wrapped = wrapKeyMaterial({ algorithm, publicKey: keyPair(spec).publicKeyDer, material });
        const plain = forgePrivateKey(keyPair(spec).privateKeyPem).decrypt(wrapped.toString('binary'), 'RSA-OAEP', forgeOaep(hash));
        assert.deepEqual(Buffer.from(plain, 'binary'), material);
      });
    }
  }

  it('node-forge decrypts the RSA part of RSA_AES_KEY_WRAP_SHA_256 to a 32-byte AES key', () => {
    const wrapped = wrapKeyMaterial({ algorithm: 'RSA_AES_KEY_WRAP_SHA_256', publicKey: keyPair('RSA_2048').publicKeyDer, material: randomBytes(40) });
    const aesKey = forgePrivateKey(keyPair('RSA_2048').privateKeyPem).decrypt(wrapped.subarray(0, 256).toString('binary'), 'RSA-OAEP', forgeOaep('sha256'));
    assert.equal(aesKey.length, 32);
  });

  it('unwrapKeyMaterial decrypts what node-forge encrypts with OAEP-SHA-256 and PKCS#1 v1.5', () => {
    const { publicKeyDer, privateKeyPem } = keyPair('RSA_2048');
    const forgePublic = forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(publicKeyDer.toString('binary'))) as forge.pki.rsa.PublicKey;
    const material = randomBytes(32);
    const oaep = Buffer.from(forgePublic.encrypt(material.toString('binary'), 'RSA-OAEP', forgeOaep('sha256')), 'binary');
    assert.deepEqual(unwrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', privateKey: privateKeyPem, wrapped: oaep }), material);
    const pkcs1 = Buffer.from(forgePublic.encrypt(material.toString('binary'), 'RSAES-PKCS1-V1_5'), 'binary');
    assert.deepEqual(unwrapKeyMaterial({ algorithm: 'RSAES_PKCS1_V1_5', privateKey: privateKeyPem, wrapped: pkcs1 }), material);
  });
});
