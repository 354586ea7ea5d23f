import { strict as assert } from 'node:assert';
import { awsProfile } from '../../provider/clouds/aws/profile';
import { ImportedKeyError } from '../../core/errors';
import { alicloudProfile } from '../../provider/clouds/alicloud/profile';
import { cloudNow, createImportedKey, deleteImportedKey, readImportedKey, updateImportedKey, withRecordedDefaults } from '../../provider/operations';
import { MATERIAL, MATERIAL_B64, OTHER_MATERIAL, inFuture, inputs, outputs } from '../support/fixtures';
import { StubAdapter } from '../support/stub-adapter';
import { creationToken } from '../../provider/creation-token';
import type { KeyDescription } from '../../provider/clouds/adapter';
import { planDiff } from '../../provider/lifecycle';

function cloud(mode: 'in-place' | 'delete-first' = 'in-place') {
  const adapter = new StubAdapter(mode);
  return { adapter, profile: awsProfile };
}

describe('operations: create', () => {
  it('creates, imports the material, confirms Enabled: four calls', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, inputs(), MATERIAL);
    assert.deepEqual(c.adapter.calls, ['createKey', 'getImportParameters', 'importMaterial', 'describeKey']);
    assert.equal(outs.keyState, 'Enabled');
    assert.equal(outs.keyId, id);
    assert.ok(c.adapter.keys.get(id)!.material!.equals(MATERIAL), 'the stub unwrapped the same material');
    assert.ok(!JSON.stringify(outs).includes(MATERIAL_B64) && !JSON.stringify(outs).includes(MATERIAL.toString('hex')));
  });

  it('retries once with fresh parameters when the token is refused', async () => {
    const c = cloud();
    c.adapter.failNext('importMaterial', () => new ImportedKeyError('ImportTokenRejected', 'expired', { cloudCode: 'ExpiredImportTokenException' }));
    await createImportedKey(c, inputs(), MATERIAL);
    assert.deepEqual(c.adapter.calls, ['createKey', 'getImportParameters', 'importMaterial', 'getImportParameters', 'importMaterial', 'describeKey']);
  });

  it('does not retry a refused token twice; the error carries the key id', async () => {
    const c = cloud();
    const refuse = () => new ImportedKeyError('ImportTokenRejected', 'expired', { cloudCode: 'ExpiredImportTokenException' });
    c.adapter.failNext('importMaterial', refuse);
    c.adapter.failNext('importMaterial', refuse);
    await assert.rejects(createImportedKey(c, inputs(), MATERIAL), (e: unknown) => {
      assert.ok(e instanceof ImportedKeyError);
      assert.equal(e.id, [...c.adapter.keys.keys()][0]);
      assert.match(e.message, /once the cause is fixed `pulumi up` imports the material into this same key/);
      return true;
    });
  });

  it('treats a lost reply after a successful import as success (DescribeKey decides)', async () => {
    const c = cloud();
    c.adapter.failNext('importMaterial', () => new Error('socket hang up'), true);
    const { outs } = await createImportedKey(c, inputs(), MATERIAL);
    assert.equal(outs.keyState, 'Enabled');
    assert.deepEqual(c.adapter.calls, ['createKey', 'getImportParameters', 'importMaterial', 'describeKey', 'describeKey']);
  });

  it('a failed import after CreateKey reports the key id so the next update finishes into the same key [real time]', async () => {
    const c = cloud();
    c.adapter.failNext('importMaterial', () => new ImportedKeyError('CloudError', 'InternalFailure', { cloudCode: 'KMSInternalException' }));
    let id = '';
    await assert.rejects(createImportedKey(c, inputs(), MATERIAL), (e: unknown) => {
      id = (e as ImportedKeyError).id!;
      return Boolean(id);
    });
    const outs = await updateImportedKey(c, id, { adopted: false }, inputs(), MATERIAL);
    assert.equal(outs.keyState, 'Enabled');
    assert.equal(c.adapter.keys.size, 1, 'no second key');
  });

  /** A cloud whose creation token rides in the description (Alibaba, Huawei): creationDone sets the description asked for. */
  class MarkedStub extends StubAdapter {
    readonly creationInDescription = true;
    done: Array<{ token: string; keyId: string; description?: string }> = [];
    found?: KeyDescription;
    async findCreated(): Promise<KeyDescription | undefined> {
      this.calls.push('findCreated');
      return this.found;
    }
    async creationDone(token: string, key: { keyId: string; description?: string }): Promise<void> {
      this.calls.push('creationDone');
      const i = this.failures.findIndex((f) => f.op === 'creationDone');
      if (i >= 0) throw this.failures.splice(i, 1)[0].error();
      this.done.push({ token, ...key });
    }
  }
  const marked = () => ({ adapter: new MarkedStub(), profile: awsProfile });

  it('where the token rides in the description, the create ends with creationDone(token, description asked for)', async () => {
    const c = marked();
    const asked = inputs({ description: 'payments' });
    const { id, outs } = await createImportedKey(c, asked, MATERIAL);
    assert.deepEqual(c.adapter.calls, ['findCreated', 'createKey', 'getImportParameters', 'importMaterial', 'describeKey', 'creationDone']);
    assert.deepEqual(c.adapter.done, [{ token: creationToken(asked, MATERIAL), keyId: id, description: 'payments' }]);
    assert.equal(outs.description, 'payments');
  });

  it('a description that cannot be set after the import is recorded as pending, not as set; the next update sets it with the same token', async () => {
    const c = marked();
    c.adapter.failNext('creationDone', () => new ImportedKeyError('CloudError', 'InternalFailure', { cloudCode: 'InternalFailure' }));
    const asked = inputs({ description: 'payments' });
    const error = await createImportedKey(c, asked, MATERIAL).then(() => assert.fail('the create must fail'), (e: unknown) => e as ImportedKeyError);
    assert.match(error.message, /was created and its material imported, but its description could not be set \(InternalFailure\); the stack records the key without it, and the next `pulumi up` sets it/);
    const recorded = error.outputs as Record<string, unknown> & { pendingFinish?: { description?: string } };
    assert.equal(recorded.description, undefined, 'the state does not claim a description the key does not have');
    assert.deepEqual(recorded.pendingFinish, { description: 'payments' });
    assert.equal(recorded.keyState, 'Enabled');
    const plan = planDiff(recorded as never, asked, 'unchecked', MATERIAL, new Date());
    assert.deepEqual([plan.replaces, plan.changes], [[], true], 'an update, not a replacement');
    await updateImportedKey(c, error.id!, recorded as never, asked, MATERIAL);
    assert.deepEqual(c.adapter.done, [{ token: creationToken(asked, MATERIAL), keyId: error.id!, description: 'payments' }]);
  });

  it('a failed import on such a cloud records the description as pending too ("" when none was asked): the key still carries the token [real time]', async () => {
    const c = marked();
    c.adapter.failNext('importMaterial', () => new ImportedKeyError('CloudError', 'InternalFailure', { cloudCode: 'InternalFailure' }));
    const error = await createImportedKey(c, inputs(), MATERIAL).then(() => assert.fail('the create must fail'), (e: unknown) => e as ImportedKeyError);
    assert.deepEqual(error.outputs!.pendingFinish, { description: '' });
    assert.equal(planDiff(error.outputs as never, inputs(), 'unchecked', MATERIAL, new Date()).replaces.length, 0, 'no description asked is no change');
    await updateImportedKey(c, error.id!, error.outputs as never, inputs(), MATERIAL);
    assert.deepEqual(c.adapter.done.map((d) => d.description), [undefined]);
    assert.equal(c.adapter.keys.get(error.id!)!.keyState, 'Enabled');
  });

  it('a key an interrupted create made is finished in place, and records the alias it was created with when the alias was derived', async () => {
    const c = marked();
    const made = await c.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    c.adapter.found = { ...made, alias: 'payments-key-1a2b3c4' };
    const { id, outs } = await createImportedKey(c, inputs({ alias: 'payments-key-9f8e7d6', aliasDerived: true }), MATERIAL);
    assert.equal(id, made.keyId);
    assert.equal(c.adapter.keys.size, 1, 'no second key');
    assert.equal(outs.alias, 'payments-key-1a2b3c4');
  });

  it('adopts an existing key: no CreateKey, and checks origin and spec', async () => {
    const c = cloud();
    const made = await c.adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    c.adapter.calls = [];
    const { outs } = await createImportedKey(c, inputs({ keyId: made.keyId, keySpec: undefined, onDelete: undefined }), MATERIAL);
    assert.deepEqual(c.adapter.calls, ['describeKey', 'getImportParameters', 'importMaterial', 'describeKey']);
    assert.equal(outs.adopted, true);
    assert.equal(outs.onDelete, 'deleteMaterial');
    await assert.rejects(createImportedKey(c, inputs({ keyId: 'ffffffff-0000-0000-0000-000000000000' }), MATERIAL), /does not exist/);
    await assert.rejects(createImportedKey(c, inputs({ keyId: made.keyId, keySpec: 'HMAC_256' }), MATERIAL), /keySpec/);
  });
});

