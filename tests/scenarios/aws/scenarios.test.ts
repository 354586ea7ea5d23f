// The scenarios end to end: the ImportedKey program → the real dynamic-provider host
// (engine-protocol harness, tests/engine) → the AWS SDK → the emulator.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSecret, type RunResult } from '../../../harness';
import { forEachEngine, type StackEngine } from '../../support/engines';
import { AwsKmsAdapter } from '../../../provider/clouds/aws/adapter';
import { changeOps, failedRun, materialSeenIn } from '../../support/scenario';
import { useAwsKeyScenario } from './key-scenario';
import { useAwsEnvironment } from '../../support/aws-environment';

const DAY = 86_400_000;

forEachEngine((kind) => describe(`ImportedKey on AWS against the emulator (${kind})`, function () {
  this.timeout(180_000);
  const scene = useAwsKeyScenario('imported-key-', kind);
  const { emu, engine, configure, calls } = scene;
  useAwsEnvironment();
  let adapter: AwsKmsAdapter;
  const seen: string[] = [];

  beforeEach(() => {
    adapter = new AwsKmsAdapter({ region: 'us-east-1', endpoint: emu.url });
  });
  afterEach(() => {
    adapter.destroy();
  });

  function newMaterial(): string {
    const material = randomBytes(32).toString('base64');
    seen.push(material);
    return material;
  }

  const stateOf = (e: StackEngine) => e.resource('key')!;
  const output = (e: StackEngine, name: string) => {
    const value = stateOf(e).outputs[name] as unknown;
    return isSecret(value) ? (value as { value: unknown }).value : value;
  };

  /** No run output, state file or emulator log line may contain any material used in these tests. */
  function assertNoMaterial(results: RunResult[], e?: StackEngine): void {
    const texts = [...results.map((r) => JSON.stringify(r)), scene.log.join('\n')];
    if (e) {
      texts.push(scene.storedText());
      // Decrypted: only the keyMaterial input (a secret) may hold it; every output must not.
      texts.push(JSON.stringify(e.state().resources.map((r) => r.outputs)));
    }
    for (const material of seen) {
      for (const text of texts) assert.ok(!materialSeenIn(text, Buffer.from(material, 'base64')), 'key material leaked');
    }
  }

  it('creates a key (4 API calls + 3 for the creation marker), keeps material and digest secret, __provider < 2 KB; a second up changes nothing', async () => {
    const e = engine({}, newMaterial());
    let up: RunResult | undefined;
    const created = await calls(async () => (up = await e.up()));
    assert.deepEqual(changeOps(up!), ['create']);
    // 4 calls make the key; a marker alias (made, then removed) and one listing of aliases per run make an
    // interrupted create findable by the next run (provider/creation-token.ts).
    assert.deepEqual(created, { ListAliases: 1, CreateKey: 1, CreateAlias: 1, GetParametersForImport: 1, ImportKeyMaterial: 1, DescribeKey: 1, DeleteAlias: 1 });
    const state = stateOf(e);
    assert.equal(output(e, 'keyState'), 'Enabled');
    assert.ok(isSecret(state.inputs.keyMaterial), 'keyMaterial input is secret in state');
    assert.ok(isSecret(state.outputs.materialDigest), 'materialDigest output is secret in state');
    assert.ok(!('keyMaterial' in state.outputs), 'no material among the outputs');
    const provider = state.inputs.__provider as string;
    assert.ok(Buffer.byteLength(provider) < 2048, `__provider is ${Buffer.byteLength(provider)} bytes`);
    const live = await adapter.describeKey(output(e, 'keyId') as string);
    assert.equal(live!.keyState, 'Enabled');

    let again: RunResult | undefined;
    assert.deepEqual(await calls(async () => (again = await e.up())), { DescribeKey: 1 });
    assert.deepEqual(changeOps(again!), ['same']);
    const preview = await e.preview({ refresh: true, expectNoChanges: true });
    assert.ok(preview.ok);
    assertNoMaterial([up!, again!, preview], e);
  });

  it('check failures stop preview before anything is created, naming the field', async () => {
    const e = engine({ deletionWindowInDays: 3, expiresAt: new Date(Date.now() + 400 * DAY).toISOString() }, newMaterial());
    let result: RunResult | undefined;
    const made = await calls(async () => (result = await failedRun(e.preview())));
    assert.deepEqual(made, {});
    const text = JSON.stringify(result!.diagnostics) + result!.error;
    assert.match(text, /deletionWindowInDays/);
    assert.match(text, /expiresAt/);
  });

  it('heals drift: out-of-band DeleteImportedKeyMaterial fails preview --refresh --expect-no-changes; plain up reimports', async () => {
    const e = engine({}, newMaterial());
    await e.up();
    const keyId = output(e, 'keyId') as string;
    await adapter.deleteMaterial(keyId);
    let preview: RunResult | undefined;
    // The GitOps check: the refresh's Read (its Diff takes that describe), then the program's Diff.
    const checked = await calls(async () => (preview = await failedRun(e.preview({ refresh: true, expectNoChanges: true }))));
    assert.deepEqual(checked, { DescribeKey: 2 });
    assert.match(preview!.error ?? '', /no changes were expected/);
    let up: RunResult | undefined;
    const healed = await calls(async () => (up = await e.up()));
    assert.deepEqual(changeOps(up!), ['update']);
    // 4 calls: the diff's DescribeKey (the update takes it), the import, the DescribeKey that confirms it.
    assert.deepEqual(healed, { DescribeKey: 2, GetParametersForImport: 1, ImportKeyMaterial: 1 });
    assert.equal((await adapter.describeKey(keyId))!.keyState, 'Enabled');
    assert.equal(output(e, 'keyId'), keyId);
  });

  it('heals expiry: refresh shows PendingImport after the clock passes expiresAt; up with a later expiresAt reimports the same material', async () => {
    const material = newMaterial();
    const e = engine({ expiresAt: new Date(Date.now() + 2 * DAY).toISOString() }, material);
    await e.up();
    const keyId = output(e, 'keyId') as string;
    await emu.advanceClock(3 * 86_400);
    try {
      let refreshed: RunResult | undefined;
      // One call: the Read's DescribeKey, which the refresh's Diff takes.
      assert.deepEqual(await calls(async () => (refreshed = await e.refresh())), { DescribeKey: 1 });
      assert.ok(refreshed!.ok);
      assert.equal(output(e, 'keyState'), 'PendingImport');
      await failedRun(e.preview({ refresh: true, expectNoChanges: true }));
      configure(e, { expiresAt: new Date(Date.now() + 30 * DAY).toISOString() }, material);
      const up = await e.up();
      assert.deepEqual(changeOps(up), ['update']);
      assert.equal(output(e, 'keyState'), 'Enabled');
      assert.equal(output(e, 'keyId'), keyId);
    } finally {
      await emu.setClock(new Date().toISOString());
    }
  });

  it('a new expiresAt reimports in place (update, same key, new validTo)', async () => {
    const material = newMaterial();
    const e = engine({}, material);
    await e.up();
    const keyId = output(e, 'keyId');
    const expiresAt = new Date(Date.now() + 20 * DAY).toISOString();
    configure(e, { expiresAt }, material);
    let up: RunResult | undefined;
    const made = await calls(async () => (up = await e.up()));
    assert.deepEqual(changeOps(up!), ['update']);
    // 4 calls: the diff's DescribeKey (the update takes it), the import, the DescribeKey that confirms it.
    assert.deepEqual(made, { DescribeKey: 2, GetParametersForImport: 1, ImportKeyMaterial: 1 });
    assert.equal(output(e, 'keyId'), keyId);
    assert.ok(Math.abs(Date.parse(output(e, 'validTo') as string) - Date.parse(expiresAt)) < 1000);
  });

  it('new material replaces a created key; the old key is scheduled for deletion', async () => {
    const e = engine({}, newMaterial());
    await e.up();
    const oldId = output(e, 'keyId') as string;
    configure(e, {}, newMaterial());
    const up = await e.up();
    assert.deepEqual(changeOps(up), ['replace']);
    const newId = output(e, 'keyId') as string;
    assert.notEqual(newId, oldId);
    assert.equal((await adapter.describeKey(oldId))!.keyState, 'PendingDeletion');
    assert.equal((await adapter.describeKey(newId))!.keyState, 'Enabled');
    assertNoMaterial([up], e);
  });

  it('adopts an existing EXTERNAL key (no CreateKey); new material is refused with "create a new key"; destroy deletes only the material', async () => {
    const made = await adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
    const e = engine({ keyId: made.keyId }, newMaterial());
    let up: RunResult | undefined;
    const adopted = await calls(async () => (up = await e.up()));
    assert.deepEqual(changeOps(up!), ['create']);
    assert.equal(adopted.CreateKey, undefined);
    assert.equal((await adapter.describeKey(made.keyId))!.keyState, 'Enabled');

    configure(e, { keyId: made.keyId }, newMaterial());
    const refused = await failedRun(e.up());
    assert.match(JSON.stringify(refused.diagnostics) + refused.error, /create a new key/);
    assert.equal((await adapter.describeKey(made.keyId))!.keyState, 'Enabled', 'the refused change did not touch the key');
    assertNoMaterial([up!, refused], e);

    await e.destroy();
    assert.equal((await adapter.describeKey(made.keyId))!.keyState, 'PendingImport');
  });

  it('destroy schedules deletion of a created key with the window asked for', async () => {
    const e = engine({ deletionWindowInDays: 7 }, newMaterial());
    await e.up();
    const keyId = output(e, 'keyId') as string;
    let destroy: RunResult | undefined;
    assert.deepEqual(await calls(async () => (destroy = await e.destroy())), { ScheduleKeyDeletion: 1 });
    assert.deepEqual(destroy!.steps.map((s) => s.op), ['delete']);
    const live = (await adapter.describeKey(keyId))!;
    assert.equal(live.keyState, 'PendingDeletion');
    const days = (Date.parse(live.deletionDate!) - Date.now()) / DAY;
    assert.ok(days > 6.9 && days < 7.1, `deletion in ${days} days`);
    assert.equal(e.state().resources.filter((r) => r.name === 'key').length, 0);
  });

  it('a partial create (import failed after CreateKey) is recorded with its id and finished by the next up in the same key', async () => {
    const e = engine({}, newMaterial());
    // 3 = every attempt of the SDK's default retry policy.
    await emu.addFault({ target: 'aws:ImportKeyMaterial', failNext: 3, failStatus: 500 });
    let first: RunResult | undefined;
    try {
      first = await failedRun(e.up());
    } finally {
      await emu.clearFaults();
    }
    const partial = stateOf(e);
    assert.ok(partial, 'the partly created key is in the state');
    assert.ok(partial.id, 'with its id');
    assert.ok((partial.initErrors ?? []).length > 0, 'marked as not initialised');
    let second: RunResult | undefined;
    const made = await calls(async () => (second = await e.up()));
    assert.deepEqual(changeOps(second!), ['update']);
    assert.equal(made.CreateKey, undefined, 'no second key');
    assert.equal(stateOf(e).id, partial.id);
    assert.equal((await adapter.describeKey(partial.id!))!.keyState, 'Enabled');
    assertNoMaterial([first!, second!], e);
  });
}));
