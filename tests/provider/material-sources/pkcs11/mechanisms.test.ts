// What the token can do, asked of SoftHSM2 itself: the list, the probes, and the refusal that names the alternatives.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { WRAPPING_ALGORITHMS } from '../../../../core/wrapping';
import { checkHsmCanWrap, hsmWrappingCapabilities, type Pkcs11Source, type TokenWrappingCapabilities } from '../../../../provider/material-sources/pkcs11';
import { assertRefused, createSoftHsmToken, describeWithSoftHsm, type SoftHsmToken } from '../../../support/softhsm';

const PIN_ENV = 'IMPORTED_KEY_TEST_HSM_PIN_MECHANISMS';

describeWithSoftHsm('pkcs11 mechanisms: which wrapping algorithms the token can do', (module) => {
  let token: SoftHsmToken;
  let source: Pkcs11Source;
  let capabilities: TokenWrappingCapabilities;

  before(async () => {
    token = createSoftHsmToken(module);
    token.createAesKey({ label: 'k', value: randomBytes(32), sensitive: true });
    source = { module, token: { label: token.label }, key: { label: 'k' }, pinEnv: PIN_ENV };
    process.env[PIN_ENV] = token.pin;
    capabilities = await hsmWrappingCapabilities(source);
  });
  after(() => {
    delete process.env[PIN_ENV];
    token?.remove();
  });

  it("lists the token's wrapping mechanisms by name (SoftHSM2: RSA PKCS#1, RSA-OAEP, AES key wrap with and without padding)", () => {
    for (const name of ['CKM_RSA_PKCS', 'CKM_RSA_PKCS_OAEP', 'CKM_AES_KEY_WRAP', 'CKM_AES_KEY_WRAP_PAD']) assert.ok(capabilities.wrapMechanisms.includes(name), `${name} in ${capabilities.wrapMechanisms.join(', ')}`);
    assert.ok(!capabilities.wrapMechanisms.includes('CKM_SHA256'), 'a digest mechanism is no wrapping mechanism');
  });

  it('accounts for every algorithm of the table: supported (and how) or refused (and why)', () => {
    const named = [...capabilities.supported.map((s) => s.algorithm), ...capabilities.refused.map((r) => r.algorithm)].sort();
    assert.deepEqual(named, [...WRAPPING_ALGORITHMS].sort());
    const supported = capabilities.supported.map((s) => s.algorithm);
    for (const algorithm of ['RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'RSA_AES_KEY_WRAP_SHA_1'] as const) assert.ok(supported.includes(algorithm), `${algorithm} supported: ${JSON.stringify(capabilities)}`);
    const rsaAes = capabilities.supported.find((s) => s.algorithm === 'RSA_AES_KEY_WRAP_SHA_1');
    assert.match(rsaAes?.how ?? '', /ephemeral in-HSM AES-256 key: CKM_AES_KEY_WRAP_PAD of the key, CKM_RSA_PKCS_OAEP-SHA1 of the AES key/);
  });

  it('refuses SM2PKE, and (SoftHSM 2.6 taking only SHA-1 for OAEP) the SHA-256 algorithms, found by probing, not by the list', () => {
    const refused = new Map(capabilities.refused.map((r) => [r.algorithm, r.reason]));
    assert.match(refused.get('SM2PKE') ?? '', /defines no SM2 encryption mechanism/);
    // SoftHSM 2.6.1 lists CKM_RSA_PKCS_OAEP but answers CKR_ARGUMENTS_BAD to hashAlg SHA-256: a later SoftHSM may take it.
    if (refused.has('RSAES_OAEP_SHA_256')) {
      assert.match(refused.get('RSAES_OAEP_SHA_256') ?? '', /the token refused RSA-OAEP-SHA256 wrapping \(CKR_/);
      assert.match(refused.get('RSA_AES_KEY_WRAP_SHA_256') ?? '', /RSA-OAEP-SHA256/);
    } else {
      assert.ok(capabilities.supported.some((s) => s.algorithm === 'RSA_AES_KEY_WRAP_SHA_256'));
    }
  });

  it('refuses at preview an algorithm the token lacks, naming those it can do (and no PIN)', async () => {
    const can = capabilities.supported.map((s) => s.algorithm).join(', ');
    await assertRefused(() => checkHsmCanWrap(source, 'SM2PKE'), 'MechanismMissing', new RegExp(`token "${token.label}", key "k": the token cannot wrap with SM2PKE: .*; for this 32-byte key this token can do ${can} `), [token.pin]);
    for (const refused of capabilities.refused) {
      await assertRefused(() => checkHsmCanWrap(source, refused.algorithm), 'MechanismMissing', new RegExp(`cannot wrap with ${refused.algorithm}: .*this token can do`), [token.pin]);
    }
    for (const supported of capabilities.supported) await checkHsmCanWrap(source, supported.algorithm);
  });

  it("probes RFC 5649 for the key's own length: SoftHSM's CKM_AES_KEY_WRAP_PAD pads a 20-byte key its own way, so RSA-AES is refused for it", async () => {
    token.createAesKey({ label: 'twenty', value: randomBytes(20), sensitive: true });
    const twenty = { ...source, key: { label: 'twenty' } };
    const refused = new Map((await hsmWrappingCapabilities(twenty)).refused.map((r) => [r.algorithm, r.reason]));
    assert.match(refused.get('RSA_AES_KEY_WRAP_SHA_1') ?? '', /CKM_AES_KEY_WRAP_PAD is not RFC 5649 for 20-byte keys/);
    await assertRefused(() => checkHsmCanWrap(twenty, 'RSA_AES_KEY_WRAP_SHA_1'), 'MechanismMissing', /for this 20-byte key this token can do RSAES_OAEP_SHA_1, RSAES_PKCS1_V1_5 /, [token.pin]);
    await checkHsmCanWrap(twenty, 'RSAES_OAEP_SHA_1');
  });

  it('an algorithm name not in the table is UnsupportedAlgorithm, as core/wrapping says it', async () => {
    await assert.rejects(() => checkHsmCanWrap(source, 'RSA_OAEP_3000'), (e: Error & { code?: string }) => e.code === 'UnsupportedAlgorithm' && /not supported/.test(e.message));
  });
});
