// What the real engine does around an ImportedKey that a harness easily misses, on both engines: a Check failure
// prints the property's value; an update error with the key id; ImportedKey.get of a missing key; the `import`
// option; what a dependent sees while a preview plans an in-place update; protect, retainOnDelete and every onDelete.
// After each test: no material, in any form, in what the engine stored, what it printed, or the emulator's log.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { DescribeKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { transcript, type RunResult } from '../../../harness';
import { EMULATOR_CREDENTIALS, importedCurrentMaterial } from '../../support/emulator';
import { forEachEngine, storedFiles, type StackEngine } from '../../support/engines';
import { assertNoMaterial } from '../../support/leaks';
import { changeOps, failedRun, useScenario } from '../../support/scenario';
import { useAwsEnvironment } from '../../support/aws-environment';
import { interruptedUp, PROVIDER_HOST, upAfterInterruptedCreate, waitFor } from '../../support/interrupt';

const DAY = 86_400_000;

forEachEngine((kind) => describe(`what the engine does around ImportedKey (${kind})`, function () {
  this.timeout(240_000);
  const scene = useScenario({
    cloud: 'aws',
    kind,
    tmpPrefix: 'engine-behaviour-',
    projectDir: path.join(__dirname, 'engine-program'),
    env: { AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey, AWS_REGION: 'us-east-1' },
    config: (settings, endpoint, material) => {
      const { options, withDependent, getId, materialPlain, ...args } = settings;
      return {
        args: JSON.stringify({ endpoint, ...args }),
        material: { secret: material },
        options: JSON.stringify(options ?? {}),
        withDependent: String(withDependent ?? false),
        ...(getId ? { getId: String(getId) } : {}),
        ...(materialPlain ? { materialPlain: String(materialPlain) } : {}),
      };
    },
  });
  useAwsEnvironment();
  let kms: KMSClient;
  const results: RunResult[] = [];
  const materials: Buffer[] = [];
  const printedOnly: Buffer[] = [];
  let last: StackEngine | undefined;

  beforeEach(() => {
    kms = new KMSClient({ endpoint: scene.emu.url, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
    results.length = 0;
    materials.length = 0;
    printedOnly.length = 0;
    last = undefined;
  });
  afterEach(() => kms.destroy());
  scene.beforeCleanup((test) => {
    if (test?.state !== 'passed') return;
    const texts = Object.fromEntries([...results.map((r, i) => [`run ${i} (${r.verb})`, transcript(r) + JSON.stringify(r)]), ['emulator log', scene.log.join('\n')]]);
    assertNoMaterial([scene.material, ...materials], { texts, files: last ? storedFiles(last, scene.stateFile) : [] });
    // Material a test put in plain stack config is in the stack's config file, as the user asked; never printed.
    assertNoMaterial(printedOnly, { texts });
  });

  /** Runs a verb and keeps its result for the leak check; a failed run's result too. */
  async function run(p: Promise<RunResult>): Promise<RunResult> {
    const r = await p.catch((e: { result?: RunResult }) => {
      if (e.result) results.push(e.result);
      throw e;
    });
    results.push(r);
    return r;
  }
  function engine(settings: Record<string, unknown> = {}, material?: Buffer): StackEngine {
    return (last = scene.engine(settings, material));
  }
  const awsKeyCount = () => scene.emulator.store.listKeys('aws', '111122223333:us-east-1').length;
  /** An `up` of a new key, killed (processes matching `kills`) after CreateKey, while GetParametersForImport is slow. */
  async function interruptCreate(kills: RegExp[]): Promise<{ e: StackEngine; keysBefore: number }> {
    const e = engine({ expiresAt: inFuture(30) });
    const { keysBefore } = await interruptedUp(scene.emulator, { keyCount: awsKeyCount, slowOp: 'aws:GetParametersForImport', kills }, () => run(e.up()));
    return { e, keysBefore };
  }
  /** The key holds exactly this test's material: an Encrypt by the emulator opens with a Decrypt after a reimport check. */
  async function provesMaterial(keyId: string): Promise<void> {
    const stored = importedCurrentMaterial(scene.emulator.store.snapshot(), keyId);
    assert.equal(stored?.toString('base64'), scene.material.toString('base64'), 'the key holds this material');
  }
  const liveState = async (keyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState;
  const keyIdOf = (e: StackEngine) => e.resource('key')!.id!;
  const inFuture = (days: number) => scene.inFuture(days);

  it('a Check failure on keyMaterial names it and never prints the value, also when the material is not a secret in config', async () => {
    const short = randomBytes(31);
    printedOnly.push(short);
    const e = engine({ materialPlain: short.toString('base64') });
    const calls = await scene.calls(async () => {
      const r = await failedRun(run(e.preview()));
      assert.match(transcript(r), /keyMaterial for SYMMETRIC_DEFAULT is 31 bytes; SYMMETRIC_DEFAULT takes exactly 32 bytes/);
    });
    assert.deepEqual(calls, {});
  });

  it('an update that fails because the key vanished keeps the recorded state (and __provider): refresh drops the key, destroy succeeds', async () => {
    const e = engine({ expiresAt: inFuture(30) });
    await run(e.up());
    const keyId = keyIdOf(e);
    // Describes are slow; right after the import of the new expiry, the key disappears from the cloud altogether.
    scene.emulator.faults.add({ target: 'aws:DescribeKey', latencyMs: 1500 });
    const updating = run(scene.configure(e, { expiresAt: inFuture(40) }, scene.material).up());
    await waitFor(() => (scene.emulator.requestCounts()['aws:ImportKeyMaterial'] ?? 0) >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const snapshot = scene.emulator.store.snapshot();
    scene.emulator.store.restore({ ...snapshot, keys: snapshot.keys.filter((k) => k.id !== keyId) });
    const failed = await failedRun(updating);
    assert.match(transcript(failed), new RegExp(`key ${keyId} not found`));
    const kept = e.resource('key')!;
    assert.equal(kept.id, keyId);
    assert.ok(typeof kept.inputs.__provider === 'string' || typeof kept.outputs.__provider === 'string', 'the state keeps __provider');
    assert.equal(kept.outputs.keyState, 'Enabled', 'the last recorded state stays until a refresh reads the cloud');
    const refreshed = await run(e.refresh());
    assert.deepEqual(refreshed.steps.map((s) => s.op), ['delete']);
    assert.equal(e.resource('key'), undefined);
    await run(e.destroy());
  });

  it('a create whose alias step fails records the key without the alias (it is usable), and the next up sets the alias', async () => {
    const e = engine({ alias: 'alias/partly-made' });
    // Every attempt the SDK makes at CreateAlias fails with a 500: 3 for the creation marker (its failure is only a
    // weaker protection against orphans), 3 for the alias asked for.
    scene.emulator.faults.add({ target: 'aws:CreateAlias', failNext: 6, failStatus: 500 });
    const failed = await failedRun(run(e.up()));
    assert.match(transcript(failed), /was created and its material imported, but its alias alias\/partly-made could not be set/);
    const partial = e.resource('key')!;
    const keyId = partial.id!;
    assert.equal(partial.outputs.alias, undefined, 'no alias recorded: the cloud does not have it');
    assert.deepEqual(partial.outputs.pendingFinish, { alias: 'alias/partly-made' });
    assert.equal(partial.outputs.keyState, 'Enabled');
    assert.equal(await liveState(keyId), 'Enabled');
    const aliases = () => scene.emulator.store.listAliases('aws', '111122223333:us-east-1').map((a) => a.name);
    assert.ok(!aliases().includes('alias/partly-made'));
    const calls = await scene.calls(() => run(e.up()));
    assert.equal(calls.CreateKey, undefined, 'the same key is finished');
    assert.equal(calls.CreateAlias, 1);
    assert.equal(e.resource('key')!.outputs.alias, 'alias/partly-made');
    assert.equal(e.resource('key')!.outputs.pendingFinish, undefined);
    assert.equal(e.resource('key')!.id, keyId);
    assert.ok(aliases().includes('alias/partly-made'));
    await run(e.preview({ refresh: true, expectNoChanges: true }));
  });

  it('a create whose provider host is killed between CreateKey and ImportKeyMaterial is finished by the next up in that key: one key, Enabled, the material in it', async () => {
    const e = engine({ expiresAt: inFuture(30) });
    const { keyId } = await upAfterInterruptedCreate({
      scene, keyCount: awsKeyCount, slowOp: 'aws:GetParametersForImport', createOp: 'CreateKey', recorded: () => e.resource('key'),
    }, () => run(e.up()));
    assert.equal(keyIdOf(e), keyId);
    assert.equal(await liveState(keyId), 'Enabled');
    await provesMaterial(keyId);
  });

  if (kind === 'pulumi CLI') {
    it('a `pulumi up` interrupted (CLI killed) between CreateKey and ImportKeyMaterial: the next up finishes that key; what it prints', async () => {
      const { e, keysBefore } = await interruptCreate([/(^|\/)pulumi (up|preview)/, PROVIDER_HOST]);
      // What a user sees next: the stack is locked by the killed CLI; `pulumi cancel` removes the lock.
      const locked = await failedRun(run(e.up()));
      assert.match(transcript(locked), /the stack is currently locked by 1 lock\(s\)[\s\S]*pulumi cancel/);
      const cancelled = (e as unknown as { cancel(): string }).cancel();
      const next = await run(e.up()).catch((err: { result?: RunResult }) => err.result!);
      const shown = (next as { cliOutput?: string }).cliOutput ?? '';
      // For the closing note: what `pulumi up` prints after an interrupted create and `pulumi cancel`.
      const lines = (text: string) => text.split('\n').filter((l) => /pending|interrupt|unknown state|warning|error|created|Resources|cancel/i.test(l)).map((l) => `        ${l.trim()}`).join('\n');
      console.log(`      pulumi cancel:\n${lines(cancelled)}\n      next up (${next.ok ? 'ok' : 'failed'}):\n${lines(shown)}`);
      const final = next.ok ? next : await run(e.up());
      assert.ok(final.ok);
      assert.equal(awsKeyCount(), keysBefore + 1, 'still one key: the interrupted create was finished, not repeated');
      const keyId = keyIdOf(e);
      assert.equal(await liveState(keyId), 'Enabled');
      await provesMaterial(keyId);
    });
  }

  it('enabled: a key disabled out of band fails preview --refresh --expect-no-changes and up enables it; enabled false disables it', async () => {
    const e = engine();
    await run(e.up());
    const keyId = keyIdOf(e);
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    const drift = await failedRun(run(e.preview({ refresh: true, expectNoChanges: true })));
    assert.ok(drift.steps.some((s) => s.op === 'update'));
    // The diff's DescribeKey (the update takes it), EnableKey, the DescribeKey that confirms it.
    assert.deepEqual(await scene.calls(() => run(e.up())), { DescribeKey: 2, EnableKey: 1 });
    assert.equal(await liveState(keyId), 'Enabled');
    assert.equal(e.resource('key')!.outputs.keyState, 'Enabled');
    await run(scene.configure(e, { enabled: false }, scene.material).up());
    assert.equal(await liveState(keyId), 'Disabled');
    assert.equal(e.resource('key')!.outputs.keyState, 'Disabled');
    await run(e.preview({ refresh: true, expectNoChanges: true }));
  });

  it('ImportedKey.get of a missing key fails naming it; of an existing key it reads the key', async () => {
    const e = engine();
    await run(e.up());
    const keyId = keyIdOf(e);
    const found = await run(scene.configure(e, { getId: keyId }, scene.material).up());
    assert.equal(found.outputs.lookedUpState, 'Enabled');
    const missing = await failedRun(run(scene.configure(e, { getId: '00000000-0000-0000-0000-000000000000' }, scene.material).up()));
    assert.match(transcript(missing), /ImportedKey.get: key 00000000-0000-0000-0000-000000000000 does not exist or is pending deletion/);
  });

  it('the `import` resource option is refused before anything runs, pointing at keyId', async () => {
    const e = engine({ options: { import: 'some-key-id' } });
    const calls = await scene.calls(async () => {
      const r = await failedRun(run(e.preview()));
      assert.match(transcript(r), /cannot adopt a key into a dynamic resource; adopt it with the keyId argument/);
    });
    assert.deepEqual(calls, {});
  });

  it('while a preview plans an in-place update (new expiresAt), keyId stays known: a resource that takes it is unchanged', async () => {
    const e = engine({ expiresAt: inFuture(30), withDependent: true });
    await run(e.up());
    const preview = await run(scene.configure(e, { expiresAt: inFuture(40), withDependent: true }, scene.material).preview());
    const ops = Object.fromEntries(preview.steps.filter((s) => !s.refresh).map((s) => [s.name, s.op]));
    assert.deepEqual(ops, { key: 'update', dependent: 'same' });
  });

  it('protect refuses destroy and replacement; the key stays Enabled; unprotected, destroy works', async () => {
    const e = engine({ options: { protect: true } });
    await run(e.up());
    const keyId = keyIdOf(e);
    const destroy = await failedRun(run(e.destroy()));
    assert.match(transcript(destroy), /protect/i);
    const other = randomBytes(32);
    materials.push(other);
    const calls = await scene.calls(async () => {
      const replace = await failedRun(run(scene.configure(e, { options: { protect: true } }, other).up()));
      assert.match(transcript(replace), /protect/i);
    });
    assert.equal(calls.CreateKey, undefined, 'no replacement key');
    assert.equal(await liveState(keyId), 'Enabled');
    await run(scene.configure(e, { options: { protect: false } }, scene.material).up());
    await run(e.destroy());
    assert.equal(await liveState(keyId), 'PendingDeletion');
  });

  it('retainOnDelete: destroy leaves the key as it is, without a call', async () => {
    const e = engine({ options: { retainOnDelete: true } });
    await run(e.up());
    const keyId = keyIdOf(e);
    const calls = await scene.calls(() => run(e.destroy()));
    assert.deepEqual(calls, {});
    assert.equal(await liveState(keyId), 'Enabled');
    assert.equal(e.resource('key'), undefined);
  });

  for (const [onDelete, after, call] of [
    ['scheduleKeyDeletion', 'PendingDeletion', { ScheduleKeyDeletion: 1 }],
    ['deleteMaterial', 'PendingImport', { DescribeKey: 1, DeleteImportedKeyMaterial: 1 }],
    ['retain', 'Enabled', {}],
  ] as const) {
    it(`destroy with onDelete ${onDelete} leaves the key ${after}`, async () => {
      const e = engine({ onDelete });
      const up = await run(e.up());
      assert.deepEqual(changeOps(up), ['create']);
      const keyId = keyIdOf(e);
      assert.deepEqual(await scene.calls(() => run(e.destroy())), call);
      assert.equal(await liveState(keyId), after);
    });
  }

  it('a changed expiry at the engine level is an update in place: same key, new validTo, one import', async () => {
    const e = engine({ expiresAt: inFuture(30) });
    await run(e.up());
    const keyId = keyIdOf(e);
    const next = inFuture(60);
    const calls = await scene.calls(() => run(scene.configure(e, { expiresAt: next }, scene.material).up()));
    assert.equal(calls.ImportKeyMaterial, 1);
    assert.equal(calls.CreateKey, undefined);
    assert.equal(keyIdOf(e), keyId);
    assert.equal(Date.parse(e.resource('key')!.outputs.validTo as string), Date.parse(next));
    assert.ok(Date.parse(next) - Date.now() > 50 * DAY);
  });
}));
