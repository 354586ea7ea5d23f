import * as assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { decodePublicKey, isSm2PublicKey, publicKeyDer } from '../../../core/wrapping';
import { expectError, keyPair } from '../../support/wrapping-fixtures';

describe('decodePublicKey', () => {
  const der = () => keyPair('RSA_2048').publicKeyDer;

  it('reads the same RSA key from DER bytes, base64 (Alibaba, Huawei), hexadecimal (Ping An) and PEM', () => {
    const pem = createPublicKey({ key: der(), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }) as string;
    const pkcs1Pem = createPublicKey({ key: der(), format: 'der', type: 'spki' }).export({ type: 'pkcs1', format: 'pem' }) as string;
    const forms: Array<Buffer | string> = [
      der(),
      der().toString('base64'),
      der().toString('base64').replace(/(.{64})/g, '$1\n'),
      der().toString('base64url'),
      der().toString('hex'),
      der().toString('hex').toUpperCase(),
      pem,
      pkcs1Pem,
      Buffer.from(der().toString('base64') + '\n'), // a .b64 file read as bytes
      Buffer.from(der().toString('hex')), // a hex file read as bytes
      Buffer.from(pem),
    ];
    for (const form of forms) {
      const key = decodePublicKey(form);
      assert.ok(key instanceof KeyObject);
      assert.deepEqual(key.export({ type: 'spki', format: 'der' }), der());
    }
  });

  it('reads an SM2 key as an SM2 public key with its 65-byte point', () => {
    const key = decodePublicKey(keyPair('SM2').publicKeyDer.toString('base64'));
    assert.ok(isSm2PublicKey(key));
    assert.equal(key.point.length, 65);
    assert.equal(key.point[0], 4);
    assert.deepEqual(key.spki, keyPair('SM2').publicKeyDer);
  });

  it('publicKeyDer gives back the DER bytes whatever the form', () => {
    assert.deepEqual(publicKeyDer(der().toString('hex')), der());
    assert.deepEqual(publicKeyDer(`0x${der().toString('hex')}`), der());
  });

  it('refuses base64 that does not decode, naming publicKey and the allowed forms', () => {
    expectError(() => decodePublicKey('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA!!'), 'InvalidEncoding', /publicKey/, /base64, hexadecimal or PEM/);
    expectError(() => decodePublicKey('MIIBIjANB'), 'InvalidEncoding', /publicKey is not valid base64/);
    expectError(() => decodePublicKey('MIIB=IjAN'), 'InvalidEncoding', /publicKey/);
  });

  it('refuses hexadecimal with an odd number of digits', () => {
    expectError(() => decodePublicKey(der().toString('hex').slice(1)), 'InvalidEncoding', /publicKey looks hexadecimal but has an odd number of digits/);
  });

  it('refuses empty input and a PEM without its footer', () => {
    expectError(() => decodePublicKey(''), 'InvalidEncoding', /publicKey is empty/);
    expectError(() => decodePublicKey(Buffer.alloc(0)), 'InvalidEncoding', /publicKey is empty/);
    expectError(() => decodePublicKey('-----BEGIN PUBLIC KEY-----\nMIIB\n'), 'InvalidEncoding', /footer/);
  });

  it('refuses bytes that decode but are not a SubjectPublicKeyInfo', () => {
    expectError(() => decodePublicKey(Buffer.from('3003020101', 'hex')), 'InvalidPublicKey', /publicKey does not parse as a DER SubjectPublicKeyInfo/);
    expectError(() => decodePublicKey(der().subarray(0, 100)), 'InvalidPublicKey', /publicKey does not parse/);
    expectError(() => decodePublicKey(Buffer.concat([der(), Buffer.from([0])])), 'InvalidPublicKey', /publicKey does not parse/);
    expectError(() => decodePublicKey(Buffer.from([0x01, 0x02, 0xff])), 'InvalidPublicKey', /publicKey is binary but not a DER/);
  });

  it('refuses a private key PEM', () => {
    expectError(() => decodePublicKey(keyPair('RSA_2048').privateKeyPem), 'InvalidPublicKey', /"PRIVATE KEY"/, /expected "PUBLIC KEY"/);
  });

  it('refuses RSA keys shorter than 2048 bits, saying the minimum', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    expectError(() => decodePublicKey(small), 'InvalidPublicKey', /publicKey is a 1024-bit RSA key/, /at least 2048 bits/);
  });

  it('refuses keys that are neither RSA nor SM2, naming what they are', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' });
    expectError(() => decodePublicKey(p256), 'InvalidPublicKey', /EC P-256/, /RSA .* or SM2/);
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    expectError(() => decodePublicKey(ed), 'InvalidPublicKey', /Ed25519/);
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    expectError(() => decodePublicKey(pss), 'InvalidPublicKey', /RSA-PSS/);
  });

  it('refuses an SM2 key whose point is not on the curve', () => {
    const bad = Buffer.from(keyPair('SM2').publicKeyDer);
    bad[bad.length - 1] ^= 0x01; // change y: (x, y') is off the curve
    expectError(() => decodePublicKey(bad), 'InvalidPublicKey', /SM2 key that is not valid/, /not on the curve/);
  });

  it('refuses a private KeyObject passed as the public key', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expectError(() => decodePublicKey(privateKey), 'InvalidPublicKey', /must be a public key/);
  });
});
