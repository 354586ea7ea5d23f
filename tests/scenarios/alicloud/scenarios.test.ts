// The AWS issue's scenarios for cloud "alicloud", once through the real Pulumi CLI and once through the engine
// harness (the real dynamic-provider host and the real ImportedKey class), against the emulator's Alibaba protocol,
// with @alicloud/kms20160120 unmodified.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as $Kms from '@alicloud/kms20160120';
import { decryptWithMaterial } from '../../../emulator/key-crypto';
import { transcript } from '../../../harness';
import { sdkClient } from '../../support/alicloud-client';
import { forEachEngine } from '../../support/engines';
import { upAfterInterruptedCreate } from '../../support/interrupt';
import { failedRun, materialSeenIn, ops } from '../../support/scenario';
import { useAlicloudScenario } from './alicloud-scenario';

const AK = 'ali-test-ak';
const SK = 'ali-test-sk';
const CREDENTIALS = { ALIBABA_CLOUD_ACCESS_KEY_ID: AK, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SK };
const DAY_MS = 86_400_000;

forEachEngine((kind) => describe(`alicloud ImportedKey (${kind})`, function () {
  this.timeout(180_000); // a CLI run takes ~5 s, and some tests make ten
  const scene = useAlicloudScenario('ali-scenarios-', AK, SK, kind);
  const { engine, countsSince, inFuture } = scene;
  const client = () => sdkClient(scene.emulator.url, AK, SK);
  const describe_ = async (keyId: string) => (await client().describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata;
  /** Encrypt through Alibaba's API, decrypt locally with the material we hold: the key has exactly that material. */
  async function provesMaterial(keyId: string, m: Buffer): Promise<void> {
    const sealed = await client().encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'proof' }));
    assert.equal(decryptWithMaterial(keyId, m, Buffer.from(sealed.ciphertextBlob, 'base64')).toString('utf8'), 'proof');
  }

  it('creates a key, imports the material with its expiry, and keeps the material out of state, logs and outputs', async () => {
    const expiresAt = inFuture(30);
    const before = scene.emulator.requestCounts();
    const r = await engine({ expiresAt, alias: 'alias/payments' }).up();
    assert.deepEqual(ops(r), ['create']);
    const keyId = r.steps[0].id!;
    // The creation marker (orphan protection): a DescribeKey of the marker alias first, the marker alias made after
    // CreateKey and deleted at the end, and UpdateKeyDescription putting the description in place of the token.
    assert.deepEqual(countsSince(before), {
      'alibaba:CreateKey': 1, 'alibaba:CreateAlias': 2, 'alibaba:GetParametersForImport': 1, 'alibaba:ImportKeyMaterial': 1, 'alibaba:DescribeKey': 2,
      'alibaba:UpdateKeyDescription': 1, 'alibaba:DeleteAlias': 1,
    });
    assert.deepEqual(scene.emulator.store.listAliases('alibaba', 'cn-hangzhou', keyId).map((a) => a.name), ['alias/payments'], 'no marker alias left');
    assert.equal((await describe_(keyId)).description, '', 'no creation token left in the description');
    const m = await describe_(keyId);
    assert.equal(m.keyState, 'Enabled');
    assert.equal(m.origin, 'EXTERNAL');
    assert.equal(Date.parse(m.materialExpireTime), Date.parse(expiresAt));
    assert.equal((await describe_('alias/payments')).keyId, keyId);
    assert.equal(r.outputs.keyState, 'Enabled');
    assert.equal(r.outputs.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(r.outputs.validTo, expiresAt);
    await provesMaterial(keyId, scene.material);

    for (const text of [scene.storedText(), transcript(r), JSON.stringify(r), scene.log.join('\n')]) {
      assert.equal(materialSeenIn(text, scene.material), false);
    }
    const resource = engine().resource('payments-key')!;
    assert.ok(JSON.stringify(resource.inputs.__provider ?? '').length < 2048);
    const quiet = await engine({ expiresAt, alias: 'alias/payments' }).preview({ refresh: true, expectNoChanges: true });
    assert.ok(quiet.ok);
  });

  it('imports material that never expires when expiresAt is left out', async () => {
    const r = await engine().up();
    const m = await describe_(r.steps[0].id!);
    assert.equal(m.keyState, 'Enabled');
    assert.equal(m.materialExpireTime, '');
    assert.equal(r.outputs.expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
  });

  it('heals drift after the material expires and after an out-of-band DeleteKeyMaterial', async () => {
    const expiresAt = inFuture(1);
    const keyId = (await engine({ expiresAt }).up()).steps[0].id!;

    scene.emulator.clock.advance(2 * 86_400);
    assert.equal((await describe_(keyId)).keyState, 'PendingImport');
    const beforeCheck = scene.emulator.requestCounts();
    const drifted = await failedRun(engine({ expiresAt }).preview({ refresh: true, expectNoChanges: true }));
    // The GitOps check: the refresh's Read (its Diff takes that describe), then the program's Diff.
    assert.deepEqual(countsSince(beforeCheck), { 'alibaba:DescribeKey': 2 });
    assert.equal(drifted.ok, false);
    // Refresh: one call, the Read's DescribeKey (the refresh's Diff takes it).
    assert.deepEqual(await scene.calls(() => engine({ expiresAt }).refresh()), { DescribeKey: 1 });
    assert.equal(engine().resource('payments-key')!.outputs.keyState, 'PendingImport');

    const newExpiry = inFuture(30);
    const beforeHealed = scene.emulator.requestCounts();
    const healed = await engine({ expiresAt: newExpiry }).up();
    // 4 calls: the diff's DescribeKey (the update takes it), the import, the DescribeKey that confirms it.
    assert.deepEqual(countsSince(beforeHealed), { 'alibaba:DescribeKey': 2, 'alibaba:GetParametersForImport': 1, 'alibaba:ImportKeyMaterial': 1 });
    assert.deepEqual(ops(healed), ['update']);
    assert.equal((await describe_(keyId)).keyState, 'Enabled');
    await provesMaterial(keyId, scene.material);

    await client().deleteKeyMaterial(new $Kms.DeleteKeyMaterialRequest({ keyId }));
    assert.equal((await describe_(keyId)).keyState, 'PendingImport');
    const before = scene.emulator.requestCounts();
    const again = await engine({ expiresAt: newExpiry }).up();
    assert.deepEqual(ops(again), ['update']);
    const counts = countsSince(before);
    assert.equal(counts['alibaba:DeleteKeyMaterial'], undefined, 'Alibaba reimports in place: nothing is deleted');
    assert.deepEqual(counts, { 'alibaba:DescribeKey': 2, 'alibaba:GetParametersForImport': 1, 'alibaba:ImportKeyMaterial': 1 });
    assert.equal((await describe_(keyId)).keyState, 'Enabled');
    await provesMaterial(keyId, scene.material);
    const quiet = await engine({ expiresAt: newExpiry }).preview({ refresh: true, expectNoChanges: true });
    assert.ok(quiet.ok);
  });

  it('changes the expiry in place: one import over the live material, no delete, same key', async () => {
    const keyId = (await engine({ expiresAt: inFuture(10) }).up()).steps[0].id!;
    const newExpiry = inFuture(40);
    const before = scene.emulator.requestCounts();
    const r = await engine({ expiresAt: newExpiry }).up();
    assert.deepEqual(ops(r), ['update']);
    assert.equal(r.steps[0].id, keyId);
    const counts = countsSince(before);
    // 4 calls: the diff's DescribeKey (the update takes it), the import, the DescribeKey that confirms it.
    assert.deepEqual(counts, { 'alibaba:DescribeKey': 2, 'alibaba:GetParametersForImport': 1, 'alibaba:ImportKeyMaterial': 1 });
    assert.equal(Date.parse((await describe_(keyId)).materialExpireTime), Date.parse(newExpiry));
    await provesMaterial(keyId, scene.material);
  });

  it('replaces a created key when the material changes, and schedules the old one for deletion (30 days by default)', async () => {
    const oldId = (await engine().up()).steps[0].id!;
    const next = randomBytes(32);
    const r = await engine({}, next).up();
    assert.deepEqual(ops(r), ['replace']);
    const newId = r.steps[0].id!;
    assert.notEqual(newId, oldId);
    await provesMaterial(newId, next);
    const old = await describe_(oldId);
    assert.equal(old.keyState, 'PendingDeletion');
    const days = (Date.parse(old.deleteDate) - scene.emulator.clock.now()) / DAY_MS;
    assert.ok(days > 29.99 && days <= 30, String(days));
  });

  // Before UpdateAlias this replacement failed with EntityAlreadyExists.Alias: the old key kept the alias until deleted.
  it('replaces an aliased key when the material changes: the alias moves to the new key, and stays there once the old key is deleted', async () => {
    const oldId = (await engine({ alias: 'alias/replaced' }).up()).steps[0].id!;
    const next = randomBytes(32);
    const before = scene.emulator.requestCounts();
    const r = await engine({ alias: 'alias/replaced' }, next).up();
    assert.deepEqual(ops(r), ['replace']);
    assert.equal(countsSince(before)['alibaba:UpdateAlias'], 1);
    const newId = r.steps[0].id!;
    assert.equal((await describe_('alias/replaced')).keyId, newId);
    await provesMaterial(newId, next);
    assert.equal((await describe_(oldId)).keyState, 'PendingDeletion');
    scene.emulator.clock.advance(31 * DAY_MS / 1000);
    assert.equal(scene.emulator.store.findKey('alibaba', 'cn-hangzhou', oldId), undefined, 'the old key is gone');
    assert.equal((await describe_('alias/replaced')).keyId, newId);
    assert.equal(engine().resource('payments-key')!.outputs.alias, 'alias/replaced');
    assert.ok((await engine({ alias: 'alias/replaced' }, next).preview({ refresh: true, expectNoChanges: true })).ok);
    for (const text of [scene.storedText(), transcript(r), JSON.stringify(r), scene.log.join('\n')]) {
      assert.equal(materialSeenIn(text, scene.material) || materialSeenIn(text, next), false);
    }
  });

  it('adopts an existing EXTERNAL key by id, and on destroy deletes only its material', async () => {
    const created = await client().createKey(new $Kms.CreateKeyRequest({ origin: 'EXTERNAL', keySpec: 'Aliyun_AES_256' }));
    const keyId = created.keyMetadata.keyId;
    const r = await engine({ keyId }).up();
    assert.deepEqual(ops(r), ['create']);
    assert.equal(r.steps[0].id, keyId);
    await provesMaterial(keyId, scene.material);
    const refused = await failedRun(engine({ keyId }, randomBytes(32)).up());
    assert.match(refused.error ?? JSON.stringify(refused.diagnostics), /new key|adopted/i);
    const destroyed = await engine({ keyId }).destroy();
    assert.deepEqual(ops(destroyed), ['delete']);
    assert.equal((await describe_(keyId)).keyState, 'PendingImport');
  });

  it('imports into an Aliyun_SM4 (HSM) key with SM2PKE', async () => {
    const sm4 = randomBytes(16);
    const r = await engine({ keySpec: 'Aliyun_SM4', wrappingAlgorithm: 'SM2PKE' }, sm4).up();
    const m = await describe_(r.steps[0].id!);
    assert.equal(m.keyState, 'Enabled');
    assert.equal(m.protectionLevel, 'HSM');
    const sealed = await client().encrypt(new $Kms.EncryptRequest({ keyId: m.keyId, plaintext: 'sm4' }));
    assert.equal((await client().decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }))).plaintext, 'sm4');
  });

  it('creates an HSM Aliyun_AES_256 key (protectionLevel HSM) and imports SM2PKE-wrapped material (EC_SM2)', async () => {
    const before = scene.emulator.requestCounts();
    const r = await engine({ protectionLevel: 'HSM', wrappingAlgorithm: 'SM2PKE' }).up();
    assert.deepEqual(ops(r), ['create']);
    const keyId = r.steps[0].id!;
    assert.equal(countsSince(before)['alibaba:ImportKeyMaterial'], 1);
    const m = await describe_(keyId);
    assert.deepEqual([m.keySpec, m.protectionLevel, m.keyState], ['Aliyun_AES_256', 'HSM', 'Enabled']);
    assert.equal(r.outputs.protectionLevel, 'HSM');
    assert.equal(engine().resource('payments-key')!.outputs.wrappingKeySpec, 'EC_SM2');
    await provesMaterial(keyId, scene.material);
    const sealed = await client().encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'round trip' }));
    assert.equal((await client().decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }))).plaintext, 'round trip');
    for (const text of [scene.storedText(), transcript(r), scene.log.join('\n')]) assert.equal(materialSeenIn(text, scene.material), false);

    assert.deepEqual(ops(await engine({ protectionLevel: 'HSM', wrappingAlgorithm: 'SM2PKE' }).up()), ['same']);
    const replaced = await engine({ protectionLevel: 'SOFTWARE', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }).up();
    assert.deepEqual(ops(replaced), ['replace'], 'the level is fixed when the key is created');
    assert.equal((await describe_(replaced.steps[0].id!)).protectionLevel, 'SOFTWARE');
    assert.equal((await describe_(keyId)).keyState, 'PendingDeletion');
  });

  it('reports the default levels: SOFTWARE for Aliyun_AES_256, HSM for Aliyun_SM4; leaving the argument out is no change', async () => {
    const aes = await engine().up();
    assert.equal(aes.outputs.protectionLevel, 'SOFTWARE');
    assert.equal((await describe_(aes.steps[0].id!)).protectionLevel, 'SOFTWARE');
    assert.deepEqual(ops(await engine({ protectionLevel: 'SOFTWARE' }).up()), ['same'], 'the default written out is the same key');
    scene.stateFile = path.join(scene.dir, 'sm4.json');
    const sm4 = await engine({ keySpec: 'Aliyun_SM4' }, randomBytes(16)).up();
    assert.equal(sm4.outputs.protectionLevel, 'HSM');
  });

  it('fails in preview, before any call, on a protection level Alibaba would refuse, naming the field and what is allowed', async () => {
    const before = scene.emulator.requestCounts();
    const sm4 = await failedRun(engine({ keySpec: 'Aliyun_SM4', protectionLevel: 'SOFTWARE' }, randomBytes(16)).preview());
    assert.match(transcript(sm4), /protectionLevel.*"SOFTWARE" is not allowed for Aliyun_SM4 keys; alicloud Aliyun_SM4 keys take HSM/);
    scene.stateFile = path.join(scene.dir, 'bad-level.json');
    const bad = await failedRun(engine({ protectionLevel: 'DEDICATED' }).preview());
    assert.match(transcript(bad), /protectionLevel.*take SOFTWARE or HSM/);
    scene.stateFile = path.join(scene.dir, 'software-sm2.json');
    const software = await failedRun(engine({ protectionLevel: 'SOFTWARE', wrappingAlgorithm: 'SM2PKE' }).preview());
    assert.match(transcript(software), /wrappingAlgorithm.*SM2PKE for Aliyun_AES_256 keys with protectionLevel SOFTWARE/);
    assert.deepEqual(countsSince(before), {});
  });

  it('fails in preview, before any call, on what Alibaba would refuse', async () => {
    const before = scene.emulator.requestCounts();
    for (const [config, field] of [
      [{ keySpec: 'SYMMETRIC_DEFAULT' }, /keySpec/],
      [{ wrappingAlgorithm: 'SM2PKE' }, /wrappingAlgorithm/],
      [{ wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' }, /wrappingAlgorithm/],
      [{ deletionWindowInDays: '400' }, /deletionWindowInDays/],
      [{ expiresAt: new Date(Date.now() - DAY_MS).toISOString() }, /expiresAt/], // check uses this machine's clock
    ] as Array<[Record<string, string>, RegExp]>) {
      scene.stateFile = path.join(scene.dir, `${Object.keys(config)[0]}.json`); // the harness keeps stack config in the state
      const result = await failedRun(engine(config).preview());
      assert.match(transcript(result), field, `${JSON.stringify(config)}: ${transcript(result)}`);
    }
    scene.stateFile = path.join(scene.dir, 'short-material.json');
    const short = await failedRun(engine({}, randomBytes(16)).preview());
    assert.match(transcript(short), /keyMaterial/);
    assert.deepEqual(countsSince(before), {});
  });

  it('destroys a created key by scheduling its deletion with the chosen window', async () => {
    const keyId = (await engine({ deletionWindowInDays: '7' }).up()).steps[0].id!;
    const destroyedFrom = scene.emulator.clock.now();
    const r = await engine({ deletionWindowInDays: '7' }).destroy();
    const destroyedBy = scene.emulator.clock.now();
    assert.deepEqual(ops(r), ['delete']);
    const m = await describe_(keyId);
    assert.equal(m.keyState, 'PendingDeletion');
    // 7 days from the ScheduleKeyDeletion call (DeleteDate is to the second): the CLI still saves and exports the state after it, for a second or two.
    const due = Date.parse(m.deleteDate) - 7 * DAY_MS;
    assert.ok(due >= destroyedFrom - 1000 && due <= destroyedBy, `deleteDate ${m.deleteDate} is not 7 days after the destroy (${new Date(destroyedFrom).toISOString()} to ${new Date(destroyedBy).toISOString()})`);
    assert.equal(engine().state().resources.filter((x) => x.type !== 'pulumi:pulumi:Stack').length, 0);
  });

  it('finishes a partly created key on the next up instead of creating another', async () => {
    // More failures than the adapter's retries: the import fails for good this time.
    scene.emulator.faults.add({ target: 'alibaba:ImportKeyMaterial', failNext: 50, failStatus: 503 });
    const before = scene.emulator.requestCounts();
    const failed = await failedRun(engine().up());
    assert.match(failed.error ?? transcript(failed), /ServiceUnavailableTemporary/);
    const partial = engine().resource('payments-key');
    assert.ok(partial?.id, 'the key is in the state');
    assert.equal((await describe_(partial!.id!)).keyState, 'PendingImport');
    scene.emulator.faults.clear();

    const r = await engine().up();
    assert.equal(r.steps[0].id, partial!.id);
    assert.equal(countsSince(before)['alibaba:CreateKey'], 1);
    assert.equal((await describe_(partial!.id!)).keyState, 'Enabled');
    await provesMaterial(partial!.id!, scene.material);
    for (const text of [scene.storedText(), transcript(failed), scene.log.join('\n')]) assert.equal(materialSeenIn(text, scene.material), false);
  });

  it('believes DescribeKey when the ImportKeyMaterial reply is lost after the work was done', async () => {
    scene.emulator.faults.add({ target: 'alibaba:ImportKeyMaterial', dropNext: 1 });
    const before = scene.emulator.requestCounts();
    const r = await engine().up();
    assert.deepEqual(ops(r), ['create']);
    assert.equal(countsSince(before)['alibaba:ImportKeyMaterial'], 1, 'not sent again');
    assert.equal((await describe_(r.steps[0].id!)).keyState, 'Enabled');
    await provesMaterial(r.steps[0].id!, scene.material);
  });

  for (const killed of kind === 'pulumi CLI' ? (['host', 'cli'] as const) : (['host'] as const)) {
    it(`a create whose ${killed === 'cli' ? 'CLI (`pulumi up`) and provider host are' : 'provider host is'} killed between CreateKey and ImportKeyMaterial is finished by the next up in that key: one key, Enabled, the material, its alias and description, no marker left`, async () => {
      const settings = { alias: 'alias/interrupted', description: 'payments' };
      const { keyId, runs } = await upAfterInterruptedCreate({
        scene, keyCount: () => scene.emulator.store.listKeys('alibaba', 'cn-hangzhou').length, slowOp: 'alibaba:GetParametersForImport', createOp: 'CreateKey',
        recorded: () => engine().resource('payments-key'), cancel: () => (engine() as unknown as { cancel(): string }).cancel(),
      }, () => engine(settings).up(), killed);
      const m = await describe_(keyId);
      assert.deepEqual([m.keyState, m.description], ['Enabled', 'payments']);
      await provesMaterial(keyId, scene.material);
      assert.deepEqual(scene.emulator.store.listAliases('alibaba', 'cn-hangzhou', keyId).map((a) => a.name), ['alias/interrupted'], 'the marker alias is gone');
      assert.equal(engine().resource('payments-key')!.outputs.description, 'payments');
      assert.ok((await engine(settings).preview({ refresh: true, expectNoChanges: true })).ok);
      for (const text of [scene.storedText(), ...runs.map((r) => transcript(r) + JSON.stringify(r)), scene.log.join('\n')]) assert.equal(materialSeenIn(text, scene.material), false);
    });
  }

  it('runs examples/alicloud against the emulator: up creates the key with its alias, destroy schedules its deletion', async () => {
    const example = scene.engineFor(path.join(__dirname, '..', '..', '..', 'examples', 'alicloud'), CREDENTIALS);
    for (const [key, value] of Object.entries({
      'imported-key-alicloud:endpoint': scene.emulator.url,
      'imported-key-alicloud:keyMaterial': { secret: scene.material.toString('base64') },
      'imported-key-alicloud:expiresAt': inFuture(90),
      'imported-key-alicloud:alias': 'alias/example-payments',
    })) example.setConfig(key, value);
    const up = await example.up();
    const keyId = up.steps.find((s) => s.op === 'create')!.id!;
    assert.equal((await describe_('alias/example-payments')).keyId, keyId);
    assert.equal((await describe_(keyId)).keyState, 'Enabled');
    await provesMaterial(keyId, scene.material);
    await example.destroy();
    assert.equal((await describe_(keyId)).keyState, 'PendingDeletion');
  });
}));
