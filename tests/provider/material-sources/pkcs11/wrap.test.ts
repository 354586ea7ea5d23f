// The HSM wraps: for each algorithm SoftHSM2 can do, the HSM's output unwrapped with the test's private key (by
// core/wrapping, i.e. node:crypto / node-forge, and once by the openssl CLI) is exactly the key's value — which the
// test knows because it created the key with a value it chose, and which the token will not give out in plain.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { unwrapKeyMaterial, type WrappingAlgorithm } from '../../../../core/wrapping';
import { hsmWrappingCapabilities, wrapWithHsm, type Pkcs11Source } from '../../../../provider/material-sources/pkcs11';
import { assertRefused, createSoftHsmToken, describeWithSoftHsm, type SoftHsmToken } from '../../../support/softhsm';
import { keyPair, openssl, tempDir } from '../../../support/wrapping-fixtures';

const PIN_ENV = 'IMPORTED_KEY_TEST_HSM_PIN_WRAP';

describeWithSoftHsm('pkcs11 wrap: C_WrapKey under the cloud public key', (module) => {
  let token: SoftHsmToken;
  let source: Pkcs11Source;
  let supported: WrappingAlgorithm[];
  const sensitiveValue = randomBytes(32);
  const plainValue = randomBytes(32);
  const pair = () => keyPair('RSA_2048');
  const secrets = () => [token.pin, sensitiveValue.toString('hex'), sensitiveValue.toString('base64')];

  before(async () => {
    token = createSoftHsmToken(module);
    token.createAesKey({ label: 'sensitive', id: 'c0ffee', value: sensitiveValue, sensitive: true, extractable: true });
    token.createAesKey({ label: 'plain', value: plainValue, sensitive: false, extractable: true });
    token.createAesKey({ label: 'unextractable', value: randomBytes(32), sensitive: true, extractable: false });
    token.createAesKey({ label: 'twin', value: randomBytes(32) });
    token.createAesKey({ label: 'twin', value: randomBytes(32) });
    token.createAesKey({ label: 'trusted-only', value: randomBytes(32), sensitive: true, wrapWithTrusted: true });
    source = { module, token: { label: token.label }, key: { label: 'sensitive' }, pinEnv: PIN_ENV };
    process.env[PIN_ENV] = token.pin;
    supported = (await hsmWrappingCapabilities(source)).supported.map((s) => s.algorithm);
  });
  after(() => {
    delete process.env[PIN_ENV];
    token?.remove();
  });

  it('the sensitive key cannot be read in plain (C_GetAttributeValue(CKA_VALUE) refused), the plain one can', () => {
    assert.equal(token.readValue('sensitive'), 'CKR_ATTRIBUTE_SENSITIVE');
    assert.deepEqual(token.readValue('plain'), plainValue);
  });

  for (const algorithm of ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSAES_PKCS1_V1_5', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'] as const) {
    it(`${algorithm}: the HSM's wrap of the sensitive key unwraps to exactly its value (when the token can do it)`, async function () {
      if (!supported.includes(algorithm)) {
        // mechanisms.test.ts checks SoftHSM's refusals; here the refusal must be the named one.
        await assertRefused(() => wrapWithHsm(source, algorithm, pair().publicKeyDer), 'MechanismMissing', new RegExp(`cannot wrap with ${algorithm}`), secrets());
        return;
      }
      const wrapped = await wrapWithHsm(source, algorithm, pair().publicKeyDer);
      assert.equal(wrapped.length, algorithm.startsWith('RSA_AES') ? 256 + 40 : 256);
      assert.deepEqual(unwrapKeyMaterial({ algorithm, privateKey: pair().privateKeyPem, wrapped }), sensitiveValue);
      assert.ok(!wrapped.includes(sensitiveValue), 'the wrapped form does not hold the value');
      // Randomized padding / a fresh AES key each time: two wraps differ, both unwrap to the value.
      const again = await wrapWithHsm(source, algorithm, pair().publicKeyDer);
      assert.notDeepEqual(again, wrapped);
      assert.deepEqual(unwrapKeyMaterial({ algorithm, privateKey: pair().privateKeyPem, wrapped: again }), sensitiveValue);
    });
  }

  it('finds the key by id as well as label, and wraps a plain key the same way', async () => {
    const byId = await wrapWithHsm({ ...source, key: { id: 'C0FFEE' } }, 'RSAES_OAEP_SHA_1', pair().publicKeyDer);
    assert.deepEqual(unwrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_1', privateKey: pair().privateKeyPem, wrapped: byId }), sensitiveValue);
    const plain = await wrapWithHsm({ ...source, key: { label: 'plain' } }, 'RSA_AES_KEY_WRAP_SHA_1', pair().publicKeyDer);
    assert.deepEqual(unwrapKeyMaterial({ algorithm: 'RSA_AES_KEY_WRAP_SHA_1', privateKey: pair().privateKeyPem, wrapped: plain }), plainValue);
  });

  it('cross-checked with the openssl CLI: RSA-OAEP-SHA1, and RSA-AES key wrap (pkeyutl for the AES key, id-aes256-wrap-pad for the rest)', async () => {
    const dir = tempDir();
    try {
      const keyFile = dir.write('private.pem', pair().privateKeyPem);
      const oaep = ['pkeyutl', '-decrypt', '-inkey', keyFile, '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha1', '-pkeyopt', 'rsa_mgf1_md:sha1'];
      const wrapped = await wrapWithHsm(source, 'RSAES_OAEP_SHA_1', pair().publicKeyDer);
      assert.deepEqual(openssl(oaep, wrapped), sensitiveValue);

      const both = await wrapWithHsm(source, 'RSA_AES_KEY_WRAP_SHA_1', pair().publicKeyDer);
      const aesKey = openssl(oaep, both.subarray(0, 256));
      assert.equal(aesKey.length, 32);
      const kwp = dir.write('kwp.bin', both.subarray(256));
      const unwrapped = openssl(['enc', '-d', '-id-aes256-wrap-pad', '-K', aesKey.toString('hex'), '-iv', 'A65959A6', '-in', kwp]);
      assert.deepEqual(unwrapped, sensitiveValue);
    } finally {
      dir.remove();
    }
  });

  it('a key generated inside the token by pkcs11-tool (sensitive, extractable) wraps too, and its value is never readable', async () => {
    token.generateAesKeyWithPkcs11Tool('generated', '0101');
    assert.equal(token.readValue('generated'), 'CKR_ATTRIBUTE_SENSITIVE');
    const wrapped = await wrapWithHsm({ ...source, key: { label: 'generated' } }, 'RSA_AES_KEY_WRAP_SHA_1', pair().publicKeyDer);
    assert.equal(unwrapKeyMaterial({ algorithm: 'RSA_AES_KEY_WRAP_SHA_1', privateKey: pair().privateKeyPem, wrapped }).length, 32);
  });

  it('a key that is not extractable, one only a trusted key may wrap, an unknown and an ambiguous label: each named', async () => {
    const der = pair().publicKeyDer;
    await assertRefused(() => wrapWithHsm({ ...source, key: { label: 'unextractable' } }, 'RSAES_OAEP_SHA_1', der), 'KeyNotWrappable', new RegExp(`token "${token.label}", key "unextractable": the key is not extractable \\(CKA_EXTRACTABLE false\\)`), secrets());
    await assertRefused(() => wrapWithHsm({ ...source, key: { label: 'trusted-only' } }, 'RSAES_OAEP_SHA_1', der), 'KeyNotWrappable', /key "trusted-only": the key may only be wrapped by a trusted key/, secrets());
    await assertRefused(() => wrapWithHsm({ ...source, key: { label: 'no-such-key' } }, 'RSAES_OAEP_SHA_1', der), 'KeyNotFound', new RegExp(`token "${token.label}", key "no-such-key": no secret key with that label`), secrets());
    await assertRefused(() => wrapWithHsm({ ...source, key: { id: 'dead' } }, 'RSAES_OAEP_SHA_1', der), 'KeyNotFound', /key with id dead: no secret key with that id/, secrets());
    await assertRefused(() => wrapWithHsm({ ...source, key: { label: 'twin' } }, 'RSAES_OAEP_SHA_1', der), 'KeyAmbiguous', /key "twin": more than one secret key has that label/, secrets());
  });

  it('SM2PKE and an SM2 public key are refused before anything is wrapped; a wrong PIN names no PIN', async () => {
    await assertRefused(() => wrapWithHsm(source, 'SM2PKE', pair().publicKeyDer), 'MechanismMissing', /cannot wrap with SM2PKE: .*this token can do RSAES_OAEP_SHA_1/, secrets());
    await assertRefused(() => wrapWithHsm(source, 'SM2PKE', keyPair('SM2').publicKeyDer), 'PublicKeyRefused', /not an RSA key/, secrets());
    process.env[PIN_ENV] = 'not-the-pin-8812';
    try {
      await assertRefused(() => wrapWithHsm(source, 'RSAES_OAEP_SHA_1', pair().publicKeyDer), 'PinIncorrect', /refused the PIN/, [...secrets(), 'not-the-pin-8812']);
    } finally {
      process.env[PIN_ENV] = token.pin;
    }
  });

  it('creates no token object: the cloud public key and the ephemeral AES key are session objects (CKA_TOKEN false)', async () => {
    await wrapWithHsm(source, 'RSA_AES_KEY_WRAP_SHA_1', pair().publicKeyDer);
    const out = execFileSync('pkcs11-tool', ['--module', module, '--slot', String(token.slot), '--login', '--pin', token.pin, '--list-objects'], { env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const labels = [...out.matchAll(/label:\s+(.*)/g)].map((m) => m[1].trim());
    assert.ok(labels.length >= 7, out);
    for (const label of labels) assert.ok(['generated', 'plain', 'sensitive', 'trusted-only', 'twin', 'unextractable'].includes(label), `left behind: ${label}`);
    assert.ok(!/Public Key Object/.test(out), 'no public key object left in the token');
  });
});
