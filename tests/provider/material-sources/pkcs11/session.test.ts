// Opening the token: each failure names the source and what is wrong, and never holds the PIN.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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

describe('pkcs11 tests without SoftHSM2 (a PATH without softhsm2-util and pkcs11-tool)', function () {
  this.timeout(60_000);
  let emptyDir: string;
  before(() => {
    emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'imported-key-no-tools-'));
  });
  after(() => fs.rmSync(emptyDir, { recursive: true, force: true }));
  const run = (ci: boolean) =>
    spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), 'tests/provider/material-sources/pkcs11/digest.test.ts'], {
      cwd: path.resolve(__dirname, '../../../..'),
      env: { HOME: process.env.HOME ?? '/tmp', PATH: emptyDir, ...(ci ? { CI: 'true' } : {}) },
      encoding: 'utf8',
    });

  it('are skipped, saying why, when CI is not set', () => {
    const result = run(false);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /skipped: softhsm2 \/ pkcs11-tool not installed/);
    assert.match(result.stdout, /0 passed, 0 failed, [1-9]\d* skipped/);
  });

  it('fail with CI set', () => {
    const result = run(true);
    assert.notEqual(result.status, 0);
    assert.match(result.stdout + result.stderr, /softhsm2-util, pkcs11-tool or libsofthsm2\.so missing/);
  });
});
