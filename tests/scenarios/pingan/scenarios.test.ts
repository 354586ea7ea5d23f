// The AWS issue's scenarios for cloud "pingan", once through the real Pulumi CLI and once through the engine harness
// (the real dynamic-provider host and the real ImportedKey class), against the emulator's Ping An protocol. The test's
// own Ping An client (tests/support/pingan-client.ts: its own signer, not the provider's) looks at the keys.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { decryptWithMaterial } from '../../../emulator/key-crypto';
import { transcript } from '../../../harness';
import { forEachEngine } from '../../support/engines';
import { pinganCall } from '../../support/pingan-client';
import { failedRun, materialSeenIn, namespacedConfig, ops, useScenario } from '../../support/scenario';

const AK = 'pa-test-ak';
const SK = 'pa-test-sk';
const CREDENTIALS = { PINGAN_ACCESS_KEY_ID: AK, PINGAN_ACCESS_KEY_SECRET: SK };
const DAY_MS = 86_400_000;
const programDir = path.join(__dirname, 'program');

/** Ping An's `yyyy-MM-dd HH:mm:ss` (China Standard Time, as the emulator writes it by default) → epoch ms. */
function chinaTime(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}+08:00`);
}

forEachEngine((kind) => describe(`pingan ImportedKey (${kind})`, function () {
  this.timeout(180_000); // a CLI run takes ~5 s, and some tests make ten
  const scene = useScenario({
    cloud: 'pingan',
    kind,
    tmpPrefix: 'pa-scenarios-',
    emulator: { accessKey: AK, secretKey: SK },
    projectDir: programDir,
    env: CREDENTIALS,
    config: (settings, endpoint, material) => namespacedConfig('patest', { endpoint, ...settings }, material),
  });
  const { engine, countsSince, inFuture } = scene;
  const call = async (action: string, params: Record<string, string>) => {
    const reply = await pinganCall(scene.emulator.url, action, params, { accessKeyId: AK, secret: SK });
    return reply;
  };
  const describe_ = async (keyId: string) => {
    const reply = await call('DescribeKey', { keyId });
    assert.equal(reply.body.code, 'SUCCESS', reply.text);
    return reply.body.keyMetadata;
  };
  /** Encrypt through Ping An's API, decrypt locally with the material we hold: the key has exactly that material. */
  async function provesMaterial(keyId: string, m: Buffer): Promise<void> {
    const sealed = await call('Encrypt', { keyId, plainText: 'proof' });
    assert.equal(sealed.body.code, 'SUCCESS', sealed.text);
    assert.equal(decryptWithMaterial(keyId, m, Buffer.from(sealed.body.cipherTextBlob, 'base64')).toString('utf8'), 'proof');
  }

  it('creates a key, imports the material with its expiry, and keeps the material out of state, logs and outputs', async () => {
    const expiresAt = inFuture(30);
    const before = scene.emulator.requestCounts();
    const r = await engine({ expiresAt, alias: 'payments', description: 'payments' }).up();
    assert.deepEqual(ops(r), ['create']);
    const keyId = r.steps[0].id!;
    assert.deepEqual(countsSince(before), {
      'pingan:CreateCmk': 1, 'pingan:GetParametersForImport': 1, 'pingan:ImportKeyMaterial': 1, 'pingan:DescribeKey': 1,
    });
    const m = await describe_(keyId);
    assert.equal(m.keyState, 'ENABLED');
    assert.equal(m.alias, 'payments');
    assert.equal(m.description, 'payments');
    assert.equal(chinaTime(m.materialExpireTime), Date.parse(expiresAt.replace(/\.\d{3}Z$/, 'Z')));
    assert.equal(r.outputs.keyState, 'Enabled');
    assert.equal(r.outputs.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(Date.parse(r.outputs.validTo as string), Date.parse(expiresAt));
    await provesMaterial(keyId, scene.material);

    for (const text of [scene.storedText(), transcript(r), JSON.stringify(r), scene.log.join('\n')]) {
      assert.equal(materialSeenIn(text, scene.material), false);
    }
    const resource = engine().resource('payments-key')!;
    assert.ok(JSON.stringify(resource.inputs.__provider ?? '').length < 2048);

    const beforeSecond = scene.emulator.requestCounts();
    const second = await engine({ expiresAt, alias: 'payments', description: 'payments' }).up();
    assert.deepEqual(ops(second), ['same']);
    assert.deepEqual(countsSince(beforeSecond), { 'pingan:DescribeKey': 1 });
    assert.ok((await engine({ expiresAt, alias: 'payments', description: 'payments' }).preview({ refresh: true, expectNoChanges: true })).ok);
  });

  it('imports material that never expires when expiresAt is left out', async () => {
    const r = await engine().up();
    const m = await describe_(r.steps[0].id!);
    assert.equal(m.keyState, 'ENABLED');
    assert.equal(m.materialExpireTime ?? '', '');
    assert.equal(r.outputs.expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(r.outputs.validTo, undefined);
  });

  for (const wrappingAlgorithm of ['RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5']) {
    it(`imports material wrapped with ${wrappingAlgorithm}`, async () => {
      const r = await engine({ wrappingAlgorithm }).up();
      assert.deepEqual(ops(r), ['create']);
      assert.equal((await describe_(r.steps[0].id!)).keyState, 'ENABLED');
      await provesMaterial(r.steps[0].id!, scene.material);
    });
  }

  it('fails preview before any call on what Ping An would refuse, naming the field and what is allowed', async () => {
    const before = scene.emulator.requestCounts();
    const result = await failedRun(engine({ deletionWindowInDays: '31', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' }).preview());
    const text = JSON.stringify(result.diagnostics) + result.error;
    assert.match(text, /deletionWindowInDays/);
    assert.match(text, /7 to 30|7-30|7–30/);
    assert.match(text, /wrappingAlgorithm/);
    assert.match(text, /RSAES_OAEP_SHA_256/);
    scene.stateFile = path.join(scene.dir, 'fresh-state.json');
    const short = await failedRun(engine({}, randomBytes(16)).preview());
    assert.match(JSON.stringify(short.diagnostics) + short.error, /keyMaterial/);
    assert.deepEqual(countsSince(before), {});
  });

  it('heals drift after the material expires and after an out-of-band DeleteKeyMaterial', async () => {
    const expiresAt = inFuture(1);
    const keyId = (await engine({ expiresAt }).up()).steps[0].id!;
    scene.emulator.clock.advance(2 * 86_400);
    assert.equal((await describe_(keyId)).keyState, 'PENDING_IMPORT');
    // The GitOps check: the refresh's Read (its Diff takes that describe), then the program's Diff.
    assert.deepEqual(await scene.calls(() => failedRun(engine({ expiresAt }).preview({ refresh: true, expectNoChanges: true }))), { DescribeKey: 2 });
    // Refresh: one call, the Read's DescribeKey (the refresh's Diff takes it).
    assert.deepEqual(await scene.calls(() => engine({ expiresAt }).refresh()), { DescribeKey: 1 });
    assert.equal(engine().resource('payments-key')!.outputs.keyState, 'PendingImport');

    const newExpiry = inFuture(30);
    const beforeHealed = scene.emulator.requestCounts();
    const healed = await engine({ expiresAt: newExpiry }).up();
    // 4 calls: the diff's DescribeKey (the update takes it), the import, the DescribeKey that confirms it.
    assert.deepEqual(countsSince(beforeHealed), { 'pingan:DescribeKey': 2, 'pingan:GetParametersForImport': 1, 'pingan:ImportKeyMaterial': 1 });
    assert.deepEqual(ops(healed), ['update']);
    assert.equal((await describe_(keyId)).keyState, 'ENABLED');
    await provesMaterial(keyId, scene.material);

    assert.equal((await call('DeleteKeyMaterial', { keyId })).body.code, 'SUCCESS');
    const beforeAgain = scene.emulator.requestCounts();
    const again = await engine({ expiresAt: newExpiry }).up();
    assert.deepEqual(countsSince(beforeAgain), { 'pingan:DescribeKey': 2, 'pingan:GetParametersForImport': 1, 'pingan:ImportKeyMaterial': 1 });
    assert.deepEqual(ops(again), ['update']);
    assert.equal((await describe_(keyId)).keyState, 'ENABLED');
    await provesMaterial(keyId, scene.material);
    assert.ok((await engine({ expiresAt: newExpiry }).preview({ refresh: true, expectNoChanges: true })).ok);
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
    assert.deepEqual(counts, { 'pingan:DescribeKey': 2, 'pingan:GetParametersForImport': 1, 'pingan:ImportKeyMaterial': 1 });
    assert.equal(chinaTime((await describe_(keyId)).materialExpireTime), Date.parse(newExpiry.replace(/\.\d{3}Z$/, 'Z')));
    await provesMaterial(keyId, scene.material);
  });

  it('a rolling expiry (expiresIn) on the emulator clock: renewed in place past renewBefore, healed by a plain up past expiry', async () => {
    scene.emulator.clock.set(Date.now() + 3 * DAY_MS); // apart from the machine's clock: the provider must use the cloud's
    try {
      const args = { expiresIn: 'P30D', renewBefore: 'P10D' };
      const validIn = (m: { materialExpireTime: string }, days: number, at: number) => {
        const off = chinaTime(m.materialExpireTime) - (at + days * DAY_MS);
        assert.ok(Math.abs(off) < 30_000, `materialExpireTime is ${off} ms from emulator-now + ${days} days`);
      };
      const createdAt = scene.emulator.clock.now();
      const keyId = (await engine(args).up()).steps[0].id!;
      validIn(await describe_(keyId), 30, createdAt);
      scene.emulator.clock.advance(15 * 86_400);
      assert.deepEqual(ops(await engine(args).up()), ['same']);
      scene.emulator.clock.advance(6 * 86_400);
      const renewedAt = scene.emulator.clock.now();
      const before = scene.emulator.requestCounts();
      assert.deepEqual(ops(await engine(args).up()), ['update']);
      assert.equal(countsSince(before)['pingan:DeleteKeyMaterial'], undefined, 'renewed in place');
      validIn(await describe_(keyId), 30, renewedAt);
      scene.emulator.clock.advance(31 * 86_400);
      assert.equal((await describe_(keyId)).keyState, 'PENDING_IMPORT');
      const healedAt = scene.emulator.clock.now();
      assert.deepEqual(ops(await engine(args).up()), ['update']);
      validIn(await describe_(keyId), 30, healedAt);
      await provesMaterial(keyId, scene.material);
    } finally {
      scene.emulator.clock.reset();
    }
  });

  it('replaces a created key when the material changes, and schedules the old one for deletion with the chosen window', async () => {
    const oldId = (await engine({ deletionWindowInDays: '9' }).up()).steps[0].id!;
    const next = randomBytes(32);
    const r = await engine({ deletionWindowInDays: '9' }, next).up();
    assert.deepEqual(ops(r), ['replace']);
    const newId = r.steps[0].id!;
    assert.notEqual(newId, oldId);
    await provesMaterial(newId, next);
    const old = await describe_(oldId);
    assert.equal(old.keyState, 'PENDING_DELETE');
    const days = (chinaTime(old.deleteDate) - scene.emulator.clock.now()) / DAY_MS;
    assert.ok(days > 8.99 && days <= 9, String(days));
    for (const text of [scene.storedText(), transcript(r), JSON.stringify(r), scene.log.join('\n')]) {
      assert.equal(materialSeenIn(text, scene.material) || materialSeenIn(text, next), false);
    }
  });

  it('refuses at preview, before any call, a replacement that would ask for the old key\'s alias (Ping An cannot move one); another alias replaces', async () => {
    // An alias no other test uses: the emulator lives for the whole describe, and keys keep their aliases.
    const oldId = (await engine({ alias: 'moving' }).up()).steps[0].id!;
    const next = randomBytes(32);
    const before = scene.emulator.requestCounts();
    const refused = await failedRun(engine({ alias: 'moving' }, next).preview());
    const text = `${refused.error ?? ''}${JSON.stringify(refused.diagnostics)}`;
    assert.match(text, /alias: \\?"moving\\?" stays with key/);
    assert.match(text, /give the new key another alias, or leave alias out/);
    assert.deepEqual(countsSince(before), {}, 'no call: the replacement is certain offline');
    assert.equal(materialSeenIn(text, next) || materialSeenIn(text, scene.material), false);
    const r = await engine({ alias: 'moving-2' }, next).up();
    assert.deepEqual(ops(r), ['replace']);
    assert.equal((await describe_(r.steps[0].id!)).alias, 'moving-2');
    assert.equal((await describe_(oldId)).keyState, 'PENDING_DELETE');
  });

  it('adopts an existing EXTERNAL key by id, and on destroy deletes only its material', async () => {
    const created = await call('CreateCmk', { origin: '1', keyUsage: '0', description: 'adopt me' });
    assert.equal(created.body.code, 'SUCCESS', created.text);
    const keyId = created.body.keyMetadata.keyId;
    const r = await engine({ keyId }).up();
    assert.deepEqual(ops(r), ['create']);
    assert.equal(r.steps[0].id, keyId);
    await provesMaterial(keyId, scene.material);
    const destroyed = await engine({ keyId }).destroy();
    assert.deepEqual(ops(destroyed), ['delete']);
    assert.equal((await describe_(keyId)).keyState, 'PENDING_IMPORT');
  });

  it('destroys a created key by scheduling its deletion', async () => {
    const keyId = (await engine().up()).steps[0].id!;
    const r = await engine().destroy();
    assert.deepEqual(ops(r), ['delete']);
    assert.equal((await describe_(keyId)).keyState, 'PENDING_DELETE');
    assert.equal(engine().state().resources.filter((x) => x.type !== 'pulumi:pulumi:Stack').length, 0);
  });

  it('finishes a partly created key on the next up instead of creating another', async () => {
    scene.emulator.faults.add({ target: 'pingan:ImportKeyMaterial', failNext: 1, failStatus: 500 });
    const before = scene.emulator.requestCounts();
    const failed = await failedRun(engine().up());
    assert.match(failed.error ?? '', /was created but/);
    const partial = engine().resource('payments-key');
    assert.ok(partial?.id, 'the key is in the state');
    assert.equal((await describe_(partial!.id!)).keyState, 'PENDING_IMPORT');
    const r = await engine().up();
    assert.equal(r.steps[0].id, partial!.id);
    assert.equal(countsSince(before)['pingan:CreateCmk'], 1);
    assert.equal((await describe_(partial!.id!)).keyState, 'ENABLED');
    await provesMaterial(partial!.id!, scene.material);
  });

  it('believes DescribeKey when the ImportKeyMaterial reply is lost after the work was done', async () => {
    scene.emulator.faults.add({ target: 'pingan:ImportKeyMaterial', dropNext: 1 });
    const before = scene.emulator.requestCounts();
    const r = await engine().up();
    assert.deepEqual(ops(r), ['create']);
    assert.equal(countsSince(before)['pingan:ImportKeyMaterial'], 1);
    assert.equal(r.outputs.keyState, 'Enabled');
    await provesMaterial(r.steps[0].id!, scene.material);
  });

  it('works as well when Ping An answers in the other forms its readers accept (digit states, a PKCS#1 key, epoch-ms token expiry, Alibaba field names, `msg` errors)', async () => {
    scene.emulator.dialects.set({
      cloud: 'pingan', keyState: 'digits', publicKey: 'pkcs1', tokenExpireTime: 'epochMillis', importParameterFields: 'alibaba', errorEnvelope: 'msg',
    });
    try {
      const expiresAt = inFuture(1);
      const r = await engine({ expiresAt }).up();
      assert.deepEqual(ops(r), ['create']);
      const keyId = r.steps[0].id!;
      assert.equal((await describe_(keyId)).keyState, '0', 'the emulator answers digits');
      assert.equal(r.outputs.keyState, 'Enabled');
      await provesMaterial(keyId, scene.material);
      assert.ok((await engine({ expiresAt }).preview({ refresh: true, expectNoChanges: true })).ok);
      scene.emulator.clock.advance(2 * 86_400);
      await engine({ expiresAt }).refresh();
      assert.equal(engine().resource('payments-key')!.outputs.keyState, 'PendingImport');
      const newExpiry = inFuture(30);
      assert.deepEqual(ops(await engine({ expiresAt: newExpiry }).up()), ['update']);
      assert.equal((await describe_(keyId)).keyState, '0');
      await provesMaterial(keyId, scene.material);
      // An error in the other envelope still names what went wrong (the message read from `msg`).
      const refused = await failedRun(engine({ keyId: '0a0a0a0a-0000-4000-8000-000000000000' }).up());
      assert.match(`${refused.error ?? ''}${JSON.stringify(refused.diagnostics)}`, /KeyNotFound|not found|does not exist/i);
    } finally {
      scene.emulator.dialects.clear();
    }
  });

  it('runs examples/pingan against the emulator: up creates the key with its alias, destroy schedules its deletion', async () => {
    const example = scene.engineFor(path.join(__dirname, '..', '..', '..', 'examples', 'pingan'), CREDENTIALS);
    for (const [key, value] of Object.entries({
      'imported-key-pingan:endpoint': scene.emulator.url,
      'imported-key-pingan:keyMaterial': { secret: scene.material.toString('base64') },
      'imported-key-pingan:expiresAt': inFuture(90),
    })) example.setConfig(key, value);
    const up = await example.up();
    const keyId = up.steps.find((s) => s.op === 'create')!.id!;
    const m = await describe_(keyId);
    assert.equal(m.alias, 'payments-key');
    assert.equal(m.keyState, 'ENABLED');
    await provesMaterial(keyId, scene.material);
    await example.destroy();
    assert.equal((await describe_(keyId)).keyState, 'PENDING_DELETE');
  });
}));
