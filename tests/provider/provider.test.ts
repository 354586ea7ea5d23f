// The ResourceProvider functions as the dynamic-provider host calls them, against the emulator with
// the real AWS SDK, counting the API calls each step makes.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as provider from '../../provider/provider';
import { forgetCreationMarkers } from '../../provider/clouds/aws/adapter';
import { UNKNOWN } from '../../provider/lifecycle';
import { AwsKmsAdapter } from '../../provider/clouds/aws/adapter';
import { NOT_FOUND_TIMEOUT_MS } from '../../provider/waiter';
import { wrapKeyMaterial } from '../../core/wrapping';
import { useEmulator } from '../support/emulator';
import { useAwsEnvironment } from '../support/aws-environment';
import { inFuture } from '../support/fixtures';

describe('provider against the emulator (AWS)', function () {
  const emu = useEmulator();
  useAwsEnvironment();
  const material = randomBytes(32).toString('base64');

  /** Runs `work` and returns the API calls it made, by operation (e.g. { CreateKey: 1 }). */
  async function callsDuring(work: () => Promise<unknown>): Promise<Record<string, number>> {
    const before = await emu.requestCounts();
    await work();
    const after = await emu.requestCounts();
    const delta: Record<string, number> = {};
    for (const [op, n] of Object.entries(after)) {
      const d = n - (before[op] ?? 0);
      if (d > 0 && op.startsWith('aws:')) delta[op.slice(4)] = d;
    }
    return delta;
  }

  async function checked(news: Record<string, unknown>) {
    const result = await provider.check({}, { cloud: 'aws', region: 'us-east-1', endpoint: emu.url, keyMaterial: material, ...news });
    assert.deepEqual(result.failures, []);
    return result.inputs!;
  }

  it('check makes no API call and fails a bad argument by name', async () => {
    const calls = await callsDuring(async () => {
      const result = await provider.check({}, { cloud: 'aws', endpoint: emu.url, keyMaterial: material, deletionWindowInDays: 3 });
      assert.deepEqual(result.failures!.map((f) => f.property), ['deletionWindowInDays']);
    });
    assert.deepEqual(calls, {});
  });

  it('create = ListAliases (markers) + CreateKey + CreateAlias (marker) + GetParametersForImport + ImportKeyMaterial + DescribeKey + DeleteAlias (marker); outputs hold no material', async () => {
    const inputs = await checked({});
    forgetCreationMarkers();
    let result: Awaited<ReturnType<typeof provider.create>> | undefined;
    const calls = await callsDuring(async () => {
      result = await provider.create(inputs);
    });
    // The marker alias makes an interrupted create findable (creation-token.ts); the listing is once per process.
    assert.deepEqual(calls, { ListAliases: 1, CreateKey: 1, CreateAlias: 1, GetParametersForImport: 1, ImportKeyMaterial: 1, DescribeKey: 1, DeleteAlias: 1 });
    assert.equal(result!.outs.keyState, 'Enabled');
    assert.equal(result!.outs.origin, 'EXTERNAL');
    assert.match(result!.outs.materialDigest, /^hmac-sha256:/);
    assert.ok(!('keyMaterial' in result!.outs));
    assert.ok(!JSON.stringify(result).includes(material));
  });

  it('diff = one DescribeKey; no change when nothing changed, update on PendingImport, then update = 3 calls (it takes the diff\'s describe)', async () => {
    const inputs = await checked({});
    const { id, outs } = await provider.create(inputs);
    let diff: Awaited<ReturnType<typeof provider.diff>> | undefined;
    assert.deepEqual(await callsDuring(async () => (diff = await provider.diff(id, outs, inputs))), { DescribeKey: 1 });
    assert.equal(diff!.changes, false);

    const healed = await deleteMaterialOutOfBand(id);
    assert.equal(healed, 'PendingImport');
    diff = await provider.diff(id, outs, inputs);
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, []);
    let updated: Awaited<ReturnType<typeof provider.update>> | undefined;
    const calls = await callsDuring(async () => (updated = await provider.update(id, outs, inputs)));
    // The diff's DescribeKey + these 3 = 4 calls for a drift heal; the DescribeKey here confirms the import.
    assert.deepEqual(calls, { DescribeKey: 1, GetParametersForImport: 1, ImportKeyMaterial: 1 });
    assert.equal(updated!.outs.keyState, 'Enabled');
  });

  it("a refresh's Read + Diff = one DescribeKey; each step's describe is handed on once, to the next step only", async () => {
    const inputs = await checked({});
    const { id, outs } = await provider.create(inputs);
    let diff: Awaited<ReturnType<typeof provider.diff>> | undefined;
    const refresh = await callsDuring(async () => {
      const read = await provider.read(id, outs);
      diff = await provider.diff(id, read.props!, inputs);
    });
    assert.deepEqual(refresh, { DescribeKey: 1 });
    assert.equal(diff!.changes, false);
    // A second Diff (the program's, in `preview --refresh`) describes again: a look is taken once.
    assert.deepEqual(await callsDuring(() => provider.diff(id, outs, inputs)), { DescribeKey: 1 });
    // A Diff never takes a Diff's look: drift made between two runs is seen by the next run's Diff.
    await deleteMaterialOutOfBand(id);
    const next = await provider.diff(id, outs, inputs);
    assert.equal(next.changes, true, 'the drift is seen');
    // An Update never takes a Read's look: it describes for itself.
    const read = await provider.read(id, outs);
    assert.equal(read.props!.keyState, 'PendingImport');
    const calls = await callsDuring(() => provider.update(id, outs, inputs));
    assert.deepEqual(calls, { DescribeKey: 2, GetParametersForImport: 1, ImportKeyMaterial: 1 });
  });

  async function deleteMaterialOutOfBand(keyId: string): Promise<string> {
    const { AwsKmsAdapter } = await import('../../provider/clouds/aws/adapter');
    const adapter = new AwsKmsAdapter({ region: 'us-east-1', endpoint: emu.url });
    try {
      const live = await adapter.describeKey(keyId);
      if (live?.keyState !== 'PendingImport') await adapter.deleteMaterial(keyId);
      return (await adapter.describeKey(keyId))!.keyState;
    } finally {
      adapter.destroy();
    }
  }

  it('a new expiresAt is an in-place update that reimports', async () => {
    const inputs = await checked({});
    const { id, outs } = await provider.create(inputs);
    const expiresAt = inFuture(30);
    const news = await checked({ expiresAt });
    const diff = await provider.diff(id, outs, news);
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, []);
    const { outs: updated } = await provider.update(id, outs, news);
    assert.equal(updated.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.ok(Math.abs(Date.parse(updated.validTo) - Date.parse(expiresAt)) < 1000);
  });

  it('expiry passing on the emulator clock: read reports PendingImport, update heals with the same material', async () => {
    const news = await checked({ expiresAt: inFuture(2) });
    const { id, outs } = await provider.create(news);
    await emu.advanceClock(3 * 86_400);
    const read = await provider.read(id, outs);
    assert.equal(read.id, id);
    assert.equal(read.props!.keyState, 'PendingImport');
    // The old expiry is now in the past: the user picks a new one, as check demands.
    const later = await provider.check({}, { ...news, expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString() });
    assert.deepEqual(later.failures, []);
    const { outs: healed } = await provider.update(id, read.props!, later.inputs!);
    assert.equal(healed.keyState, 'Enabled');
  });

  it('new material: replace for a created key, an error saying to create a new key for an adopted one', async () => {
    const inputs = await checked({});
    const { id, outs } = await provider.create(inputs);
    const other = await checked({ keyMaterial: randomBytes(32).toString('base64') });
    let replacing: Awaited<ReturnType<typeof provider.diff>> | undefined;
    assert.deepEqual(await callsDuring(async () => (replacing = await provider.diff(id, outs, other))), {}, 'a replacement needs no look at the old key');
    assert.deepEqual(replacing!.replaces, ['keyMaterial']);

    const adoptInputs = await checked({ keyId: id });
    const adopted = await provider.create(adoptInputs);
    assert.equal(adopted.outs.adopted, true);
    const otherForAdopted = await checked({ keyId: id, keyMaterial: randomBytes(32).toString('base64') });
    await assert.rejects(provider.diff(id, adopted.outs, otherForAdopted), /create a new key/);
  });

  it('adopting a key that already holds material proves it is this material by importing it again', async () => {
    const inputs = await checked({});
    const { id } = await provider.create(inputs);
    const adoptInputs = await checked({ keyId: id });
    const calls = await callsDuring(() => provider.create(adoptInputs));
    assert.deepEqual(calls, { DescribeKey: 2, GetParametersForImport: 1, ImportKeyMaterial: 1 });
  });

  it("adopting a key that holds someone else's material fails (IncorrectKeyMaterialException), even with the expiry it has", async () => {
    const { id } = await provider.create(await checked({}));
    const mine = await checked({ keyId: id, keyMaterial: randomBytes(32).toString('base64') });
    await assert.rejects(provider.create(mine), (e: Error & { code?: string; id?: string }) => {
      assert.equal(e.code, 'InvalidKeyMaterial');
      assert.equal(e.id, undefined, 'nothing is recorded for an adoption that failed');
      return true;
    });
  });

  it('a lost reply after ImportKeyMaterial does not fail the create (DescribeKey confirms)', async () => {
    const inputs = await checked({});
    forgetCreationMarkers();
    // Every attempt of the SDK (3 by default) does the work and loses the reply.
    await emu.addFault({ target: 'aws:ImportKeyMaterial', dropNext: 3 });
    try {
      const calls = await callsDuring(async () => {
        const { outs } = await provider.create(inputs);
        assert.equal(outs.keyState, 'Enabled');
      });
      assert.deepEqual(calls, { ListAliases: 1, CreateKey: 1, CreateAlias: 1, GetParametersForImport: 1, ImportKeyMaterial: 3, DescribeKey: 2, DeleteAlias: 1 });
    } finally {
      await emu.clearFaults();
    }
  });

  it("a lost CreateKey reply makes no second key: the key is found by its creation tag and finished", async () => {
    const inputs = await checked({});
    const keys = () => emu.running.store.listKeys('aws', '111122223333:us-east-1').length;
    const before = keys();
    // The emulator makes the key, then drops the connection: the SDK would have retried and made another.
    await emu.addFault({ target: 'aws:CreateKey', dropNext: 1 });
    try {
      const calls = await callsDuring(async () => {
        const { outs } = await provider.create(inputs);
        assert.equal(outs.keyState, 'Enabled');
      });
      assert.equal(calls.CreateKey, 1, 'CreateKey is not retried blind');
      assert.ok(calls.ListResourceTags >= 1, 'the keys are read for the creation tag');
      assert.equal(keys(), before + 1);
    } finally {
      await emu.clearFaults();
    }
  });

  it('a failed import after CreateKey throws an error with the key id and properties (partly created) [real time]', async () => {
    const inputs = await checked({});
    await emu.addFault({ target: 'aws:ImportKeyMaterial', failNext: 5, failStatus: 500 });
    let error: any;
    try {
      await provider.create({ ...inputs, __provider: 'serialized' });
    } catch (e) {
      error = e;
    } finally {
      await emu.clearFaults();
    }
    assert.ok(error, 'create failed');
    assert.match(error.id, /^[0-9a-f-]{36}$/);
    assert.equal(error.properties.keyId, error.id);
    assert.equal(error.properties.__provider, 'serialized');
    assert.ok(!JSON.stringify(error.properties).includes(material) && !error.message.includes(material));
    const thrown = require('node:util').inspect(error, { depth: 20, showHidden: true });
    for (const form of [material, Buffer.from(material, 'base64').toString('hex')]) assert.ok(!thrown.includes(form), 'the thrown object holds no material');
    // The engine's next `up` updates the partial resource: the import finishes in the same key.
    const calls = await callsDuring(async () => {
      const { outs } = await provider.update(error.id, error.properties, inputs);
      assert.equal(outs.keyState, 'Enabled');
    });
    assert.equal(calls.CreateKey, undefined);
  });

  it('delete schedules deletion (one call) and is idempotent; read then reports the key gone', async () => {
    const inputs = await checked({ deletionWindowInDays: 7 });
    const { id, outs } = await provider.create(inputs);
    assert.deepEqual(await callsDuring(() => provider.delete(id, outs)), { ScheduleKeyDeletion: 1 });
    await provider.delete(id, outs);
    const read = await provider.read(id, outs);
    assert.equal(read.id, '');
  });

  it('imports HMAC, RSA and ECC material, each with its default wrapping', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const cases: Array<[string, Buffer, string]> = [
      ['HMAC_256', randomBytes(32), 'RSAES_OAEP_SHA_256'],
      ['RSA_2048', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'der' }), 'RSA_AES_KEY_WRAP_SHA_256'],
      ['ECC_NIST_P256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' }), 'RSA_AES_KEY_WRAP_SHA_256'],
    ];
    for (const [keySpec, bytes, algorithm] of cases) {
      const inputs = await checked({ keySpec, keyMaterial: bytes.toString('base64') });
      assert.equal(inputs.wrappingAlgorithm, algorithm, keySpec);
      const { outs } = await provider.create(inputs);
      assert.equal(outs.keyState, 'Enabled', keySpec);
      assert.equal(outs.keySpec, keySpec);
    }
  });

  it('preview with unknown material plans without calling the cloud for the material', async () => {
    const result = await provider.check({}, { cloud: 'aws', endpoint: emu.url, keyMaterial: UNKNOWN });
    assert.deepEqual(result.failures, []);
  });

  describe('eventual consistency: a NotFound for a key the stack recorded [real time]', () => {
    afterEach(() => emu.running.consistency.clear());

    /** A key made and filled just now while describes lag 10 s (so they answer NotFound), recorded as a create would. */
    async function justCreated(recorded: Record<string, unknown>) {
      emu.running.consistency.setDelay('aws', 10_000); // long enough for a loaded machine to describe within it
      const adapter = new AwsKmsAdapter({ region: 'us-east-1', endpoint: emu.url });
      const key = await adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
      const params = await adapter.getImportParameters(key.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
      const encryptedKeyMaterial = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: params.publicKey, material: Buffer.from(material, 'base64') });
      const { keyMaterialId } = await adapter.importMaterial({ keyId: key.keyId, importToken: params.importToken, encryptedKeyMaterial });
      assert.equal(await adapter.describeKey(key.keyId), undefined, 'describes do not see it yet');
      return { id: key.keyId, outs: { ...recorded, keyId: key.keyId, arn: key.arn, keyMaterialId } };
    }

    it('read keeps a key that does not show yet, and diff plans no replacement for it', async () => {
      const inputs = await checked({});
      const { outs } = await provider.create(inputs); // the recorded shape, from a key made while describes keep up
      const first = await justCreated(outs);
      const read = await provider.read(first.id, first.outs);
      assert.equal(read.id, first.id, 'still in the stack');
      assert.equal(read.props!.keyState, 'Enabled');
      const second = await justCreated(outs);
      const diff = await provider.diff(second.id, second.outs, inputs);
      assert.deepEqual(diff.replaces, []);
      assert.equal(diff.changes, false);
    });

    it(`read drops a key that stays not found for ${NOT_FOUND_TIMEOUT_MS / 1000} s (deleted out of band), and no sooner`, async function () {
      this.timeout(NOT_FOUND_TIMEOUT_MS + 20_000);
      const inputs = await checked({});
      const { id, outs } = await provider.create(inputs);
      const snapshot = emu.running.store.snapshot();
      emu.running.store.restore({ ...snapshot, keys: snapshot.keys.filter((k) => k.id !== id), aliases: snapshot.aliases.filter((a) => a.keyId !== id) });
      const started = Date.now();
      const read = await provider.read(id, outs);
      const waited = Date.now() - started;
      assert.equal(read.id, '', 'gone from the stack');
      assert.ok(waited >= NOT_FOUND_TIMEOUT_MS && waited < NOT_FOUND_TIMEOUT_MS + 5_000, `waited ${waited} ms`);
    });
  });
});
