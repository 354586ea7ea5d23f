// The digest comes from the HSM: the same key gives a matching digest, a different key (even under the same label)
// does not, and the digest holds neither the value nor the check value in the clear.
import { strict as assert } from 'node:assert';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { digestHsmKey, hsmKeyMatchesDigest, type Pkcs11Source } from '../../../../provider/material-sources/pkcs11';
import { assertRefused, createSoftHsmToken, describeWithSoftHsm, type SoftHsmToken } from '../../../support/softhsm';

const PIN_ENV = 'IMPORTED_KEY_TEST_HSM_PIN_DIGEST';

describeWithSoftHsm('pkcs11 digest: computed inside the HSM', (module) => {
  let token: SoftHsmToken;
  let other: SoftHsmToken;
  let source: Pkcs11Source;
  const value = randomBytes(32);

  before(() => {
    token = createSoftHsmToken(module);
    token.createAesKey({ label: 'k', value, sensitive: true });
    token.createAesKey({ label: 'k2', value: randomBytes(32), sensitive: true });
    source = { module, token: { label: token.label }, key: { label: 'k' }, pinEnv: PIN_ENV };
    process.env[PIN_ENV] = token.pin;
  });
  after(() => {
    delete process.env[PIN_ENV];
    token?.remove();
  });

  it("is the token's check value (AES-ECB(key, 0) first 3 bytes), salted and HMAC'd: same key matches, the salt differs each time", async () => {
    const digest = await digestHsmKey(source);
    const [method, salt, mac] = digest.split(':');
    assert.equal(method, 'pkcs11-kcv');
    // Recomputed from the known value, as the token computes its CKA_CHECK_VALUE: the HSM's value is the check value.
    const kcv = createCipheriv('aes-256-ecb', value, null).update(Buffer.alloc(16)).subarray(0, 3);
    const keyType = Buffer.alloc(8); // CKK_AES = 0x1f as a native CK_ULONG
    keyType.writeUInt32LE(0x1f);
    const length = Buffer.alloc(8);
    length.writeUInt32LE(32);
    const expected = createHmac('sha256', Buffer.from(salt, 'hex')).update('pkcs11-kcv\0').update(keyType).update(length).update(kcv).digest('hex');
    assert.equal(mac, expected);
    assert.equal(await hsmKeyMatchesDigest(source, digest), true);
    assert.notEqual(await digestHsmKey(source), digest);
    for (const shown of [value.toString('hex'), kcv.toString('hex')]) assert.ok(!digest.includes(shown));
  });

  it('a different key does not match: another label, and the same label in another token', async () => {
    const digest = await digestHsmKey(source);
    assert.equal(await hsmKeyMatchesDigest({ ...source, key: { label: 'k2' } }, digest), false);
    other = token.addToken();
    other.createAesKey({ label: 'k', value: randomBytes(32), sensitive: true });
    assert.equal(await hsmKeyMatchesDigest({ ...source, token: { label: other.label } }, digest), false);
    // The same value in another token is the same key material: it matches.
    other.createAesKey({ label: 'copy', value, sensitive: true });
    assert.equal(await hsmKeyMatchesDigest({ ...source, token: { label: other.label }, key: { label: 'copy' } }, digest), true);
  });

  it('rejects a malformed digest or one of another kind, and never reads a missing key as "no change"', async () => {
    for (const bad of [undefined, '', `hmac-sha256:${'0'.repeat(32)}:${'0'.repeat(64)}`, `pkcs11-xyz:${'0'.repeat(32)}:${'0'.repeat(64)}`, 'pkcs11-kcv:00:00']) {
      assert.equal(await hsmKeyMatchesDigest(source, bad), false, String(bad));
    }
    const digest = await digestHsmKey(source);
    await assertRefused(() => hsmKeyMatchesDigest({ ...source, key: { label: 'gone' } }, digest), 'KeyNotFound', /key "gone": no secret key with that label/, [token.pin]);
  });
});
