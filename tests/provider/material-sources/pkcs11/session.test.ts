// Opening the token: each failure names the source and what is wrong, and never holds the PIN.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { digestHsmKey, type Pkcs11Source } from '../../../../provider/material-sources/pkcs11';
import { withHsmSession } from '../../../../provider/material-sources/pkcs11/session';
import { assertRefused, createSoftHsmToken, describeWithSoftHsm, type SoftHsmToken } from '../../../support/softhsm';

const PIN_ENV = 'IMPORTED_KEY_TEST_HSM_PIN_SESSION';

describeWithSoftHsm('pkcs11 session: module, token, PIN', (module) => {
  let token: SoftHsmToken;
  let source: Pkcs11Source;

  before(() => {
    token = createSoftHsmToken(module);
    token.createAesKey({ label: 'k', value: randomBytes(32), sensitive: true });
    source = { module, token: { label: token.label }, key: { label: 'k' }, pinEnv: PIN_ENV };
  });
  beforeEach(() => {
    process.env[PIN_ENV] = token.pin;
  });
  after(() => {
    delete process.env[PIN_ENV];
    token?.remove();
  });

  it('logs in on the token found by label, and by slot id', async () => {
    assert.match(await digestHsmKey(source), /^pkcs11-/);
    assert.match(await digestHsmKey({ ...source, token: { slot: token.slot } }), /^pkcs11-/);
  });

  it('a wrong PIN: PinIncorrect naming the token and the variable, without either PIN', async () => {
    process.env[PIN_ENV] = 'wrong-pin-5521';
    await assertRefused(() => digestHsmKey(source), 'PinIncorrect', new RegExp(`token "${token.label}".*refused the PIN from ${PIN_ENV} \\(CKR_PIN_INCORRECT\\)`), ['wrong-pin-5521', token.pin]);
  });

  it('an unset or empty PIN variable: PinUnset naming the variable', async () => {
    delete process.env[PIN_ENV];
    await assertRefused(() => digestHsmKey(source), 'PinUnset', new RegExp(`the PIN variable ${PIN_ENV} is not set`), [token.pin]);
    process.env[PIN_ENV] = '';
    await assertRefused(() => digestHsmKey(source), 'PinUnset', new RegExp(`the PIN variable ${PIN_ENV} is empty`), [token.pin]);
  });

  it('an unknown token label or slot: TokenNotFound naming the tokens present', async () => {
    await assertRefused(() => digestHsmKey({ ...source, token: { label: 'no-such-token' } }), 'TokenNotFound', new RegExp(`token "no-such-token": no token with that label \\(tokens present: "${token.label}"\\)`), [token.pin]);
    await assertRefused(() => digestHsmKey({ ...source, token: { slot: 424242 } }), 'TokenNotFound', new RegExp(`no token present in slot 424242 \\(slots with a token: .*${token.slot}`), [token.pin]);
  });

  it('a module file that is missing, or not a PKCS#11 library', async () => {
    await assertRefused(() => digestHsmKey({ ...source, module: '/nonexistent/libpkcs11.so' }), 'ModuleNotFound', /PKCS#11 module \/nonexistent\/libpkcs11\.so: no such file/, [token.pin]);
    await assertRefused(() => digestHsmKey({ ...source, module: token.dir + '/softhsm2.conf' }), 'ModuleLoadFailed', /softhsm2\.conf: not a loadable PKCS#11 library/, [token.pin]);
  });

  it('finalizes the module after the job, also when the job throws (the next C_Initialize is not "already initialized")', () => {
    // A second handle on the same library keeps it loaded, so its state outlives the job's handle.
    const held = new pkcs11js.PKCS11();
    held.load(module);
    try {
      assert.throws(() => withHsmSession(source, () => { throw new Error('job failed'); }), /job failed/);
      assert.equal(withHsmSession(source, (hsm) => hsm.pkcs11.C_GetTokenInfo(hsm.slot).label.trim()), token.label);
      held.C_Initialize(); // throws CKR_CRYPTOKI_ALREADY_INITIALIZED if a job left the module initialized
      held.C_Finalize();
    } finally {
      held.close();
    }
  });
});
