import { strict as assert } from 'node:assert';
import { randomBytes, createPublicKey } from 'node:crypto';
import { startEmulator, type RunningEmulator } from '../../../../emulator';
import { huaweicloudProtocol as huaweiProtocol } from '../../../../emulator/protocols/huaweicloud/protocol';
import { forgetCreationListings, HuaweicloudKmsAdapter, keyAliasFor } from '../../../../provider/clouds/huaweicloud/adapter';
import { HuaweicloudKmsClient } from '../../../../provider/clouds/huaweicloud/client';
import { createAdapter } from '../../../../provider/clouds';
import { ImportedKeyError } from '../../../../core/errors';
import { wrapKeyMaterial, type WrappingAlgorithm } from '../../../../core/wrapping';
import { huaweiCall } from '../../../support/huaweicloud-client';

const PROJECT = '0123456789abcdef0123456789abcdef';

async function rejects(promise: Promise<unknown>): Promise<ImportedKeyError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ImportedKeyError, String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

describe('huaweicloud adapter against the emulator', () => {
  let emulator: RunningEmulator;
  let adapter: HuaweicloudKmsAdapter;

  before(async () => {
    emulator = await startEmulator({ protocols: [huaweiProtocol] });
    const settings = { endpoint: new URL(emulator.url), projectId: PROJECT, credentials: { accessKey: 'test', secretKey: 'test' } };
    adapter = new HuaweicloudKmsAdapter(new HuaweicloudKmsClient(settings, { retryDelayMs: 5, throttling: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 } }));
  });
  after(async () => {
    await emulator.close();
  });
  afterEach(() => emulator.faults.clear());

  async function wrapFor(keyId: string, material: Buffer, algorithm: WrappingAlgorithm = 'RSAES_OAEP_SHA_256', spec = 'RSA_2048') {
    const params = await adapter.getImportParameters(keyId, algorithm, spec);
    return { params, encryptedKeyMaterial: wrapKeyMaterial({ algorithm, publicKey: params.publicKey, material }) };
  }

  async function importedKey(material: Buffer, expiresAt?: string): Promise<string> {
    const { keyId } = await adapter.createKey({ keySpec: 'AES_256', alias: 'imported' });
    const { params, encryptedKeyMaterial } = await wrapFor(keyId, material);
    await adapter.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial, expiresAt });
    return keyId;
  }

  it('creates an external key, imports material with an expiry, and describes it like the other clouds', async () => {
    const created = await adapter.createKey({ keySpec: 'AES_256', alias: 'my-key:prod', description: 'test' });
    assert.equal(created.keyState, 'PendingImport');
    assert.equal(created.origin, 'EXTERNAL');
    assert.equal(emulator.store.findKey('huawei', PROJECT, created.keyId)?.attributes.key_alias, 'my-key:prod');

    const { params, encryptedKeyMaterial } = await wrapFor(created.keyId, randomBytes(32));
    assert.equal(createPublicKey({ key: params.publicKey, format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength, 2048);
    const hoursValid = (Date.parse(params.parametersValidTo) - emulator.clock.now()) / 3600_000;
    assert.ok(hoursValid > 23.9 && hoursValid <= 24, String(hoursValid));

    const expiresAt = new Date(emulator.clock.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
    await adapter.importMaterial({ keyId: created.keyId, importToken: params.importToken, encryptedKeyMaterial, expiresAt });
    const described = await adapter.describeKey(created.keyId);
    assert.deepEqual(
      { ...described },
      {
        keyId: created.keyId, arn: created.keyId, keyState: 'Enabled', origin: 'EXTERNAL', keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT',
        expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: expiresAt,
      },
    );
  });

  it('returns undefined for a key that does not exist', async () => {
    assert.equal(await adapter.describeKey('00000000-0000-0000-0000-000000000000'), undefined);
  });

  it('imports SM4 material wrapped with SM2 (SM2_ENCRYPT on the wire)', async () => {
    const { keyId } = await adapter.createKey({ keySpec: 'SM4', alias: 'sm4' });
    const { params, encryptedKeyMaterial } = await wrapFor(keyId, randomBytes(16), 'SM2PKE', 'SM2');
    await adapter.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial });
    const described = await adapter.describeKey(keyId);
    assert.equal(described?.keyState, 'Enabled');
    assert.equal(described?.expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
  });

  it('changes the expiry the delete-first way, with the key unusable only between delete and import', async () => {
    const material = randomBytes(32);
    const keyId = await importedKey(material, new Date(emulator.clock.now() + 86_400_000).toISOString());
    assert.equal(adapter.reimportMode, 'delete-first');

    // An import over live material is refused, as Huawei does.
    const { params, encryptedKeyMaterial } = await wrapFor(keyId, material);
    const refused = await rejects(adapter.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial }));
    assert.equal(refused.code, 'InvalidKeyState');
    assert.equal(refused.cloudCode, 'KMS.0310');

    // Parameters fetched and material wrapped first (above); then the window: delete + import.
    const newExpiry = new Date(emulator.clock.now() + 60 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
    const windows: number[] = [];
    for (let i = 0; i < 5; i++) {
      const fresh = await wrapFor(keyId, material);
      const start = process.hrtime.bigint();
      await adapter.deleteMaterial(keyId);
      await adapter.importMaterial({ keyId, importToken: fresh.params.importToken, encryptedKeyMaterial: fresh.encryptedKeyMaterial, expiresAt: newExpiry });
      windows.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const described = await adapter.describeKey(keyId);
    assert.equal(described?.keyState, 'Enabled');
    assert.equal(described?.validTo, newExpiry);
    windows.sort((a, b) => a - b);
    // eslint-disable-next-line no-console
    console.log(`      unusable window (delete-imported-key-material → import done), 5 runs on loopback: median ${windows[2].toFixed(1)} ms, max ${windows[4].toFixed(1)} ms`);
  });

  it('measures the unusable window server-side: from the material deleted to the material back', async () => {
    const material = randomBytes(32);
    const keyId = await importedKey(material);
    const store = emulator.store;
    const marks: Record<string, bigint> = {};
    const originalDelete = store.deleteMaterial.bind(store);
    const originalImport = store.importMaterial.bind(store);
    // Instrumentation only: the real store methods run; we note when each one finished.
    store.deleteMaterial = (ref) => { const key = originalDelete(ref); marks.deleted = process.hrtime.bigint(); return key; };
    store.importMaterial = (ref, input) => { const key = originalImport(ref, input); marks.imported = process.hrtime.bigint(); return key; };
    const measure = async (): Promise<number> => {
      const fresh = await wrapFor(keyId, material);
      await adapter.deleteMaterial(keyId);
      await adapter.importMaterial({ keyId, importToken: fresh.params.importToken, encryptedKeyMaterial: fresh.encryptedKeyMaterial });
      return Number(marks.imported - marks.deleted) / 1e6;
    };
    try {
      const loopback: number[] = [];
      for (let i = 0; i < 5; i++) loopback.push(await measure());
      emulator.faults.add({ target: 'huawei:*', latencyMs: 50 });
      const slow: number[] = [];
      for (let i = 0; i < 3; i++) slow.push(await measure());
      loopback.sort((a, b) => a - b);
      slow.sort((a, b) => a - b);
      // One round trip: the delete reply coming back plus the import request going out (and its unwrap).
      assert.ok(slow[1] >= 50 && slow[1] < 250, `with 50 ms per request the window should be about one request, got ${slow[1]} ms`);
      // eslint-disable-next-line no-console
      console.log(`      key without material (emulator side): loopback median ${loopback[2].toFixed(1)} ms (max ${loopback[4].toFixed(1)}); with 50 ms latency per request median ${slow[1].toFixed(1)} ms`);
    } finally {
      store.deleteMaterial = originalDelete;
      store.importMaterial = originalImport;
    }
  });

  it('treats deleting material that is already gone as done', async () => {
    const keyId = await importedKey(randomBytes(32));
    await adapter.deleteMaterial(keyId);
    await adapter.deleteMaterial(keyId);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'PendingImport');
  });

  it("keeps Huawei's code on import failures, and the material out of the message", async () => {
    const material = randomBytes(32);
    const keyId = await importedKey(material);
    await adapter.deleteMaterial(keyId);
    const other = randomBytes(32);
    const { params, encryptedKeyMaterial } = await wrapFor(keyId, other);
    const wrong = await rejects(adapter.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial }));
    assert.equal(wrong.code, 'ImportFailed');
    assert.equal(wrong.cloudCode, 'KMS.2606');
    for (const bytes of [material, other]) {
      for (const text of [wrong.message, JSON.stringify(wrong), String(wrong.stack)]) {
        assert.equal(text.includes(bytes.toString('hex')) || text.includes(bytes.toString('base64')), false);
      }
    }

    const { keyId: otherKey } = await adapter.createKey({ keySpec: 'AES_256' });
    const foreign = await rejects(adapter.importMaterial({ keyId: otherKey, importToken: params.importToken, encryptedKeyMaterial }));
    assert.equal(foreign.code, 'ImportTokenRejected');
    assert.equal(foreign.cloudCode, 'KMS.2603');
  });

  it('schedules deletion idempotently within 7-1096 days', async () => {
    const keyId = await importedKey(randomBytes(32));
    await adapter.scheduleDeletion(keyId, 7);
    await adapter.scheduleDeletion(keyId, 7); // already pending deletion (KMS.0210) counts as done
    const described = await adapter.describeKey(keyId);
    assert.equal(described?.keyState, 'PendingDeletion');
    assert.ok(Math.abs(Date.parse(described!.deletionDate!) - (emulator.clock.now() + 7 * 86_400_000)) < 5000);
    await adapter.scheduleDeletion('00000000-0000-0000-0000-000000000000', 7); // already gone
    assert.match((await rejects(adapter.scheduleDeletion(keyId, 1097))).message, /deletionWindowInDays must be a whole number from 7 to 1096/);
  });

  it('disables and enables', async () => {
    const keyId = await importedKey(randomBytes(32));
    await adapter.disableKey(keyId);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Disabled');
    await adapter.enableKey(keyId);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled');
  });

  it('retries throttled calls and names the throttling code when it persists', async () => {
    const keyId = await importedKey(randomBytes(32));
    emulator.faults.add({ target: 'huawei:describe-key', throttleRate: 0.5 });
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled');
    emulator.faults.clear();
    emulator.faults.add({ target: 'huawei:describe-key', throttleRate: 1 });
    const throttled = await rejects(adapter.describeKey(keyId));
    assert.equal(throttled.cloudCode, 'APIGW.0308');
  });

  it('reports a lost reply after import as a CloudError, and describe then shows the import happened', async () => {
    const material = randomBytes(32);
    const { keyId } = await adapter.createKey({ keySpec: 'AES_256' });
    const { params, encryptedKeyMaterial } = await wrapFor(keyId, material);
    emulator.faults.add({ target: 'huawei:import-key-material', dropNext: 1 });
    const lost = await rejects(adapter.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial }));
    assert.equal(lost.code, 'CloudError');
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled');
  });

  describe('interrupted creates (creation token in the description, found by list-keys)', () => {
    beforeEach(() => forgetCreationListings());
    const token = () => randomBytes(16).toString('hex');
    const keys = () => emulator.store.listKeys('huawei', PROJECT);
    const stored = (keyId: string) => emulator.store.findKey('huawei', PROJECT, keyId)!;
    const counted = (op: string) => emulator.requestCounts()[`huawei:${op}`] ?? 0;

    it('a lost create-key reply makes no second key: a fresh listing finds it by its token, and the create finishes in it', async () => {
      const t = token();
      await adapter.findCreated(token()); // an older listing, which must not hide the key
      const before = keys().length;
      const sent = counted('create-key');
      emulator.faults.add({ target: 'huawei:create-key', dropNext: 1 });
      const key = await adapter.createKey({ keySpec: 'AES_256', alias: 'lost-reply', description: 'payments', creationToken: t });
      assert.equal(counted('create-key'), sent + 1, 'create-key is not sent again');
      assert.equal(keys().length, before + 1, 'exactly one key');
      assert.equal(key.alias, 'lost-reply');
      assert.equal(stored(key.keyId).description, `imported-key:creation ${t}`);
      const { params, encryptedKeyMaterial } = await wrapFor(key.keyId, randomBytes(32));
      await adapter.importMaterial({ keyId: key.keyId, importToken: params.importToken, encryptedKeyMaterial });
      await adapter.creationDone(t, { keyId: key.keyId, description: 'payments' });
      assert.deepEqual([stored(key.keyId).description, stored(key.keyId).state], ['payments', 'Enabled']);
    });

    it('a 500 from create-key that made no key fails the step, having listed the keys', async () => {
      const before = keys().length;
      const listed = counted('list-keys');
      emulator.faults.add({ target: 'huawei:create-key', failNext: 1, failStatus: 500 });
      const failed = await rejects(adapter.createKey({ keySpec: 'AES_256', creationToken: token() }));
      assert.equal(failed.cloudCode, 'KMS.0105');
      assert.match(failed.message, /the cloud may still have made the key, and no key with its creation token was found: the next `pulumi up` looks for it by that token again/);
      assert.equal(counted('list-keys'), listed + 1);
      assert.equal(keys().length, before);
    });

    it('a second create with the token of an interrupted one finds its key with the alias it was created with (another process, and this one)', async () => {
      const t = token();
      const listed = counted('list-keys');
      assert.equal(await adapter.findCreated(t), undefined);
      const first = await adapter.createKey({ keySpec: 'AES_256', creationToken: t });
      const derived = stored(first.keyId).attributes.key_alias;
      assert.equal((await adapter.findCreated(t))?.keyId, first.keyId, 'this process\'s listing learnt of the key');
      assert.equal(counted('list-keys'), listed + 1, 'listed once');
      forgetCreationListings(); // as a new provider process
      const found = await adapter.findCreated(t);
      assert.deepEqual([found?.keyId, found?.keyState, found?.alias], [first.keyId, 'PendingImport', derived]);
      assert.equal(await adapter.findCreated(token()), undefined, 'another token finds nothing');
    });

    it('reads every page of list-keys', async () => {
      const t = token();
      const key = await adapter.createKey({ keySpec: 'AES_256', creationToken: t });
      forgetCreationListings();
      const settings = { endpoint: new URL(emulator.url), projectId: PROJECT, credentials: { accessKey: 'test', secretKey: 'test' } };
      const client = new HuaweicloudKmsClient(settings);
      // A client whose listings come back one key a page, as a project with more keys than a page holds would.
      const call = client.call.bind(client);
      client.call = ((operation: string, body: Record<string, unknown>) => call(operation, operation === 'list-keys' ? { ...body, limit: '1' } : body)) as typeof client.call;
      const listed = counted('list-keys');
      assert.equal((await new HuaweicloudKmsAdapter(client).findCreated(t))?.keyId, key.keyId);
      assert.equal(counted('list-keys') - listed, keys().length);
    });

    it('a key pending deletion is not taken', async () => {
      const t = token();
      const first = await adapter.createKey({ keySpec: 'AES_256', creationToken: t });
      await adapter.scheduleDeletion(first.keyId, 7);
      forgetCreationListings();
      assert.equal(await adapter.findCreated(t), undefined);
    });

    it('creationDone puts the description asked for (or none) in place of the token; the listing forgets it', async () => {
      for (const description of ['payments key', undefined]) {
        const t = token();
        const key = await adapter.createKey({ keySpec: 'AES_256', description, creationToken: t });
        assert.equal(stored(key.keyId).description, `imported-key:creation ${t}`, 'the token, not the description, while creating');
        await adapter.creationDone(t, { keyId: key.keyId, description });
        assert.equal(stored(key.keyId).description, description ?? '');
        assert.equal(await adapter.findCreated(t), undefined);
        forgetCreationListings();
        assert.equal(await adapter.findCreated(t), undefined);
      }
    });
  });

  it('gives up on a silent server after its timeout, naming the operation', async () => {
    const keyId = await importedKey(randomBytes(32));
    const settings = { endpoint: new URL(emulator.url), projectId: PROJECT, credentials: { accessKey: 'test', secretKey: 'test' } };
    const impatient = new HuaweicloudKmsAdapter(new HuaweicloudKmsClient(settings, { timeoutMs: 100, maxAttempts: 1 }));
    emulator.faults.add({ target: 'huawei:describe-key', latencyMs: 1000 });
    const started = Date.now();
    const timedOut = await rejects(impatient.describeKey(keyId));
    assert.equal(timedOut.code, 'CloudError');
    assert.match(timedOut.message, /^huaweicloud describe-key failed: no reply within 100 ms$/);
    assert.ok(Date.now() - started < 900);
  });

  it('retries a 503 on every call, writes included (nothing was processed); a 500 only on calls safe to repeat', async () => {
    const keyId = await importedKey(randomBytes(32));
    emulator.faults.add({ target: 'huawei:describe-key', failNext: 1, failStatus: 503 });
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled');
    const before = emulator.requestCounts()['huawei:disable-key'] ?? 0;
    emulator.faults.add({ target: 'huawei:disable-key', failNext: 1, failStatus: 503 });
    await adapter.disableKey(keyId);
    assert.equal(emulator.requestCounts()['huawei:disable-key'], before + 2);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Disabled');
    emulator.faults.add({ target: 'huawei:enable-key', failNext: 1, failStatus: 500 });
    await adapter.enableKey(keyId);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled');
    const creates = emulator.requestCounts()['huawei:create-key'] ?? 0;
    emulator.faults.add({ target: 'huawei:create-key', failNext: 1, failStatus: 503 });
    await adapter.createKey({ keySpec: 'AES_256', alias: 'after-503' });
    assert.equal(emulator.requestCounts()['huawei:create-key'], creates + 2);
    emulator.faults.add({ target: 'huawei:create-key', failNext: 1, failStatus: 500 });
    assert.equal((await rejects(adapter.createKey({ keySpec: 'AES_256', alias: 'after-500' }))).cloudCode, 'KMS.0105');
    assert.equal(emulator.requestCounts()['huawei:create-key'], creates + 3, 'a 500 may have made a key: not sent again');
  });

  it('sends describe-key, get-parameters-for-import and delete-imported-key-material again after a connection closed mid-call', async () => {
    const keyId = await importedKey(randomBytes(32));
    const counts = () => emulator.requestCounts();
    let before = counts();
    emulator.faults.add({ target: 'huawei:describe-key', resetNext: 1 });
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled');
    assert.equal(counts()['huawei:describe-key'], before['huawei:describe-key'] + 2);
    emulator.faults.add({ target: 'huawei:get-parameters-for-import', resetNext: 1 });
    before = counts();
    await adapter.getImportParameters(keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    assert.equal(counts()['huawei:get-parameters-for-import'], before['huawei:get-parameters-for-import'] + 2);
    // Done, then the reply lost: the second call meets a key already pending import (KMS.2701) — done.
    emulator.faults.add({ target: 'huawei:delete-imported-key-material', dropNext: 1 });
    before = counts();
    await adapter.deleteMaterial(keyId);
    assert.equal(counts()['huawei:delete-imported-key-material'], before['huawei:delete-imported-key-material'] + 2);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'PendingImport');
  });

  it('never sends create-key or import-key-material again after a connection closed mid-call', async () => {
    const before = emulator.requestCounts();
    emulator.faults.add({ target: 'huawei:create-key', resetNext: 1 });
    assert.equal((await rejects(adapter.createKey({ keySpec: 'AES_256', alias: 'reset' }))).code, 'CloudError');
    assert.equal(emulator.requestCounts()['huawei:create-key'], (before['huawei:create-key'] ?? 0) + 1);
    const { keyId } = await adapter.createKey({ keySpec: 'AES_256', alias: 'reset-import' });
    const { params, encryptedKeyMaterial } = await wrapFor(keyId, randomBytes(32));
    emulator.faults.add({ target: 'huawei:import-key-material', resetNext: 1 });
    const imports = emulator.requestCounts()['huawei:import-key-material'] ?? 0;
    await rejects(adapter.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial }));
    assert.equal(emulator.requestCounts()['huawei:import-key-material'], imports + 1);
  });

  it('refuses bad arguments before any request, naming the field', async () => {
    assert.match((await rejects(adapter.describeKey('alias/x'))).message, /keyId must be a Huawei key id/);
    assert.match((await rejects(adapter.createKey({ keySpec: 'RSA_2048' }))).message, /keySpec must be one of AES_256, SM4/);
    assert.equal((await rejects(adapter.getImportParameters('00000000-0000-0000-0000-000000000000', 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_2048'))).code, 'UnsupportedAlgorithm');
    assert.match((await rejects(adapter.createKey({ keySpec: 'AES_256', tags: { a: 'b' } }))).message, /tags are not supported/);
  });

  it('sends a given key alias as it is and refuses one Huawei would refuse (no silent cleaning); makes one up when none is given', async () => {
    assert.equal(keyAliasFor('prod/payments:key_1'), 'prod/payments:key_1');
    assert.equal(keyAliasFor('x'.repeat(255)).length, 255);
    for (const bad of ['my key.é', 'x'.repeat(256), '']) {
      assert.throws(() => keyAliasFor(bad), (e: unknown) => e instanceof ImportedKeyError && e.code === 'InvalidArgument' && /alias .*must match \^\[a-zA-Z0-9:\/_-\]\{1,255\}\$/.test(e.message));
    }
    assert.match((await rejects(adapter.createKey({ keySpec: 'AES_256', alias: 'my key' }))).message, /not a valid huaweicloud key_alias/);
    assert.match(keyAliasFor(undefined), /^imported-key-[0-9a-z]+$/);
  });

  it('builds its adapter from the profile with the environment Huawei tools use', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { HUAWEICLOUD_SDK_AK: 'test', HUAWEICLOUD_SDK_SK: 'test', HUAWEICLOUD_SDK_PROJECT_ID: 'envproject' });
      const fromProfile = createAdapter('huaweicloud', { endpoint: emulator.url });
      const { keyId } = await fromProfile.createKey({ keySpec: 'AES_256', alias: 'from-env' });
      assert.ok(emulator.store.findKey('huawei', 'envproject', keyId));
      const seen = await huaweiCall(emulator.url, 'envproject', 'describe-key', { key_id: keyId });
      assert.equal(seen.body.key_info.key_alias, 'from-env');
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
