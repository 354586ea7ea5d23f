// keyMaterialSource through the provider's functions against the emulator (AWS, real SDK): the source read at create,
// update and diff only; the state holds its description and a digest, never the material; a change of the material
// behind an unchanged source noticed; preview without the source (warn: an update saying so; fail: an error); and a
// source that cannot be read or an HSM that cannot wrap creates nothing. PKCS#11 with SoftHSM2: the key imported is the HSM's.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeleteImportedKeyMaterialCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import * as provider from '../../provider/provider';
import { checkInputs } from '../../provider/check';
import { forgetCreationMarkers } from '../../provider/clouds/aws/adapter';
import { SOURCE_UNAVAILABLE_ENV } from '../../provider/source-material';
import { decryptWithMaterial } from '../../emulator/key-crypto';
import { useEmulator } from '../support/emulator';
import { useAwsEnvironment } from '../support/aws-environment';
import { assertNoMaterial } from '../support/leaks';
import { createSoftHsmToken, describeWithSoftHsm, type SoftHsmToken } from '../support/softhsm';

describe('provider: keyMaterialSource against the emulator (AWS)', function () {
  this.timeout(60_000);
  // Rotations complete at once here (AWS takes a while; the rotation scenarios wait for the emulator's default).
  const emu = useEmulator({ rotationDelaySeconds: 0 });
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

  /** check's offline rules only (the HSM not asked): what `up` gets when the HSM changed after the preview. */
  function offlineChecked(news: Record<string, unknown>) {
    const result = checkInputs({ cloud: 'aws', region: 'us-east-1', endpoint: emu.url, ...news });
    assert.deepEqual(result.failures, []);
    return result.inputs as Record<string, unknown>;
  }

  /** A key created from a file source holding fresh material. */
  async function createFromFile() {
    const file = path.join(dir, 'key.bin');
    const material = randomBytes(32);
    fs.writeFileSync(file, material);
    const inputs = await checked({ keyMaterialSource: { file } });
    forgetCreationMarkers();
    return { file, material, inputs, ...(await provider.create(inputs)) };
  }

  /** What `run` writes to stderr (the provider's warning lines), and its result. */
  async function capturingStderr<T>(run: () => Promise<T>): Promise<{ result: T; written: string }> {
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    (process.stderr as { write: unknown }).write = (chunk: string) => (written.push(String(chunk)), true);
    try {
      return { result: await run(), written: written.join('') };
    } finally {
      (process.stderr as { write: unknown }).write = original;
    }
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
    const { file, material, inputs, id, outs } = await createFromFile();
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
    const { file, inputs, id, outs } = await createFromFile();
    fs.rmSync(file);
    const { result: planned, written } = await capturingStderr(() => provider.diff(id, outs, inputs));
    assert.deepEqual(planned, { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.equal(written.split('\n').filter(Boolean).length, 1);
    assert.match(written, new RegExp(`keyMaterialSource \\(file ${file}\\) cannot be read here.*does not exist.*${SOURCE_UNAVAILABLE_ENV}=fail`));

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

  /** Deletes one material of the key out of band (all of it without an id), as drift. */
  async function deleteMaterialOutOfBand(keyId: string, keyMaterialId?: string): Promise<void> {
    const kms = new KMSClient({ region: 'us-east-1', endpoint: emu.url });
    try {
      await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId, ...(keyMaterialId ? { KeyMaterialId: keyMaterialId } : {}) }));
    } finally {
      kms.destroy();
    }
  }

  /** An update as `pulumi up --refresh` runs it: read, diff, update; the outputs after. */
  async function refreshAndUpdate(id: string, outs: Record<string, unknown>, inputs: Record<string, unknown>) {
    const read = await provider.read(id, outs);
    const plan = await provider.diff(id, read.props!, inputs);
    assert.equal(plan.changes, true);
    return (await provider.update(id, read.props!, inputs)).outs!;
  }

  it('previousKeyMaterials as sources: a file-sourced key rotates to new material, and heals its earlier material from the previous source; unreadable there, preview warns and up fails naming it, importing nothing', async () => {
    const [first, second] = [path.join(dir, 'first.bin'), path.join(dir, 'second.bin')];
    const [material1, material2] = [randomBytes(32), randomBytes(32)];
    fs.writeFileSync(first, material1);
    fs.writeFileSync(second, material2);
    const created = await provider.create(await checked({ keyMaterialSource: { file: first }, onMaterialChange: 'rotate' }));
    const id = created.id;
    const rotating = await checked({ keyMaterialSource: { file: second }, onMaterialChange: 'rotate', previousKeyMaterials: [{ file: first }] });
    assert.deepEqual((await provider.diff(id, created.outs, rotating)).replaces, [], 'a rotation, not a replacement');
    const rotated = (await provider.update(id, created.outs, rotating)).outs!;
    assert.equal(rotated.keyMaterials.length, 2);
    assert.notEqual(rotated.currentKeyMaterialId, created.outs.currentKeyMaterialId);
    await encryptAndOpen(id, material2);
    assertNoMaterial([material1, material2], { texts: { outs: JSON.stringify(rotated) } });

    // The earlier material deleted out of band: the key is PendingImport until the previous source's material is back.
    await deleteMaterialOutOfBand(id, created.outs.currentKeyMaterialId);
    const healed = await refreshAndUpdate(id, rotated, rotating);
    assert.equal(healed.keyState, 'Enabled');
    await encryptAndOpen(id, material2);

    // Without the previous source here: preview warns and still plans (the key's earlier material is not judged); up fails.
    await deleteMaterialOutOfBand(id, created.outs.currentKeyMaterialId);
    fs.renameSync(first, `${first}.away`);
    const read = await provider.read(id, healed);
    const { result: withoutPrevious, written } = await capturingStderr(() => provider.diff(id, read.props!, rotating));
    assert.equal(withoutPrevious.changes, true);
    assert.match(written, new RegExp(`previousKeyMaterials cannot be read here.*${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const imports = (await emu.requestCounts())['aws:ImportKeyMaterial'] ?? 0;
    await assert.rejects(provider.update(id, read.props!, rotating), (error: Error) => error.message.startsWith(`previousKeyMaterials[0] file ${first}: does not exist`) && !error.message.includes(material1.toString('base64')));
    assert.equal((await emu.requestCounts())['aws:ImportKeyMaterial'] ?? 0, imports, 'nothing imported');
    fs.renameSync(`${first}.away`, first);
    assert.equal((await refreshAndUpdate(id, read.props!, rotating)).keyState, 'Enabled');
    await provider.delete(id, healed);
  });

  describeWithSoftHsm('pkcs11 (SoftHSM2)', (module) => {
    const PIN_ENV = 'IMPORTED_KEY_TEST_HSM_PIN_PROVIDER';
    let token: SoftHsmToken;
    const value = randomBytes(32);
    const otherValue = randomBytes(32);
    const pkcs11 = () => ({ module, token: { label: token.label }, key: { label: 'kms-key' }, pinEnv: PIN_ENV });
    before(() => {
      token = createSoftHsmToken(module);
      token.createAesKey({ label: 'kms-key', value, sensitive: true, extractable: true });
      token.createAesKey({ label: 'other-key', value: otherValue, sensitive: true, extractable: true });
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

    it('rotate between HSM keys: the key rotates to another HSM key, and heals its earlier material from the previous pkcs11 source', async () => {
      const wrappingAlgorithm = 'RSA_AES_KEY_WRAP_SHA_1';
      const created = await provider.create(await checked({ keyMaterialSource: { pkcs11: pkcs11() }, onMaterialChange: 'rotate', wrappingAlgorithm }));
      const id = created.id;
      const rotating = await checked({
        keyMaterialSource: { pkcs11: { ...pkcs11(), key: { label: 'other-key' } } }, onMaterialChange: 'rotate', wrappingAlgorithm,
        previousKeyMaterials: [{ pkcs11: pkcs11() }],
      });
      assert.deepEqual((await provider.diff(id, created.outs, rotating)).replaces, []);
      const rotated = (await provider.update(id, created.outs, rotating)).outs!;
      assert.equal(rotated.keyMaterials.length, 2);
      await encryptAndOpen(id, otherValue);
      await deleteMaterialOutOfBand(id, created.outs.currentKeyMaterialId);
      const healed = await refreshAndUpdate(id, rotated, rotating);
      assert.equal(healed.keyState, 'Enabled');
      await encryptAndOpen(id, otherValue);
      assertNoMaterial([value, otherValue], { texts: { outs: JSON.stringify(healed), inputs: JSON.stringify(rotating) } });
      assert.ok(!JSON.stringify(healed).includes(token.pin));
      await provider.delete(id, healed);
    });

    it('check (preview) asks the HSM: an unsupported mechanism (naming those it can do), a missing key and a wrong PIN fail check; an HSM not reachable here warns, or fails with IMPORTED_KEY_SOURCE_UNAVAILABLE=fail', async () => {
      const base = { cloud: 'aws', region: 'us-east-1', endpoint: emu.url };
      const keysBefore = await createKeys();
      const failed = async (news: Record<string, unknown>) => (await provider.check({}, { ...base, ...news })).failures ?? [];
      const mechanism = await failed({ keyMaterialSource: { pkcs11: pkcs11() }, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' });
      assert.equal(mechanism.length, 1);
      assert.match(mechanism[0].reason, /RSAES_OAEP_SHA_256/);
      assert.match(mechanism[0].reason, /RSAES_OAEP_SHA_1/, 'names an algorithm the HSM can do');
      assert.match((await failed({ keyMaterialSource: { pkcs11: { ...pkcs11(), key: { label: 'no-such-key' } } }, wrappingAlgorithm: 'RSAES_OAEP_SHA_1' }))[0].reason, /no-such-key/);
      process.env[PIN_ENV] = `${token.pin}-wrong`;
      try {
        const pin = await failed({ keyMaterialSource: { pkcs11: pkcs11() }, wrappingAlgorithm: 'RSAES_OAEP_SHA_1' });
        assert.match(pin[0].reason, /PIN/);
        assert.ok(!JSON.stringify(pin).includes(token.pin));
      } finally {
        process.env[PIN_ENV] = token.pin;
      }
      assert.deepEqual(await failed({ keyMaterialSource: { pkcs11: pkcs11() }, wrappingAlgorithm: 'RSAES_OAEP_SHA_1' }), []);
      // No HSM library on this runner: a warning by default, a failure when asked.
      const away = { keyMaterialSource: { pkcs11: { ...pkcs11(), module: path.join(dir, 'no-such-libsofthsm2.so') } }, wrappingAlgorithm: 'RSAES_OAEP_SHA_1' };
      const { result: unreachable, written } = await capturingStderr(() => failed(away));
      assert.deepEqual(unreachable, []);
      assert.match(written, /cannot be opened here.*IMPORTED_KEY_SOURCE_UNAVAILABLE=fail/s);
      process.env[SOURCE_UNAVAILABLE_ENV] = 'fail';
      assert.match((await failed(away))[0].reason, /no-such-libsofthsm2\.so/);
      assert.equal(await createKeys(), keysBefore, 'check creates nothing');
    });

    it('create refuses them too (an HSM that changed between preview and up): a wrong PIN, a missing key and an unsupported mechanism, by name, with nothing created and no PIN shown', async () => {
      const before = await createKeys();
      const refusals: [Record<string, unknown>, RegExp][] = [
        [{ keyMaterialSource: { pkcs11: { ...pkcs11(), key: { label: 'no-such-key' } } }, wrappingAlgorithm: 'RSAES_OAEP_SHA_1' }, /no-such-key/],
        [{ keyMaterialSource: { pkcs11: pkcs11() }, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }, /RSAES_OAEP_SHA_256/],
      ];
      for (const [news, expected] of refusals) {
        const inputs = offlineChecked(news);
        await assert.rejects(provider.create(inputs), (error: Error) => expected.test(error.message) && !error.message.includes(token.pin));
      }
      process.env[PIN_ENV] = `${token.pin}-wrong`;
      try {
        const inputs = offlineChecked({ keyMaterialSource: { pkcs11: pkcs11() }, wrappingAlgorithm: 'RSAES_OAEP_SHA_1' });
        await assert.rejects(provider.create(inputs), (error: Error) => /PIN/.test(error.message) && !error.message.includes(token.pin));
      } finally {
        process.env[PIN_ENV] = token.pin;
      }
      assert.equal(await createKeys(), before);
    });
  });
});
