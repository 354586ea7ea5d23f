// keyMaterialSource through the provider's functions against the emulator (AWS, real SDK): the source read at create,
// update and diff only; the state holds its description and a digest, never the material; a change of the material
// behind an unchanged source noticed; preview without the source (warn: an update saying so; fail: an error); and a
// source that cannot be read or an HSM that cannot wrap creates nothing. PKCS#11 with SoftHSM2: the key imported is the HSM's.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import * as provider from '../../provider/provider';
import { forgetCreationMarkers } from '../../provider/clouds/aws/adapter';
import { SOURCE_UNAVAILABLE_ENV } from '../../provider/source-material';
import { decryptWithMaterial } from '../../emulator/key-crypto';
import { useEmulator } from '../support/emulator';
import { useAwsEnvironment } from '../support/aws-environment';
import { assertNoMaterial } from '../support/leaks';
import { createSoftHsmToken, describeWithSoftHsm, type SoftHsmToken } from '../support/softhsm';

describe('provider: keyMaterialSource against the emulator (AWS)', function () {
  this.timeout(60_000);
  const emu = useEmulator();
  useAwsEnvironment();
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'src-prov-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); delete process.env[SOURCE_UNAVAILABLE_ENV]; });

  async function createKeys(): Promise<number> {
    return (await emu.requestCounts())['aws:CreateKey'] ?? 0;
  }

  async function checked(news: Record<string, unknown>) {
    const result = await provider.check({}, { cloud: 'aws', region: 'us-east-1', endpoint: emu.url, ...news });
    assert.deepEqual(result.failures, []);
    return result.inputs!;
  }

  async function encryptAndOpen(keyId: string, material: Buffer): Promise<void> {
    const kms = new KMSClient({ region: 'us-east-1', endpoint: emu.url });
    try {
      const plaintext = Buffer.from('the imported key is the source\'s');
      const out = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }));
      assert.deepEqual(decryptWithMaterial(keyId, material, Buffer.from(out.CiphertextBlob!)), plaintext);
    } finally {
      kms.destroy();
    }
  }

  it('file: create reads it (outputs: its description, a digest, no material); diff notices new material behind the same path', async () => {
    const file = path.join(dir, 'key.bin');
    const material = randomBytes(32);
    fs.writeFileSync(file, material);
    const inputs = await checked({ keyMaterialSource: { file } });
    forgetCreationMarkers();
    const { id, outs } = await provider.create(inputs);
    assert.equal(outs.materialSource, `file ${file}`);
    assert.match(outs.materialDigest, /^hmac-sha256:/);
    assertNoMaterial([material], { texts: { outs: JSON.stringify(outs) } });
    await encryptAndOpen(id, material);

    assert.deepEqual(await provider.diff(id, outs, inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
    fs.writeFileSync(file, randomBytes(32));
    const changed = await provider.diff(id, outs, inputs);
    assert.deepEqual(changed.replaces, ['keyMaterialSource']);
    await provider.delete(id, outs);
  });

  it('preview without the source: warn (default) plans an update and writes a warning naming the source; fail refuses; up needs the source', async () => {
    const file = path.join(dir, 'key.bin');
    const material = randomBytes(32);
    fs.writeFileSync(file, material);
    const inputs = await checked({ keyMaterialSource: { file } });
    forgetCreationMarkers();
    const { id, outs } = await provider.create(inputs);
    fs.rmSync(file);
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    (process.stderr as { write: unknown }).write = (chunk: string) => (written.push(String(chunk)), true);
    let planned;
    try {
      planned = await provider.diff(id, outs, inputs);
    } finally {
      (process.stderr as { write: unknown }).write = original;
    }
    assert.deepEqual(planned, { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.equal(written.length, 1);
    assert.match(written[0], new RegExp(`keyMaterialSource \\(file ${file}\\) cannot be read here.*does not exist.*${SOURCE_UNAVAILABLE_ENV}=fail`));

    process.env[SOURCE_UNAVAILABLE_ENV] = 'fail';
    await assert.rejects(provider.diff(id, outs, inputs), (error: Error & { code?: string }) => error.code === 'SourceUnavailable' && /file .*key\.bin: does not exist/.test(error.message));
    await assert.rejects(provider.update(id, outs, inputs), /keyMaterialSource file .*: does not exist/);
    await provider.delete(id, outs);
  });

  it('a source that cannot be read creates nothing (zero CreateKey)', async () => {
    const before = await createKeys();
    const inputs = await checked({ keyMaterialSource: { env: 'IMPORTED_KEY_TEST_UNSET_VARIABLE' } });
    await assert.rejects(provider.create(inputs), /environment variable IMPORTED_KEY_TEST_UNSET_VARIABLE is not set/);
    assert.equal(await createKeys(), before);
  });

  it('command: create and heal (material deleted out of band) read it at the step; switching from keyMaterial to the same material is no change', async () => {
    const material = randomBytes(32);
    const command = [process.execPath, '-e', `process.stdout.write(${JSON.stringify(material.toString('base64'))})`];
    const inputs = await checked({ keyMaterialSource: { command } });
    forgetCreationMarkers();
    const { id, outs } = await provider.create(inputs);
    assert.equal(outs.materialSource, `command ${process.execPath}`);
    assertNoMaterial([material], { texts: { outs: JSON.stringify(outs) } });
    // Drift: the material deleted out of band; the diff (after a read) sees PendingImport, the update imports it again.
    const kms = new KMSClient({ region: 'us-east-1', endpoint: emu.url });
    const { DeleteImportedKeyMaterialCommand } = await import('@aws-sdk/client-kms');
    await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: id }));
    kms.destroy();
    const read = await provider.read(id, outs);
    const healing = await provider.diff(id, read.props!, inputs);
    assert.equal(healing.changes, true);
    const healed = await provider.update(id, read.props!, inputs);
    assert.equal(healed.outs!.keyState, 'Enabled');
    await encryptAndOpen(id, material);
    // keyMaterial of the same bytes: the digest matches; only the recorded description changes (an update, no import).
    const same = await checked({ keyMaterial: material.toString('base64') });
    const plan = await provider.diff(id, healed.outs!, same);
    assert.deepEqual(plan.replaces, []);
    await provider.delete(id, healed.outs!);
  });

  describeWithSoftHsm('pkcs11 (SoftHSM2)', (module) => {
    const PIN_ENV = 'IMPORTED_KEY_TEST_HSM_PIN_PROVIDER';
    let token: SoftHsmToken;
    const value = randomBytes(32);
    const pkcs11 = () => ({ module, token: { label: token.label }, key: { label: 'kms-key' }, pinEnv: PIN_ENV });
    before(() => {
      token = createSoftHsmToken(module);
      token.createAesKey({ label: 'kms-key', value, sensitive: true, extractable: true });
      token.createAesKey({ label: 'other-key', value: randomBytes(32), sensitive: true, extractable: true });
      process.env[PIN_ENV] = token.pin;
    });
    after(() => { delete process.env[PIN_ENV]; token?.remove(); });

    for (const wrappingAlgorithm of ['RSAES_OAEP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_1']) {
      it(`${wrappingAlgorithm}: the HSM wraps; the key imported is the HSM's (its ciphertext opens with the known value); state holds no value nor PIN`, async () => {
        const inputs = await checked({ keyMaterialSource: { pkcs11: pkcs11() }, wrappingAlgorithm });
        forgetCreationMarkers();
        const { id, outs } = await provider.create(inputs);
        assert.match(outs.materialDigest, /^pkcs11-(kcv|cmac|ecb):/);
        assert.equal(outs.materialSource, `PKCS#11 module ${module}, token ${JSON.stringify(token.label)}, key "kms-key"`);
        assertNoMaterial([value], { texts: { outs: JSON.stringify(outs), inputs: JSON.stringify(inputs) } });
        assert.ok(!JSON.stringify(outs).includes(token.pin));
        await encryptAndOpen(id, value);
        // The same HSM key: no change. Another key under the same source description would be noticed: point at it.
        assert.equal((await provider.diff(id, outs, inputs)).changes, false);
        const other = await checked({ keyMaterialSource: { pkcs11: { ...pkcs11(), key: { label: 'other-key' } } }, wrappingAlgorithm });
        assert.deepEqual((await provider.diff(id, outs, other)).replaces, ['keyMaterialSource']);
        await provider.delete(id, outs);
      });
    }

    it('a wrong PIN, a missing key and an unsupported mechanism are refused by name, with nothing created and no PIN shown', async () => {
      const before = await createKeys();
      const refusals: [Record<string, unknown>, RegExp][] = [
        [{ keyMaterialSource: { pkcs11: { ...pkcs11(), key: { label: 'no-such-key' } } }, wrappingAlgorithm: 'RSAES_OAEP_SHA_1' }, /no-such-key/],
        [{ keyMaterialSource: { pkcs11: pkcs11() }, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }, /RSAES_OAEP_SHA_256/],
      ];
      for (const [news, expected] of refusals) {
        const inputs = await checked(news);
        await assert.rejects(provider.create(inputs), (error: Error) => expected.test(error.message) && !error.message.includes(token.pin));
      }
      process.env[PIN_ENV] = `${token.pin}-wrong`;
      try {
        const inputs = await checked({ keyMaterialSource: { pkcs11: pkcs11() }, wrappingAlgorithm: 'RSAES_OAEP_SHA_1' });
        await assert.rejects(provider.create(inputs), (error: Error) => /PIN/.test(error.message) && !error.message.includes(token.pin));
      } finally {
        process.env[PIN_ENV] = token.pin;
      }
      assert.equal(await createKeys(), before);
    });
  });
});
