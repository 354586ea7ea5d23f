// check's rules for keyMaterial / keyMaterialSource: exactly one, the source's shape named field by field, offline
// (a file that does not exist, a variable unset, a module missing: nothing of it is looked at by check).
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as provider from '../../provider/provider';

const base = { cloud: 'aws', region: 'us-east-1' };
const pkcs11 = { module: '/nonexistent/libsofthsm2.so', token: { label: 'byok' }, key: { label: 'k' }, pinEnv: 'HSM_PIN' };

async function reasons(news: Record<string, unknown>): Promise<string[]> {
  const result = await provider.check({}, { ...base, ...news });
  return (result.failures ?? []).map((f) => f.reason);
}

describe('check: keyMaterialSource', () => {
  it('takes each kind offline (nothing read, run or opened) and records it as checked', async () => {
    for (const source of [{ file: '/nonexistent/key.bin' }, { env: 'UNSET_VARIABLE_X' }, { command: ['/nonexistent/cli', 'get'], timeoutSeconds: 5 }, { pkcs11 }]) {
      const result = await provider.check({}, { ...base, keyMaterialSource: source });
      assert.deepEqual(result.failures, [], JSON.stringify(source));
      assert.deepEqual(result.inputs!.keyMaterialSource, source);
    }
  });

  it('refuses both and neither', async () => {
    assert.deepEqual(await reasons({ keyMaterial: randomBytes(32).toString('base64'), keyMaterialSource: { env: 'K' } }), [
      'keyMaterialSource and keyMaterial are both given: give exactly one (keyMaterial: the material as base64; keyMaterialSource: where the provider reads it)',
    ]);
    const none = await reasons({});
    assert.equal(none.length, 1);
    assert.match(none[0], /^keyMaterial is required, or keyMaterialSource instead/);
  });

  it('names keyMaterialSource.<field> and what is allowed', async () => {
    const cases: [unknown, RegExp][] = [
      ['/path', /^keyMaterialSource must be an object: one of \{ file: path \}/],
      [{}, /^keyMaterialSource must have exactly one of file, env, command, pkcs11/],
      [{ file: 'a', env: 'B' }, /exactly one of .* \(it has file and env\)/],
      [{ file: '' }, /^keyMaterialSource\.file must be the path of a file/],
      [{ env: 'MY KEY' }, /^keyMaterialSource\.env must be the NAME of an environment variable/],
      [{ command: [] }, /^keyMaterialSource\.command must be a non-empty list of strings/],
      [{ command: 'vault kv get' }, /^keyMaterialSource\.command must be a non-empty list/],
      [{ command: ['cli'], timeoutSeconds: 0 }, /^keyMaterialSource\.timeoutSeconds must be a number of seconds above 0 and at most 600/],
      [{ env: 'K', timeoutSeconds: 3 }, /unknown field\(s\) "timeoutSeconds" beside env/],
      [{ pkcs11: { ...pkcs11, pin: '1234' } }, /^keyMaterialSource\.pkcs11 has unknown field\(s\) "pin"/],
      [{ pkcs11: { ...pkcs11, pinEnv: '1234!' } }, /^keyMaterialSource\.pkcs11\.pinEnv must be the NAME/],
      [{ pkcs11: { ...pkcs11, key: { id: 'xyz' } } }, /^keyMaterialSource\.pkcs11\.key\.id must be the key id/],
    ];
    for (const [source, expected] of cases) {
      const found = await reasons({ keyMaterialSource: source });
      assert.equal(found.length, 1, `${JSON.stringify(source)}: ${found.join(' | ')}`);
      assert.match(found[0], expected);
      // A PIN given by mistake is never echoed.
      assert.ok(!found[0].includes('1234"') && !found[0].includes(': "1234'), found[0]);
    }
  });

  it('a failure of the secret argument is printed without its property (the engine would print the value)', async () => {
    const result = await provider.check({}, { ...base, keyMaterialSource: { command: ['cli', '--token=s3cr3t'], timeoutSeconds: -1 } });
    assert.equal(result.failures![0].property, '');
    assert.ok(!JSON.stringify(result.failures).includes('s3cr3t'));
  });

  it('takes a PKCS#11 source with onMaterialChange rotate (the HSM key is imported as the new material; provider/source-material.test.ts rotates between HSM keys)', async () => {
    assert.deepEqual(await reasons({ keyMaterialSource: { pkcs11 }, onMaterialChange: 'rotate' }), []);
  });
});
