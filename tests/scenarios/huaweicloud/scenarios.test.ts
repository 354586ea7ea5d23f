// The AWS issue's scenarios for cloud "huaweicloud", once through the real Pulumi CLI and once through the engine
// harness (the real dynamic-provider host and the real ImportedKey class), against the emulator's Huawei protocol.
import { strict as assert } from 'node:assert';
import { createDecipheriv, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { transcript, type RunResult } from '../../../harness';
import { huaweiCall } from '../../support/huaweicloud-client';
import { forEachEngine } from '../../support/engines';
import { upAfterInterruptedCreate } from '../../support/interrupt';
import { failedRun, materialSeenIn, namespacedConfig, ops, useScenario } from '../../support/scenario';

const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const programDir = path.join(__dirname, 'program');

/** AES-GCM open of an encrypt-data blob with the material we hold: proves the emulator's key has exactly it. */
function decryptLocally(cipherTextB64: string, material: Buffer): string {
  const blob = Buffer.from(cipherTextB64, 'base64');
  const idLength = blob[1];
  const start = 2 + idLength;
  const decipher = createDecipheriv('aes-256-gcm', material, blob.subarray(start, start + 12));
  decipher.setAAD(Buffer.from(JSON.stringify([blob.subarray(2, start).toString('utf8'), []])));
  decipher.setAuthTag(blob.subarray(start + 12, start + 28));
  return Buffer.concat([decipher.update(blob.subarray(start + 28)), decipher.final()]).toString('utf8');
}

forEachEngine((kind) => describe(`huaweicloud ImportedKey (${kind})`, function () {
  this.timeout(180_000); // a CLI run takes ~5 s, and some tests make ten
  const scene = useScenario({
    cloud: 'huawei',
    kind,
    tmpPrefix: 'hw-scenarios-',
    emulator: { accessKey: 'hw-test-ak', secretKey: 'hw-test-sk' },
    projectDir: programDir,
    env: { HUAWEICLOUD_SDK_AK: 'hw-test-ak', HUAWEICLOUD_SDK_SK: 'hw-test-sk' },
    config: (settings, endpoint, material) => namespacedConfig('hwtest', { endpoint, projectId: PROJECT, ...settings }, material),
  });
  const { engine, countsSince, inFuture } = scene;
  const call = (op: string, body: unknown) => huaweiCall(scene.emulator.url, PROJECT, op, body, { accessKey: 'hw-test-ak', secretKey: 'hw-test-sk' });
  const describe_ = async (keyId: string) => (await call('describe-key', { key_id: keyId })).body.key_info;
  async function provesMaterial(keyId: string, m: Buffer): Promise<void> {
    const sealed = await call('encrypt-data', { key_id: keyId, plain_text: 'proof' });
    assert.equal(sealed.status, 200, sealed.text);
    assert.equal(decryptLocally(sealed.body.cipher_text, m), 'proof');
  }

  it('creates a key, imports the material with its expiry, and keeps the material out of state, logs and outputs', async () => {
    const expiresAt = inFuture(30);
    const before = scene.emulator.requestCounts();
    const r = await engine({ expiresAt }).up();
    assert.deepEqual(ops(r), ['create']);
    const keyId = r.steps[0].id!;
    // The creation marker (orphan protection): one list-keys per run looks for the token first, and
    // update-key-description puts the description (none here) in place of the token at the end.
    assert.deepEqual(countsSince(before), {
      'huawei:list-keys': 1, 'huawei:create-key': 1, 'huawei:get-parameters-for-import': 1, 'huawei:import-key-material': 1, 'huawei:describe-key': 1,
      'huawei:update-key-description': 1,
    });
    const info = await describe_(keyId);
    assert.equal(info.key_state, '2');
    assert.equal(info.key_alias.length > 0, true);
    assert.equal(info.key_description, '', 'no creation token left in the description');
    assert.equal(info.expiration_time, String(Date.parse(expiresAt)));
    assert.equal(r.outputs.keyState, 'Enabled');
    assert.equal(r.outputs.validTo, expiresAt.replace(/\.\d{3}Z$/, '.000Z'));
    await provesMaterial(keyId, scene.material);

    for (const text of [scene.storedText(), transcript(r), JSON.stringify(r), scene.log.join('\n')]) {
      assert.equal(materialSeenIn(text, scene.material), false);
    }
    const resource = engine().resource('payments-key')!;
    assert.ok((JSON.stringify(resource.inputs.__provider ?? '').length) < 2048);

    const beforeSecond = scene.emulator.requestCounts();
    const second = await engine({ expiresAt }).up();
    assert.deepEqual(ops(second), ['same']);
    assert.deepEqual(countsSince(beforeSecond), { 'huawei:describe-key': 1 });
  });

  it('fails preview before any call on what Huawei would refuse, naming the field', async () => {
    const before = scene.emulator.requestCounts();
    const result = await failedRun(engine({ deletionWindowInDays: '1100', keyId: 'alias/not-a-huawei-id' }, randomBytes(16)).preview());
    assert.deepEqual(countsSince(before), {});
    const text = JSON.stringify(result.diagnostics) + result.error;
    assert.match(text, /deletionWindowInDays/);
    assert.match(text, /keyId/);
    scene.stateFile = path.join(scene.dir, 'fresh-state.json'); // the config above is kept in the first state file
    const wrongLength = await failedRun(engine({}, randomBytes(16)).preview());
    assert.match(JSON.stringify(wrongLength.diagnostics) + wrongLength.error, /keyMaterial/);
    assert.deepEqual(countsSince(before), {});
  });

  it('refuses a given alias Huawei would refuse at preview, naming alias and the pattern, before any call (a derived one is made valid)', async () => {
    const before = scene.emulator.requestCounts();
    const result = await failedRun(engine({ alias: 'payments key.prod' }).preview());
    assert.deepEqual(countsSince(before), {});
    const text = JSON.stringify(result.diagnostics) + result.error;
    assert.match(text, /alias/);
    assert.ok(text.includes('^[a-zA-Z0-9:/_-]{1,255}$'), text);
    scene.stateFile = path.join(scene.dir, 'valid-alias-state.json');
    const created = await engine({ alias: 'prod/payments:key_1' }).up();
    assert.equal((await describe_(created.steps[0].id!)).key_alias, 'prod/payments:key_1', 'a valid alias is sent as it is');
  });

  it('heals drift after the material expires and after delete-imported-key-material', async () => {
    const expiresAt = inFuture(1);
    const keyId = (await engine({ expiresAt }).up()).steps[0].id!;

    scene.emulator.clock.advance(2 * 86_400);
    assert.equal((await describe_(keyId)).key_state, '5');
    const beforeCheck = scene.emulator.requestCounts();
    const drifted = await failedRun(engine({ expiresAt: inFuture(30) }).preview({ refresh: true, expectNoChanges: true }));
    // The GitOps check: the refresh's Read (its Diff takes that describe), then the program's Diff.
    assert.deepEqual(countsSince(beforeCheck), { 'huawei:describe-key': 2 });
    assert.equal(drifted.ok, false);
    const beforeRefresh = scene.emulator.requestCounts();
    const refreshed = await engine({ expiresAt }).refresh();
    // Refresh: one call, the Read's describe-key (the refresh's Diff takes it).
    assert.deepEqual(countsSince(beforeRefresh), { 'huawei:describe-key': 1 });
    assert.equal(engine().resource('payments-key')!.outputs.keyState, 'PendingImport', JSON.stringify(refreshed.steps));

    const newExpiry = inFuture(30);
    const beforeHealed = scene.emulator.requestCounts();
    const healed = await engine({ expiresAt: newExpiry }).up();
    // 4 calls (nothing to delete: the material expired): the diff's describe-key (the update takes it), the import, the describe that confirms it.
    assert.deepEqual(countsSince(beforeHealed), { 'huawei:describe-key': 2, 'huawei:get-parameters-for-import': 1, 'huawei:import-key-material': 1 });
    assert.deepEqual(ops(healed), ['update']);
    assert.equal((await describe_(keyId)).key_state, '2');
    await provesMaterial(keyId, scene.material);

    // Out-of-band delete of the material: the next up imports the same material again.
    assert.equal((await call('delete-imported-key-material', { key_id: keyId })).status, 200);
    const before = scene.emulator.requestCounts();
    const again = await engine({ expiresAt: newExpiry }).up();
    assert.deepEqual(ops(again), ['update']);
    assert.equal(countsSince(before)['huawei:delete-imported-key-material'], undefined, 'nothing left to delete');
    assert.deepEqual(countsSince(before), { 'huawei:describe-key': 2, 'huawei:get-parameters-for-import': 1, 'huawei:import-key-material': 1 });
    assert.equal((await describe_(keyId)).key_state, '2');
    await provesMaterial(keyId, scene.material);
    const quiet = await engine({ expiresAt: newExpiry }).preview({ refresh: true, expectNoChanges: true });
    assert.ok(quiet.ok);
  });

  it('changes the expiry by deleting the material and importing it again, parameters fetched first', async () => {
    const keyId = (await engine({ expiresAt: inFuture(10) }).up()).steps[0].id!;
    const newExpiry = inFuture(40);
    const before = scene.emulator.requestCounts();
    // Instrumentation only (the real store methods run): the order of the import steps and when the key had no material.
    const store = scene.emulator.store;
    const originals = { params: store.createImportParameters.bind(store), del: store.deleteMaterial.bind(store), imp: store.importMaterial.bind(store) };
    const events: Array<[string, bigint]> = [];
    store.createImportParameters = (...a) => { const out = originals.params(...a); events.push(['parameters', process.hrtime.bigint()]); return out; };
    store.deleteMaterial = (ref) => { const out = originals.del(ref); events.push(['deleted', process.hrtime.bigint()]); return out; };
    store.importMaterial = (ref, input) => { const out = originals.imp(ref, input); events.push(['imported', process.hrtime.bigint()]); return out; };
    let r: RunResult;
    try {
      r = await engine({ expiresAt: newExpiry }).up();
    } finally {
      Object.assign(store, { createImportParameters: originals.params, deleteMaterial: originals.del, importMaterial: originals.imp });
    }
    assert.deepEqual(events.map(([e]) => e), ['parameters', 'deleted', 'imported'], 'parameters fetched (and material wrapped) before the delete');
    const windowMs = Number(events[2][1] - events[1][1]) / 1e6;
    // eslint-disable-next-line no-console
    console.log(`      expiry change through the engine: key without material for ${windowMs.toFixed(1)} ms (emulator side, loopback)`);
    assert.deepEqual(ops(r), ['update']);
    assert.equal(r.steps[0].id, keyId);
    const counts = countsSince(before);
    // 4 calls + the delete Huawei needs before a reimport: the diff's describe-key (the update takes it), the import, the describe that confirms it.
    assert.deepEqual(counts, {
      'huawei:describe-key': 2, 'huawei:get-parameters-for-import': 1, 'huawei:delete-imported-key-material': 1, 'huawei:import-key-material': 1,
    });
    assert.equal((await describe_(keyId)).expiration_time, String(Date.parse(newExpiry)));
    await provesMaterial(keyId, scene.material);
  });

  it('changes the expiry in one up when the imports after the delete fail at first (500, request lost, reply lost): fresh parameters each time', async () => {
    const keyId = (await engine({ expiresAt: inFuture(10) }).up()).steps[0].id!;
    const newExpiry = inFuture(40);
    // Rules on one target take turns: the 1st and 2nd imports answer 500, the 3rd is lost before any work, the 4th is
    // done and its reply lost (DescribeKey must settle it: a 5th import would be refused, the key no longer pending import).
    scene.emulator.faults.add({ target: 'huawei:import-key-material', failNext: 2, failStatus: 500 });
    scene.emulator.faults.add({ target: 'huawei:import-key-material', resetNext: 1 });
    scene.emulator.faults.add({ target: 'huawei:import-key-material', dropNext: 1 });
    const before = scene.emulator.requestCounts();
    const r = await engine({ expiresAt: newExpiry }).up();
    assert.deepEqual(ops(r), ['update']);
    assert.deepEqual(scene.emulator.faults.list(), [], 'every fault fired');
    const counts = countsSince(before);
    assert.equal(counts['huawei:delete-imported-key-material'], 1);
    assert.equal(counts['huawei:import-key-material'], 4);
    assert.equal(counts['huawei:get-parameters-for-import'], 4, 'fresh parameters for every attempt');
    assert.equal(counts['huawei:create-key'], undefined);
    assert.equal(engine().resource('payments-key')!.outputs.keyState, 'Enabled');
    assert.equal((await describe_(keyId)).key_state, '2');
    assert.equal((await describe_(keyId)).expiration_time, String(Date.parse(newExpiry)));
    await provesMaterial(keyId, scene.material);
  });

  it('an import after the delete that fails for good: the error says the material was deleted, the stack records PendingImport, the next up imports it into the same key', async () => {
    const keyId = (await engine({ expiresAt: inFuture(10) }).up()).steps[0].id!;
    const newExpiry = inFuture(40);
    scene.emulator.faults.add({ target: 'huawei:import-key-material', failNext: 1000, failStatus: 500 });
    const before = scene.emulator.requestCounts();
    const failed = await failedRun(engine({ expiresAt: newExpiry }).up());
    const counts = countsSince(before);
    assert.equal(counts['huawei:delete-imported-key-material'], 1);
    assert.equal(counts['huawei:import-key-material'], 6, 'tried again within the step, then gave up');
    const text = `${failed.error ?? ''}\n${transcript(failed)}`;
    assert.match(text, /its key material was deleted/);
    assert.match(text, /left pending import — unusable until its material is imported/);
    assert.match(text, /the next `pulumi up` imports the material again into this same key/);
    assert.equal(materialSeenIn(text + scene.storedText(), scene.material), false);
    // The stack says what the cloud has: the key without material.
    assert.equal((await describe_(keyId)).key_state, '5');
    const recorded = engine().resource('payments-key')!;
    assert.equal(recorded.id, keyId);
    assert.equal(recorded.outputs.keyState, 'PendingImport');
    assert.equal(recorded.outputs.validTo, undefined);
    scene.emulator.faults.clear();
    const refreshed = await engine({ expiresAt: newExpiry }).refresh();
    assert.ok(refreshed.ok);
    assert.equal(engine().resource('payments-key')!.outputs.keyState, 'PendingImport', 'refresh agrees');
    await failedRun(engine({ expiresAt: newExpiry }).preview({ refresh: true, expectNoChanges: true }));

    const healed = await engine({ expiresAt: newExpiry }).up();
    assert.deepEqual(ops(healed), ['update']);
    assert.equal(healed.steps[0].id, keyId);
    assert.equal(engine().resource('payments-key')!.outputs.keyState, 'Enabled');
    assert.equal((await describe_(keyId)).key_state, '2');
    assert.equal((await describe_(keyId)).expiration_time, String(Date.parse(newExpiry)));
    await provesMaterial(keyId, scene.material);
    assert.ok((await engine({ expiresAt: newExpiry }).preview({ refresh: true, expectNoChanges: true })).ok);
  });

  describe('describes that lag behind changes (eventual consistency)', () => {
    afterEach(() => scene.emulator.consistency.clear());

    it('up, then at once preview --refresh --expect-no-changes and refresh: no change, the key stays, Enabled', async () => {
      scene.emulator.consistency.setDelay('huawei', 700);
      const keyId = (await engine().up()).steps[0].id!;
      assert.ok((await engine().preview({ refresh: true, expectNoChanges: true })).ok);
      await engine().refresh();
      assert.equal(engine().resource('payments-key')?.id, keyId);
      assert.equal(engine().resource('payments-key')!.outputs.keyState, 'Enabled');
    });

    it('a key recorded by a create that failed before any describe, refreshed while describes still say NotFound: kept, then finished by up', async () => {
      // Describes see the key 15 s after CreateKey (no later: the refresh gives a NotFound 15 s from its read); the
      // parameters are refused (503, every attempt) so the create fails at once, recording the key pending import
      // without ever describing it.
      scene.emulator.consistency.setDelay('huawei', 15_000);
      scene.emulator.faults.add({ target: 'huawei:get-parameters-for-import', failNext: 4, failStatus: 503 });
      const failed = await failedRun(engine().up());
      assert.match(failed.error ?? '', /was created but its material is not imported yet/);
      const keyId = engine().resource('payments-key')!.id!;
      assert.equal((await describe_(keyId)), undefined, 'describes do not see the key yet');
      const describes = await scene.calls(() => engine().refresh());
      assert.ok((describes['describe-key'] ?? 0) >= 2, 'the refresh met a NotFound and asked again');
      assert.equal(engine().resource('payments-key')?.id, keyId, 'refresh kept the key the cloud has');
      assert.equal(engine().resource('payments-key')!.outputs.keyState, 'PendingImport');
      scene.emulator.consistency.clear();
      const finished = await engine().up();
      assert.equal(finished.steps[0].id, keyId);
      assert.equal((await describe_(keyId)).key_state, '2');
      await provesMaterial(keyId, scene.material);
    });

    it('a key deleted out of band is still dropped by refresh (after the 15 s a NotFound is given to show itself wrong)', async () => {
      scene.emulator.consistency.setDelay('huawei', 700);
      const keyId = (await engine().up()).steps[0].id!;
      const store = scene.emulator.store;
      const snapshot = store.snapshot();
      store.restore({ ...snapshot, keys: snapshot.keys.filter((k) => k.id !== keyId), aliases: snapshot.aliases.filter((a) => a.keyId !== keyId) });
      const started = Date.now();
      await engine().refresh();
      assert.equal(engine().resource('payments-key'), undefined);
      assert.ok(Date.now() - started >= 15_000, 'the NotFound was asked again before it was believed');
    });

    it('a lost import reply while describes lag 2 s: the create waits for the import to show and ends Enabled, one import call', async () => {
      scene.emulator.consistency.setDelay('huawei', 2000);
      scene.emulator.faults.add({ target: 'huawei:import-key-material', dropNext: 1 });
      const before = scene.emulator.requestCounts();
      const r = await engine().up();
      assert.deepEqual(ops(r), ['create']);
      assert.equal(countsSince(before)['huawei:import-key-material'], 1);
      assert.equal(r.outputs.keyState, 'Enabled');
      await provesMaterial(r.steps[0].id!, scene.material);
    });
  });

  it('replaces a created key when the material changes, and schedules the old one for deletion in 7 days', async () => {
    const oldId = (await engine().up()).steps[0].id!;
    const next = randomBytes(32);
    const r = await engine({}, next).up();
    assert.deepEqual(ops(r), ['replace']);
    const newId = r.steps[0].id!;
    assert.notEqual(newId, oldId);
    await provesMaterial(newId, next);
    const old = await describe_(oldId);
    assert.equal(old.key_state, '4');
    const days = (Number(old.scheduled_deletion_date) - scene.emulator.clock.now()) / 86_400_000;
    assert.ok(days > 6.99 && days <= 7, String(days));
  });

  it('adopts an existing external key, and on destroy deletes only its material', async () => {
    const created = await call('create-key', { key_alias: 'adopt-me', key_spec: 'AES_256', origin: 'external' });
    const keyId = created.body.key_info.key_id;
    const r = await engine({ keyId }).up();
    assert.deepEqual(ops(r), ['create']);
    assert.equal(r.steps[0].id, keyId);
    await provesMaterial(keyId, scene.material);
    const destroyed = await engine({ keyId }).destroy();
    assert.deepEqual(ops(destroyed), ['delete']);
    assert.equal((await describe_(keyId)).key_state, '5');
  });

  it('destroys a created key by scheduling its deletion', async () => {
    const keyId = (await engine().up()).steps[0].id!;
    const r = await engine().destroy();
    assert.deepEqual(ops(r), ['delete']);
    assert.equal((await describe_(keyId)).key_state, '4');
    assert.equal(engine().state().resources.filter((x) => x.type !== 'pulumi:pulumi:Stack').length, 0);
  });

  it('runs examples/huaweicloud against the emulator: up creates the key with the alias, destroy schedules its deletion', async () => {
    const example = scene.engineFor(path.join(__dirname, '..', '..', '..', 'examples', 'huaweicloud'), { HUAWEICLOUD_SDK_AK: 'hw-test-ak', HUAWEICLOUD_SDK_SK: 'hw-test-sk' });
    for (const [key, value] of Object.entries({
      'imported-key-huaweicloud:endpoint': scene.emulator.url,
      'imported-key-huaweicloud:projectId': PROJECT,
      'imported-key-huaweicloud:keyMaterial': { secret: scene.material.toString('base64') },
      'imported-key-huaweicloud:expiresAt': inFuture(90),
    })) example.setConfig(key, value);
    const up = await example.up();
    const keyId = up.steps.find((s) => s.op === 'create')!.id!;
    const info = await describe_(keyId);
    assert.equal(info.key_alias, 'payments-key');
    assert.equal(info.key_state, '2');
    await provesMaterial(keyId, scene.material);
    await example.destroy();
    assert.equal((await describe_(keyId)).key_state, '4');
  });

  it('finishes a partly created key on the next up instead of creating another', async () => {
    scene.emulator.faults.add({ target: 'huawei:import-key-material', failNext: 1, failStatus: 500 });
    const before = scene.emulator.requestCounts();
    const failed = await failedRun(engine().up());
    assert.match(failed.error ?? '', /KMS\.0105|was created but/);
    const partial = engine().resource('payments-key');
    assert.ok(partial?.id, 'the key is in the state');
    assert.equal((await describe_(partial!.id!)).key_state, '5');

    const r = await engine().up();
    assert.equal(r.steps[0].id, partial!.id);
    assert.equal(countsSince(before)['huawei:create-key'], 1);
    assert.equal((await describe_(partial!.id!)).key_state, '2');
    await provesMaterial(partial!.id!, scene.material);
  });
  for (const killed of kind === 'pulumi CLI' ? (['host', 'cli'] as const) : (['host'] as const)) {
    it(`a create whose ${killed === 'cli' ? 'CLI (`pulumi up`) and provider host are' : 'provider host is'} killed between create-key and import-key-material is finished by the next up in that key: one key, Enabled, the material, the alias it was created with, its description`, async () => {
      const settings = { description: 'payments' };
      const { keyId, runs } = await upAfterInterruptedCreate({
        scene, keyCount: () => scene.emulator.store.listKeys('huawei', PROJECT).length, slowOp: 'huawei:get-parameters-for-import', createOp: 'create-key',
        recorded: () => engine().resource('payments-key'), cancel: () => (engine() as unknown as { cancel(): string }).cancel(),
      }, () => engine(settings).up(), killed);
      const info = await describe_(keyId);
      assert.deepEqual([info.key_state, info.key_description], ['2', 'payments']);
      await provesMaterial(keyId, scene.material);
      // The alias was derived (random suffix) by the killed run; the next run derived another, but records the key's.
      assert.match(info.key_alias, /^payments-key-[0-9a-f]{7}$/);
      assert.equal(engine().resource('payments-key')!.outputs.alias, info.key_alias);
      assert.ok((await engine(settings).preview({ refresh: true, expectNoChanges: true })).ok);
      for (const text of [scene.storedText(), ...runs.map((r) => transcript(r) + JSON.stringify(r)), scene.log.join('\n')]) assert.equal(materialSeenIn(text, scene.material), false);
    });
  }

  it('derives key_alias from the resource name when none is given (name made valid + random suffix), keeps it, and a replacement gets its own', async () => {
    scene.stateFile = path.join(scene.dir, 'alias-state.json');
    const first = await engine({ name: 'payments key.v2' }).up();
    const keyId = first.steps[0].id!;
    const alias = (await describe_(keyId)).key_alias as string;
    assert.match(alias, /^payments-key-v2-[0-9a-f]{7}$/);
    assert.equal(engine({ name: 'payments key.v2' }).resource('payments key.v2')!.outputs.alias, alias, 'recorded in outputs');
    assert.equal(first.outputs.alias, alias);

    const before = scene.emulator.requestCounts();
    assert.deepEqual(ops(await engine({ name: 'payments key.v2' }).up()), ['same'], 'the derived alias is not a change');
    assert.deepEqual(countsSince(before), { 'huawei:describe-key': 1 });

    const replaced = await engine({ name: 'payments key.v2' }, randomBytes(32)).up();
    assert.deepEqual(ops(replaced), ['replace']);
    const newAlias = (await describe_(replaced.steps[0].id!)).key_alias as string;
    assert.match(newAlias, /^payments-key-v2-[0-9a-f]{7}$/);
    assert.notEqual(newAlias, alias, 'created before the old key is deleted: another suffix');
    assert.equal((await describe_(keyId)).key_alias, alias);
  });

  it('a rolling expiry (expiresIn) on the emulator clock: renewed by delete + import past renewBefore, healed by a plain up past expiry', async () => {
    scene.stateFile = path.join(scene.dir, 'rolling-state.json');
    scene.emulator.clock.set(Date.now() + 3 * 86_400_000); // apart from the machine's clock: the provider must use the cloud's
    try {
      const validIn = (keyInfo: { expiration_time: string }, days: number, at: number) => {
        const off = Number(keyInfo.expiration_time) - (at + days * 86_400_000);
        assert.ok(Math.abs(off) < 30_000, `expiration_time is ${off} ms from emulator-now + ${days} days`);
      };
      const createdAt = scene.emulator.clock.now();
      const keyId = (await engine({ expiresIn: 'P30D', renewBefore: 'P10D' }).up()).steps[0].id!;
      validIn(await describe_(keyId), 30, createdAt);

      scene.emulator.clock.advance(15 * 86_400); // 15 days left > 10
      const before = scene.emulator.requestCounts();
      assert.deepEqual(ops(await engine({ expiresIn: 'P30D', renewBefore: 'P10D' }).up()), ['same']);
      assert.deepEqual(countsSince(before), { 'huawei:describe-key': 1 });

      scene.emulator.clock.advance(6 * 86_400); // 9 days left < 10
      await failedRun(engine({ expiresIn: 'P30D', renewBefore: 'P10D' }).preview({ refresh: true, expectNoChanges: true }));
      const renewedAt = scene.emulator.clock.now();
      const beforeRenewal = scene.emulator.requestCounts();
      assert.deepEqual(ops(await engine({ expiresIn: 'P30D', renewBefore: 'P10D' }).up()), ['update']);
      const renewal = countsSince(beforeRenewal);
      assert.equal(renewal['huawei:delete-imported-key-material'], 1, 'Huawei reimports delete-first');
      assert.equal(renewal['huawei:import-key-material'], 1);
      validIn(await describe_(keyId), 30, renewedAt);
      await provesMaterial(keyId, scene.material);

      scene.emulator.clock.advance(31 * 86_400);
      assert.equal((await describe_(keyId)).key_state, '5');
      const healedAt = scene.emulator.clock.now();
      const beforeHeal = scene.emulator.requestCounts();
      assert.deepEqual(ops(await engine({ expiresIn: 'P30D', renewBefore: 'P10D' }).up()), ['update']);
      assert.equal(countsSince(beforeHeal)['huawei:delete-imported-key-material'], undefined, 'nothing to delete after expiry');
      const healed = await describe_(keyId);
      assert.equal(healed.key_state, '2');
      validIn(healed, 30, healedAt);
      await provesMaterial(keyId, scene.material);
    } finally {
      scene.emulator.clock.reset();
    }
  });
}));
