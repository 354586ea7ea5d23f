import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { checkPkcs11Source, describeSource, parseHsmDigest } from '../../../../provider/material-sources/pkcs11';

describe('pkcs11 source: the description, checked offline', () => {
  const good = { module: '/usr/lib/softhsm/libsofthsm2.so', token: { label: 'bank' }, key: { label: 'k1' }, pinEnv: 'HSM_PIN' };

  it('accepts a token by label or slot and a key by label or hexadecimal id (lower-cased)', () => {
    assert.deepEqual(checkPkcs11Source(good), good);
    assert.deepEqual(checkPkcs11Source({ ...good, token: { slot: 7 }, key: { id: 'A1B2' } }), { ...good, token: { slot: 7 }, key: { id: 'a1b2' } });
  });

  it('names the field at fault, and says pinEnv is a variable NAME', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...good, module: '' }, /pkcs11\.module must be the path/],
      [{ ...good, token: { label: 'a', slot: 1 } }, /pkcs11\.token must have exactly one of label or slot/],
      [{ ...good, token: { slot: -1 } }, /pkcs11\.token\.slot must be a slot id/],
      [{ ...good, token: { label: 'x'.repeat(33) } }, /token\.label must be a token label of 1 to 32 bytes/],
      [{ ...good, key: { id: 'xyz' } }, /pkcs11\.key\.id must be the key id \(CKA_ID\) in hexadecimal/],
      [{ ...good, key: { name: 'k' } }, /pkcs11\.key has unknown field\(s\) "name"/],
      [{ ...good, pinEnv: '1234' }, /pkcs11\.pinEnv must be the NAME of an environment variable/],
      [{ ...good, pin: '1234' }, /unknown field\(s\) "pin"/],
      ['x', /must be an object/],
    ];
    for (const [raw, message] of cases) assert.throws(() => checkPkcs11Source(raw), (e: Error & { code?: string }) => e.code === 'InvalidArgument' && message.test(e.message));
  });

  it('describes the source by module, token and key', () => {
    assert.equal(describeSource(good), 'PKCS#11 module /usr/lib/softhsm/libsofthsm2.so, token "bank", key "k1"');
    assert.equal(describeSource({ ...good, token: { slot: 3 }, key: { id: '0a' } }), 'PKCS#11 module /usr/lib/softhsm/libsofthsm2.so, token in slot 3, key with id 0a');
  });

  it('reads a digest\'s method and salt, and nothing else', () => {
    assert.deepEqual(parseHsmDigest(`pkcs11-cmac:${'ab'.repeat(16)}:${'0'.repeat(64)}`), { method: 'cmac', salt: Buffer.alloc(16, 0xab) });
    for (const bad of [undefined, '', `hmac-sha256:${'ab'.repeat(16)}:${'0'.repeat(64)}`, `pkcs11-md5:${'ab'.repeat(16)}:${'0'.repeat(64)}`, `pkcs11-kcv:ab:${'0'.repeat(64)}`]) assert.equal(parseHsmDigest(bad), undefined);
  });

  it('loading the module loads no native binding: pkcs11js is required at the first HSM call only', function () {
    this.timeout(30_000);
    const probe = "require('./provider/material-sources/pkcs11'); process.stdout.write(String(Object.keys(require.cache).filter((f) => /pkcs11js/.test(f)).length))";
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', probe], { cwd: path.resolve(__dirname, '../../../..'), encoding: 'utf8' });
    assert.equal(result.stdout, '0', result.stderr);
  });
});