describe('operations: protection levels (alicloud)', () => {
  const ali = () => ({ adapter: new StubAdapter(), profile: alicloudProfile });
  const aliInputs = (over = {}) => inputs({ cloud: 'alicloud', keySpec: 'Aliyun_AES_256', wrappingAlgorithm: undefined, wrappingKeySpec: undefined, ...over });

  it('creates the key at the level asked for and reports the level the cloud describes', async () => {
    const c = ali();
    const { id, outs } = await createImportedKey(c, aliInputs({ protectionLevel: 'HSM' }), MATERIAL);
    assert.equal(c.adapter.keys.get(id)!.protectionLevel, 'HSM', 'CreateKey got protectionLevel');
    assert.equal(outs.protectionLevel, 'HSM');
    const read = await readImportedKey(c, id, { ...outs, protectionLevel: undefined });
    assert.equal(read!.protectionLevel, 'HSM', 'read takes the level from DescribeKey');
  });

  it('refuses SM2PKE for an adopted SOFTWARE key before asking for import parameters, naming the field and the key\'s level', async () => {
    const c = ali();
    const made = await c.adapter.createKey({ keySpec: 'Aliyun_AES_256', protectionLevel: 'SOFTWARE' });
    c.adapter.calls = [];
    await assert.rejects(createImportedKey(c, aliInputs({ keyId: made.keyId, keySpec: undefined, wrappingAlgorithm: 'SM2PKE' }), MATERIAL), (e: unknown) =>
      e instanceof ImportedKeyError && e.code === 'InvalidArgument' && /^wrappingAlgorithm: alicloud does not accept SM2PKE for key .*protectionLevel SOFTWARE/.test(e.message));
    assert.deepEqual(c.adapter.calls, ['describeKey']);
  });

  it('state from before protection levels were recorded compares as the key spec\'s default (what was created)', () => {
    const old = outputs({ cloud: 'alicloud', keySpec: 'Aliyun_SM4', protectionLevel: undefined });
    assert.equal(withRecordedDefaults(alicloudProfile, old).protectionLevel, 'HSM');
    assert.equal(withRecordedDefaults(alicloudProfile, { ...old, keySpec: 'Aliyun_AES_256' }).protectionLevel, 'SOFTWARE');
    assert.equal(withRecordedDefaults(alicloudProfile, { ...old, adopted: true }).protectionLevel, undefined, 'an adopted key is not ours to judge');
    assert.equal(withRecordedDefaults(alicloudProfile, { ...old, protectionLevel: 'HSM', keySpec: 'Aliyun_AES_256' }).protectionLevel, 'HSM');
    assert.equal(withRecordedDefaults(awsProfile, outputs()).protectionLevel, undefined);
  });
});

