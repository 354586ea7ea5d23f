import * as assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { MATERIAL_KEY_SPECS, validateKeyMaterial } from '../../../core/wrapping';
import { assertNoMaterial, expectError, keyPair, openssl, tempDir } from '../../support/wrapping-fixtures';

function pkcs8(type: 'rsa' | 'ec', options: { modulusLength?: number; namedCurve?: string }): Buffer {
  const { privateKey } = generateKeyPairSync(type as 'rsa', options as { modulusLength: number });
  return privateKey.export({ type: 'pkcs8', format: 'der' });
}

describe('validateKeyMaterial', () => {
  it('knows the key specs of AWS, Alibaba Cloud and Huawei Cloud', () => {
    assert.deepEqual([...MATERIAL_KEY_SPECS].sort(), [
      'AES_256', 'Aliyun_AES_256', 'Aliyun_SM4', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1',
      'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2', 'SM4', 'SYMMETRIC_DEFAULT',
    ]);
  });

  for (const [spec, length] of [['SYMMETRIC_DEFAULT', 32], ['Aliyun_AES_256', 32], ['AES_256', 32], ['Aliyun_SM4', 16], ['SM4', 16]] as const) {
    it(`${spec} takes exactly ${length} bytes`, () => {
      validateKeyMaterial(spec, randomBytes(length));
      for (const wrong of [length - 1, length + 1]) {
        const material = randomBytes(wrong);
        const error = expectError(() => validateKeyMaterial(spec, material), 'InvalidKeyMaterial', /keyMaterial/, new RegExp(`is ${wrong} bytes`), new RegExp(`exactly ${length} bytes`));
        assertNoMaterial(error, material);
      }
    });
  }

  for (const [spec, min, max] of [['HMAC_224', 28, 64], ['HMAC_256', 32, 64], ['HMAC_384', 48, 128], ['HMAC_512', 64, 128]] as const) {
    it(`${spec} takes ${min} to ${max} bytes, inclusive`, () => {
      validateKeyMaterial(spec, randomBytes(min));
      validateKeyMaterial(spec, randomBytes(max));
      expectError(() => validateKeyMaterial(spec, randomBytes(min - 1)), 'InvalidKeyMaterial', new RegExp(`${min} to ${max} bytes`));
      expectError(() => validateKeyMaterial(spec, randomBytes(max + 1)), 'InvalidKeyMaterial', new RegExp(`${min} to ${max} bytes`));
    });
  }

  it('refuses empty material for every spec, naming keyMaterial and what the spec needs', () => {
    for (const spec of MATERIAL_KEY_SPECS) expectError(() => validateKeyMaterial(spec, Buffer.alloc(0)), 'InvalidKeyMaterial', /keyMaterial is empty/, new RegExp(spec));
  });

  it('refuses an unknown key spec with InvalidArgument naming keySpec and the allowed ones', () => {
    const error = expectError(() => validateKeyMaterial('AES_128', randomBytes(16)), 'InvalidArgument', /keySpec "AES_128" is not supported/);
    for (const spec of MATERIAL_KEY_SPECS) assert.ok(error.message.includes(spec), spec);
    expectError(() => validateKeyMaterial('hasOwnProperty', randomBytes(16)), 'InvalidArgument');
  });

  describe('asymmetric specs take an unencrypted PKCS#8 DER private key that matches', () => {
    it('RSA_2048, RSA_3072 and RSA_4096 accept their own modulus size and refuse the others', () => {
      const keys = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 } as const;
      for (const [spec] of Object.entries(keys)) {
        const der = createPrivateKey(keyPair(spec as keyof typeof keys).privateKeyPem).export({ type: 'pkcs8', format: 'der' });
        for (const other of Object.keys(keys)) {
          if (other === spec) validateKeyMaterial(other, der);
          else expectError(() => validateKeyMaterial(other, der), 'InvalidKeyMaterial', new RegExp(`is a ${keys[spec as keyof typeof keys]}-bit RSA private key`), new RegExp(`${keys[other as keyof typeof keys]}-bit modulus`));
        }
      }
    });

    it('refuses PEM, PKCS#1 DER, trailing bytes and an encrypted PKCS#8, pointing at the openssl conversion', () => {
      const key = createPrivateKey(keyPair('RSA_2048').privateKeyPem);
      const forms = [
        Buffer.from(keyPair('RSA_2048').privateKeyPem),
        key.export({ type: 'pkcs1', format: 'der' }),
        Buffer.concat([key.export({ type: 'pkcs8', format: 'der' }), Buffer.from([0])]),
        key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'test only' }),
      ];
      for (const material of forms) {
        const error = expectError(() => validateKeyMaterial('RSA_2048', material), 'InvalidKeyMaterial', /PKCS#8 DER/, /openssl pkcs8 -topk8 -nocrypt -outform der/);
        assertNoMaterial(error, material);
      }
    });

    for (const [spec, curve, wrongCurve] of [
      ['ECC_NIST_P256', 'prime256v1', 'secp384r1'],
      ['ECC_NIST_P384', 'secp384r1', 'secp521r1'],
      ['ECC_NIST_P521', 'secp521r1', 'prime256v1'],
      ['ECC_SECG_P256K1', 'secp256k1', 'prime256v1'],
    ] as const) {
      it(`${spec} accepts a ${curve} key and refuses a ${wrongCurve} key and an RSA key`, () => {
        validateKeyMaterial(spec, pkcs8('ec', { namedCurve: curve }));
        expectError(() => validateKeyMaterial(spec, pkcs8('ec', { namedCurve: wrongCurve })), 'InvalidKeyMaterial', new RegExp(`EC ${wrongCurve}`));
        expectError(() => validateKeyMaterial(spec, createPrivateKey(keyPair('RSA_2048').privateKeyPem).export({ type: 'pkcs8', format: 'der' })), 'InvalidKeyMaterial', /2048-bit RSA/);
      });
    }

    it('SM2 accepts SM2 PKCS#8 from node and from openssl, and refuses P-256 and RSA keys', () => {
      validateKeyMaterial('SM2', createPrivateKey(keyPair('SM2').privateKeyPem).export({ type: 'pkcs8', format: 'der' }));
      const tmp = tempDir();
      try {
        const pem = tmp.file('sm2.pem');
        openssl(['genpkey', '-algorithm', 'SM2', '-out', pem]);
        validateKeyMaterial('SM2', openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'der', '-in', pem]));
      } finally {
        tmp.remove();
      }
      expectError(() => validateKeyMaterial('SM2', pkcs8('ec', { namedCurve: 'prime256v1' })), 'InvalidKeyMaterial', /SM2 private key as unencrypted PKCS#8 DER/);
      expectError(() => validateKeyMaterial('SM2', createPrivateKey(keyPair('RSA_2048').privateKeyPem).export({ type: 'pkcs8', format: 'der' })), 'InvalidKeyMaterial', /SM2/);
    });

    it('refuses 32 random bytes for an asymmetric spec without echoing them', () => {
      for (const spec of ['RSA_2048', 'ECC_NIST_P256', 'SM2']) {
        const material = randomBytes(32);
        material[0] = 0x30; // looks like the start of a SEQUENCE
        assertNoMaterial(expectError(() => validateKeyMaterial(spec, material), 'InvalidKeyMaterial', /PKCS#8 DER/), material);
      }
    });
  });
});
