// The digest comes from the HSM: the same key gives a matching digest, a different key (even under the same label)
// does not, and the digest holds neither the value nor the check value in the clear.
import { strict as assert } from 'node:assert';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { digestHsmKey, hsmKeyMatchesDigest, type DigestMethod, type Pkcs11Source } from '../../../../provider/material-sources/pkcs11';
import { digestBy } from '../../../../provider/material-sources/pkcs11/digest';
import { withHsmSession } from '../../../../provider/material-sources/pkcs11/session';
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

describeWithSoftHsm('pkcs11 digest: the fallbacks when a token gives no check value', (module) => {
  let token: SoftHsmToken;
  let source: Pkcs11Source;
  const value = randomBytes(32);

  before(() => {
    token = createSoftHsmToken(module);
    token.createAesKey({ label: 'both', value, sign: true, encrypt: true, sensitive: true });
    token.createAesKey({ label: 'other', value: randomBytes(32), sign: true, encrypt: true, sensitive: true });
    token.createAesKey({ label: 'neither', value: randomBytes(32), sensitive: true });
    source = { module, token: { label: token.label }, key: { label: 'both' }, pinEnv: PIN_ENV };
    process.env[PIN_ENV] = token.pin;
  });
  after(() => {
    delete process.env[PIN_ENV];
    token?.remove();
  });

  const salt = Buffer.alloc(16, 7);
  const digestOf = (label: string, method: DigestMethod) => withHsmSession({ ...source, key: { label } }, (hsm) => digestBy(hsm, salt, [method]));

  it('AES-ECB of the zero block, computed in the HSM, is what node:crypto computes from the known value', () => {
    const ecb = createCipheriv('aes-256-ecb', value, null).update(Buffer.alloc(16));
    const length = Buffer.alloc(8);
    length.writeUInt32LE(32);
    const keyType = Buffer.alloc(8);
    keyType.writeUInt32LE(0x1f);
    const mac = createHmac('sha256', salt).update('pkcs11-ecb\0').update(keyType).update(length).update(ecb).digest('hex');
    assert.equal(digestOf('both', 'ecb'), `pkcs11-ecb:${salt.toString('hex')}:${mac}`);
    assert.notEqual(digestOf('other', 'ecb'), digestOf('both', 'ecb'));
  });

  it('AES-CMAC in the HSM: stable for the key, different for another', () => {
    const cmac = digestOf('both', 'cmac');
    assert.match(cmac ?? '', /^pkcs11-cmac:(07){16}:[0-9a-f]{64}$/);
    assert.equal(digestOf('both', 'cmac'), cmac);
    assert.notEqual(digestOf('other', 'cmac'), cmac);
  });

  it('a key that may neither sign nor encrypt has neither fallback; a recorded method it lacks matches nothing', async () => {
    assert.equal(digestOf('neither', 'cmac'), undefined);
    assert.equal(digestOf('neither', 'ecb'), undefined);
    const recorded = digestOf('both', 'cmac') as string;
    assert.equal(await hsmKeyMatchesDigest(source, recorded), true);
    assert.equal(await hsmKeyMatchesDigest({ ...source, key: { label: 'neither' } }, recorded), false);
  });
});
