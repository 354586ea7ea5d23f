// Cross-checks against an implementation nobody here wrote: the openssl CLI, run as a subprocess.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { decodePublicKey, isSm2PublicKey, unwrapKeyMaterial, wrapKeyMaterial } from '../../../core/wrapping';
import { keyPair, openssl, RSA_SPECS, tempDir } from '../../support/wrapping-fixtures';

const OAEP = [
  ['RSAES_OAEP_SHA_256', 'sha256'],
  ['RSAES_OAEP_SHA_1', 'sha1'],
] as const;

describe('wrapping cross-checked with openssl', () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => {
    tmp = tempDir();
    for (const spec of [...RSA_SPECS, 'SM2'] as const) {
      const pair = keyPair(spec);
      tmp.write(`${spec}.key.pem`, pair.privateKeyPem);
      tmp.write(`${spec}.pub.der`, pair.publicKeyDer);
    }
  });
  after(() => tmp.remove());

  describe('what wrapKeyMaterial produces, openssl pkeyutl -decrypt turns back into the material', () => {
    for (const spec of RSA_SPECS) {
      for (const [algorithm, md] of OAEP) {
        it(`${algorithm} with ${spec}`, () => {
          const material = randomBytes(32);
          const wrapped = tmp.write('wrapped.bin', wrapKeyMaterial({ algorithm, publicKey: keyPair(spec).publicKeyDer, material }));
          const out = openssl(['pkeyutl', '-decrypt', '-inkey', tmp.file(`${spec}.key.pem`), '-in', wrapped, '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${md}`]);
          assert.deepEqual(out, material);
        });
      }
      it(`RSAES_PKCS1_V1_5 with ${spec}`, () => {
        const material = randomBytes(32);
        const wrapped = tmp.write('wrapped.bin', wrapKeyMaterial({ algorithm: 'RSAES_PKCS1_V1_5', publicKey: keyPair(spec).publicKeyDer, material }));
        const out = openssl(['pkeyutl', '-decrypt', '-inkey', tmp.file(`${spec}.key.pem`), '-in', wrapped, '-pkeyopt', 'rsa_padding_mode:pkcs1']);
        assert.deepEqual(out, material);
      });
      for (const [algorithm, md] of [['RSA_AES_KEY_WRAP_SHA_256', 'sha256'], ['RSA_AES_KEY_WRAP_SHA_1', 'sha1']] as const) {
        it(`${algorithm} with ${spec}: pkeyutl recovers the AES key, enc -d -id-aes256-wrap-pad the material`, () => {
          const material = randomBytes(1217); // e.g. a PKCS#8 RSA-2048 private key is about this long
          const wrapped = wrapKeyMaterial({ algorithm, publicKey: keyPair(spec).publicKeyDer, material });
          const k = Number(spec.slice(4)) / 8;
          const rsaPart = tmp.write('rsa-part.bin', wrapped.subarray(0, k));
          const kwpPart = tmp.write('kwp-part.bin', wrapped.subarray(k));
          const aesKey = openssl(['pkeyutl', '-decrypt', '-inkey', tmp.file(`${spec}.key.pem`), '-in', rsaPart, '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${md}`]);
          assert.equal(aesKey.length, 32);
          const out = openssl(['enc', '-d', '-id-aes256-wrap-pad', '-K', aesKey.toString('hex'), '-iv', 'A65959A6', '-in', kwpPart]);
          assert.deepEqual(out, material);
        });
      }
    }
  });

  describe("what the Huawei seed's openssl commands produce, unwrapKeyMaterial turns back into the material", () => {
    it('the seed\'s "openssl enc -d -base64 -A" of the base64 public key gives the DER that decodePublicKey reads from the base64 itself', () => {
      const b64 = tmp.write('PublicKey.b64', keyPair('RSA_2048').publicKeyDer.toString('base64'));
      const bin = tmp.file('PublicKey.bin');
      openssl(['enc', '-d', '-base64', '-A', '-in', b64, '-out', bin]);
      assert.deepEqual(fs.readFileSync(bin), keyPair('RSA_2048').publicKeyDer);
      const fromB64 = decodePublicKey(fs.readFileSync(b64));
      assert.ok(!isSm2PublicKey(fromB64));
      assert.deepEqual(fromB64.export({ type: 'spki', format: 'der' }), fs.readFileSync(bin));
    });

    for (const spec of RSA_SPECS) {
      for (const [algorithm, md] of OAEP) {
        it(`${algorithm} with ${spec}: openssl pkeyutl -encrypt -pubin -keyform der -pkeyopt rsa_oaep_md:${md}`, () => {
          const plaintext = tmp.write('PlaintextKeyMaterial.bin', randomBytes(32));
          const encrypted = tmp.file('EncryptedKeyMaterial.bin');
          openssl(['pkeyutl', '-in', plaintext, '-inkey', tmp.file(`${spec}.pub.der`), '-out', encrypted, '-keyform', 'der', '-pubin', '-encrypt', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`]);
          const material = unwrapKeyMaterial({ algorithm, privateKey: keyPair(spec).privateKeyPem, wrapped: fs.readFileSync(encrypted) });
          assert.deepEqual(material, fs.readFileSync(plaintext));
        });
      }
      it(`RSAES_PKCS1_V1_5 with ${spec}: openssl rsautl -encrypt -pkcs -keyform der -pubin`, () => {
        const plaintext = tmp.write('PlaintextKeyMaterial.bin', randomBytes(32));
        const encrypted = tmp.file('EncryptedKeyMaterial.bin');
        openssl(['rsautl', '-encrypt', '-in', plaintext, '-pkcs', '-inkey', tmp.file(`${spec}.pub.der`), '-keyform', 'der', '-pubin', '-out', encrypted]);
        const material = unwrapKeyMaterial({ algorithm: 'RSAES_PKCS1_V1_5', privateKey: keyPair(spec).privateKeyPem, wrapped: fs.readFileSync(encrypted) });
        assert.deepEqual(material, fs.readFileSync(plaintext));
      });
    }

    it('RSA_AES_KEY_WRAP_SHA_256: the several-step openssl recipe (rand, enc -id-aes256-wrap-pad, pkeyutl oaep, cat)', () => {
      const plaintext = tmp.write('PlaintextKeyMaterial.bin', randomBytes(1191));
      const aesKey = openssl(['rand', '32']);
      const aesKeyFile = tmp.write('aes-key.bin', aesKey);
      const kwp = openssl(['enc', '-id-aes256-wrap-pad', '-K', aesKey.toString('hex'), '-iv', 'A65959A6', '-in', plaintext]);
      const rsa = openssl(['pkeyutl', '-encrypt', '-in', aesKeyFile, '-inkey', tmp.file('RSA_3072.pub.der'), '-keyform', 'der', '-pubin', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256']);
      const material = unwrapKeyMaterial({ algorithm: 'RSA_AES_KEY_WRAP_SHA_256', privateKey: keyPair('RSA_3072').privateKeyPem, wrapped: Buffer.concat([rsa, kwp]) });
      assert.deepEqual(material, fs.readFileSync(plaintext));
    });
  });

  describe('SM2PKE against OpenSSL 3 SM2 encryption (GB/T 35276 DER C1C3C2)', () => {
    let opensslKey: string;
    let opensslPub: string;
    before(() => {
      opensslKey = tmp.file('openssl-sm2.key.pem');
      opensslPub = tmp.file('openssl-sm2.pub.der');
      openssl(['genpkey', '-algorithm', 'SM2', '-out', opensslKey]);
      openssl(['pkey', '-in', opensslKey, '-pubout', '-outform', 'der', '-out', opensslPub]);
    });

    it('openssl pkeyutl -decrypt recovers what wrapKeyMaterial made under an OpenSSL-generated SM2 key', () => {
      const material = randomBytes(32);
      const wrapped = tmp.write('sm2-wrapped.bin', wrapKeyMaterial({ algorithm: 'SM2PKE', publicKey: fs.readFileSync(opensslPub), material }));
      assert.deepEqual(openssl(['pkeyutl', '-decrypt', '-inkey', opensslKey, '-in', wrapped]), material);
    });

    it('openssl pkeyutl -decrypt recovers what wrapKeyMaterial made under a key from generateWrappingKeyPair', () => {
      const material = randomBytes(16);
      const wrapped = tmp.write('sm2-wrapped.bin', wrapKeyMaterial({ algorithm: 'SM2_ENCRYPT', publicKey: keyPair('SM2').publicKeyDer, material }));
      assert.deepEqual(openssl(['pkeyutl', '-decrypt', '-inkey', tmp.file('SM2.key.pem'), '-in', wrapped]), material);
    });

    it('unwrapKeyMaterial recovers what openssl pkeyutl -encrypt made, with both kinds of key', () => {
      for (const [pub, key] of [[opensslPub, fs.readFileSync(opensslKey, 'utf8')], [tmp.file('SM2.pub.der'), keyPair('SM2').privateKeyPem]]) {
        const plaintext = tmp.write('sm2-plain.bin', randomBytes(32));
        const encrypted = tmp.file('sm2-encrypted.bin');
        openssl(['pkeyutl', '-encrypt', '-pubin', '-keyform', 'der', '-inkey', pub, '-in', plaintext, '-out', encrypted]);
        assert.deepEqual(unwrapKeyMaterial({ algorithm: 'SM2PKE', privateKey: key, wrapped: fs.readFileSync(encrypted) }), fs.readFileSync(plaintext));
      }
    });

    it('writes SEQUENCE { INTEGER x, INTEGER y, OCTET STRING C3 (32 bytes), OCTET STRING C2 } as openssl asn1parse reads it', () => {
      const material = randomBytes(32);
      const wrapped = tmp.write('sm2-wrapped.bin', wrapKeyMaterial({ algorithm: 'SM2PKE', publicKey: keyPair('SM2').publicKeyDer, material }));
      const lines = openssl(['asn1parse', '-inform', 'der', '-in', wrapped]).toString().trim().split('\n');
      assert.equal(lines.length, 5);
      assert.match(lines[0], /d=0 .* cons: SEQUENCE/);
      assert.match(lines[1], /d=1 .* prim: INTEGER/);
      assert.match(lines[2], /d=1 .* prim: INTEGER/);
      assert.match(lines[3], /d=1 .*l= *32 prim: OCTET STRING/);
      assert.match(lines[4], /d=1 .*l= *32 prim: OCTET STRING/);
    });

    it('generateWrappingKeyPair("SM2") writes the public key the way OpenSSL does (id-ecPublicKey + SM2 curve)', () => {
      const text = openssl(['pkey', '-pubin', '-inform', 'der', '-in', tmp.file('SM2.pub.der'), '-text', '-noout']).toString();
      assert.match(text, /ASN1 OID: SM2/);
      const ours = keyPair('SM2').publicKeyDer;
      const theirs = fs.readFileSync(opensslPub);
      // Same 27-byte header (SEQUENCE, AlgorithmIdentifier, BIT STRING prefix); only the point differs.
      assert.deepEqual(ours.subarray(0, 27), theirs.subarray(0, 27));
      assert.equal(ours.length, theirs.length);
    });
  });
});