describe('operations: update', () => {
  it('reimports in place for a new expiry (in-place clouds never delete material)', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, inputs(), MATERIAL);
    c.adapter.calls = [];
    const expiresAt = inFuture(30);
    const updated = await updateImportedKey(c, id, outs, inputs({ expiresAt }), MATERIAL);
    assert.deepEqual(c.adapter.calls, ['describeKey', 'getImportParameters', 'importMaterial', 'describeKey']);
    assert.equal(Date.parse(updated.validTo!), Date.parse(expiresAt));
    assert.equal(updated.materialDigest, outs.materialDigest, 'same material keeps its digest');
  });

  it('delete-first clouds: parameters fetched and material wrapped BEFORE the material is deleted', async () => {
    const c = cloud('delete-first');
    const { id, outs } = await createImportedKey(c, inputs(), MATERIAL);
    c.adapter.calls = [];
    await updateImportedKey(c, id, outs, inputs({ expiresAt: inFuture(30) }), MATERIAL);
    assert.deepEqual(c.adapter.calls, ['describeKey', 'getImportParameters', 'deleteMaterial', 'importMaterial', 'describeKey']);
  });

  it('heals a key that fell back to PendingImport', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, inputs(), MATERIAL);
    await c.adapter.deleteMaterial(id);
    c.adapter.calls = [];
    const healed = await updateImportedKey(c, id, outs, inputs(), MATERIAL);
    assert.equal(healed.keyState, 'Enabled');
    assert.deepEqual(c.adapter.calls, ['describeKey', 'getImportParameters', 'importMaterial', 'describeKey']);
  });

  it('makes no import when only settings changed', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, inputs(), MATERIAL);
    c.adapter.calls = [];
    const updated = await updateImportedKey(c, id, outs, inputs({ onDelete: 'retain' }), MATERIAL);
    assert.deepEqual(c.adapter.calls, ['describeKey']);
    assert.equal(updated.onDelete, 'retain');
  });

  it('surfaces a wrong material as an error naming the key', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, inputs(), MATERIAL);
    await c.adapter.deleteMaterial(id);
    await assert.rejects(updateImportedKey(c, id, outs, inputs(), OTHER_MATERIAL), (e: unknown) => e instanceof ImportedKeyError && e.code === 'InvalidKeyMaterial' && e.message.includes(id));
  });
});

describe('operations: read and delete', () => {
  it('reads PendingImport as a live state and a key pending deletion as gone', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, inputs(), MATERIAL);
    await c.adapter.deleteMaterial(id);
    assert.equal((await readImportedKey(c, id, outs))!.keyState, 'PendingImport');
    await c.adapter.scheduleDeletion(id);
    assert.equal(await readImportedKey(c, id, outs), undefined);
  });

  it('schedules deletion with the window; deleteMaterial and retain do what they say; gone is done', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, inputs(), MATERIAL);
    c.adapter.calls = [];
    await deleteImportedKey(c, id, { ...outs, onDelete: 'retain' });
    assert.deepEqual(c.adapter.calls, []);
    await deleteImportedKey(c, id, { ...outs, onDelete: 'deleteMaterial' });
    assert.equal(c.adapter.keys.get(id)!.keyState, 'PendingImport');
    await deleteImportedKey(c, id, { ...outs, onDelete: 'deleteMaterial' });
    assert.deepEqual(c.adapter.calls, ['describeKey', 'deleteMaterial', 'describeKey'], 'no material: nothing to delete');
    await deleteImportedKey(c, id, outs);
    assert.equal(c.adapter.keys.get(id)!.keyState, 'PendingDeletion');
    await deleteImportedKey(c, 'ffffffff-0000-0000-0000-000000000000', { ...outs, onDelete: 'deleteMaterial' });
  });
});

describe('operations: a rolling expiry measured on the cloud clock', () => {
  const DAY = 86_400_000;
  /** A stub cloud whose clock is `offsetMs` from the machine's, as its Date headers would say. */
  function skewedCloud(offsetMs: number) {
    const c = cloud();
    Object.assign(c.adapter, { cloudTime: () => new Date(Date.now() + offsetMs) });
    return c;
  }

  it('cloudNow: the adapter\'s cloud time, else the machine clock', () => {
    const at = new Date('2030-01-01T00:00:00Z');
    assert.equal(cloudNow({ cloudTime: () => at } as never).getTime(), at.getTime());
    assert.ok(Math.abs(cloudNow({ cloudTime: () => undefined } as never).getTime() - Date.now()) < 1000);
    assert.ok(Math.abs(cloudNow({} as never).getTime() - Date.now()) < 1000);
  });

  it('create imports with validTo = cloud now + expiresIn', async () => {
    const c = skewedCloud(5 * DAY);
    const { outs } = await createImportedKey(c, inputs({ expiresIn: 'P30D' }), MATERIAL);
    const off = Date.parse(outs.validTo!) - (Date.now() + 35 * DAY);
    assert.ok(Math.abs(off) < 2000, `${off} ms off`);
    assert.equal(outs.expiresIn, 'P30D');
  });

  it('update leaves material outside renewBefore alone, renews it inside, and restarts the period when expiresIn changes', async () => {
    const c = cloud();
    const { id, outs } = await createImportedKey(c, inputs({ expiresIn: 'P30D', renewBefore: 'P10D' }), MATERIAL);
    c.adapter.calls.length = 0;
    await updateImportedKey(c, id, outs, inputs({ expiresIn: 'P30D', renewBefore: 'P10D', endpoint: 'http://127.0.0.1:1' }), MATERIAL);
    assert.deepEqual(c.adapter.calls, ['describeKey'], 'nothing to renew: no import');

    // 21 days on by the cloud's clock: 9 days left, inside renewBefore.
    Object.assign(c.adapter, { cloudTime: () => new Date(Date.now() + 21 * DAY) });
    const renewed = await updateImportedKey(c, id, outs, inputs({ expiresIn: 'P30D', renewBefore: 'P10D' }), MATERIAL);
    assert.ok(c.adapter.calls.includes('importMaterial'), 'renewed');
    assert.ok(Math.abs(Date.parse(renewed.validTo!) - (Date.now() + 51 * DAY)) < 2000);

    Object.assign(c.adapter, { cloudTime: () => undefined });
    c.adapter.calls.length = 0;
    const longer = await updateImportedKey(c, id, renewed, inputs({ expiresIn: 'P90D' }), MATERIAL);
    assert.ok(c.adapter.calls.includes('importMaterial'), 'a new period is imported');
    assert.ok(Math.abs(Date.parse(longer.validTo!) - (Date.now() + 90 * DAY)) < 2000);
  });
});
