// The harness itself, driven with the test-only fixture provider in fixtures/things: it must do
// what the engine does (steps, order of calls, state, secrets) before other tests can trust it.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeploymentFailed, Engine, isSecret, RunResult, SECRET_SIG, SPECIAL_SIG_KEY, transcript } from '../../harness';
// Type only: the fixture is a Pulumi program, run by the harness, never loaded here.
import type { ThingSpec } from './fixtures/things';

const fixture = path.join(__dirname, 'fixtures', 'things');
const SECRET = 'fixture-secret-b9f0c2e4';

interface Store {
  things: Record<string, { value: string; initialized: boolean }>;
  deleted?: string[];
  updates?: number;
}

describe('engine harness (fixture provider)', function () {
  // Each run starts real processes (program, host); a loaded CI machine can take a while.
  this.timeout(180_000);
  let dir: string;
  let storeFile: string;
  let stateFile: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-'));
    storeFile = path.join(dir, 'store.json');
    stateFile = path.join(dir, 'state.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function engine(things: ThingSpec[]): Engine {
    return new Engine({
      projectDir: fixture,
      stateFile,
      config: { 'things:storeFile': storeFile, 'things:things': JSON.stringify(things), 'things:secret': { secret: SECRET } },
    });
  }
  const store = (): Store => JSON.parse(fs.readFileSync(storeFile, 'utf8')) as Store;
  const ops = (r: RunResult) => r.steps.map((s) => `${s.op}${s.refresh ? '(refresh)' : ''} ${s.name}`);
  const methods = (r: RunResult) => r.rpcs.map((c) => c.split(' ')[0]);
  async function failure(p: Promise<unknown>): Promise<RunResult> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof DeploymentFailed, `expected the run to fail, got ${String(err)}`);
    return err.result;
  }

  it('creates, keeps secrets secret in the state, and passes config to the program and the host', async () => {
    const r = await engine([{ name: 'a', value: 'v1', secretFromConfig: true }]).up();
    assert.deepStrictEqual(ops(r), ['create a']);
    assert.deepStrictEqual(methods(r), ['Configure', 'Check', 'Create']);
    const id = r.steps[0].id!;
    assert.match(id, /^thing-\d+$/);
    // The host read `things:storeFile` through configure(): the fake cloud has the thing.
    assert.strictEqual(store().things[id].value, 'v1');
    // The output named like the secret input is re-marked secret; the exported digest stays secret.
    const res = engine([]).resource('a')!;
    assert.ok(isSecret(res.inputs.secret) && isSecret(res.outputs.secret));
    assert.ok(isSecret(r.outputs.firstDigest));
    assert.deepStrictEqual(r.outputs.values, ['v1']);
    // Ciphertext only: neither the secret config nor the secret input is in the file in plaintext.
    const file = fs.readFileSync(stateFile, 'utf8');
    assert.ok(!file.includes(SECRET));
    assert.ok(file.includes(SPECIAL_SIG_KEY) && file.includes(SECRET_SIG));
    assert.ok(!transcript(r).includes(SECRET));
    // pulumi.log in the provider reached the Engine service.
    assert.ok(r.diagnostics.some((d) => d.source === 'provider' && d.message === `created ${id}`));
  });

  it('finds nothing to do when nothing changed', async () => {
    await engine([{ name: 'a', value: 'v1' }]).up();
    const r = await engine([{ name: 'a', value: 'v1' }]).up();
    assert.deepStrictEqual(ops(r), ['same a']);
    assert.deepStrictEqual(methods(r), ['Configure', 'Check', 'Diff']);
  });

  it('updates in place when the diff says so, keeping the id', async () => {
    const first = await engine([{ name: 'a', value: 'v1' }]).up();
    const r = await engine([{ name: 'a', value: 'v2' }]).up();
    assert.deepStrictEqual(ops(r), ['update a']);
    assert.deepStrictEqual(methods(r), ['Configure', 'Check', 'Diff', 'Update']);
    assert.strictEqual(r.steps[0].id, first.steps[0].id);
    assert.strictEqual(store().things[first.steps[0].id!].value, 'v2');
  });

  it('replaces create-before-delete, deleting the old resource after the program is done', async () => {
    const first = await engine([{ name: 'a', value: 'v1', replaceKey: 'k1' }]).up();
    const r = await engine([{ name: 'a', value: 'v1', replaceKey: 'k2' }]).up();
    assert.deepStrictEqual(ops(r), ['replace a']);
    assert.deepStrictEqual(methods(r), ['Configure', 'Check', 'Diff', 'Check', 'Create', 'Delete']);
    assert.deepStrictEqual(r.steps[0].keys, ['replaceKey']);
    assert.strictEqual(r.steps[0].oldId, first.steps[0].id);
    assert.notStrictEqual(r.steps[0].id, first.steps[0].id);
    assert.deepStrictEqual(store().deleted, [first.steps[0].id]);
    assert.deepStrictEqual(engine([]).state().resources.map((x) => x.id), [r.steps[0].id]);
  });

  it('replaces delete-before-create when the resource asks for it', async () => {
    await engine([{ name: 'a', value: 'v1', replaceKey: 'k1', deleteBeforeReplace: true }]).up();
    const r = await engine([{ name: 'a', value: 'v1', replaceKey: 'k2', deleteBeforeReplace: true }]).up();
    assert.deepStrictEqual(methods(r), ['Configure', 'Check', 'Diff', 'Check', 'Delete', 'Create']);
  });

  it('keeps the old resource as it was when its replacement could not be made', async () => {
    const first = await engine([{ name: 'a', value: 'v1', replaceKey: 'k1' }]).up();
    const failed = await failure(engine([{ name: 'a', value: 'v1', replaceKey: 'k2', failCreate: true }]).up());
    assert.match(failed.error!, /creating failed: the fake cloud refused/);
    assert.deepStrictEqual(methods(failed), ['Configure', 'Check', 'Diff', 'Check', 'Create']);
    const state = engine([]).state();
    assert.deepStrictEqual(state.resources.map((x) => [x.id, x.pendingDelete]), [[first.steps[0].id, undefined]]);
    const r = await engine([{ name: 'a', value: 'v1', replaceKey: 'k2' }]).up();
    assert.deepStrictEqual(ops(r), ['replace a']);
    assert.deepStrictEqual(store().deleted, [first.steps[0].id]);
  });

  it('deletes on the next up an old resource whose replacement was made but failed to initialize', async () => {
    const first = await engine([{ name: 'a', value: 'v1', replaceKey: 'k1' }]).up();
    await failure(engine([{ name: 'a', value: 'v1', replaceKey: 'k2', failAfterCreate: true }]).up());
    const state = engine([]).state();
    assert.deepStrictEqual(state.resources.map((x) => [x.id, x.pendingDelete ?? false, x.initErrors ?? []]), [
      [first.steps[0].id, true, []],
      ['thing-2', false, ['not initialized']],
    ]);
    const r = await engine([{ name: 'a', value: 'v1', replaceKey: 'k2', failAfterCreate: true }]).up();
    assert.deepStrictEqual(ops(r), ['update a', 'delete a']);
    assert.deepStrictEqual(r.steps.map((s) => s.id), ['thing-2', first.steps[0].id]);
    assert.deepStrictEqual(store().deleted, [first.steps[0].id]);
    assert.deepStrictEqual(engine([]).state().resources.map((x) => x.id), ['thing-2']);
  });

  it('previews without changing anything', async () => {
    await engine([{ name: 'a', value: 'v1' }]).up();
    const before = fs.readFileSync(stateFile, 'utf8');
    const storeBefore = fs.readFileSync(storeFile, 'utf8');
    const r = await engine([{ name: 'a', value: 'v2' }, { name: 'b', value: 'v1' }]).preview();
    assert.deepStrictEqual(ops(r), ['update a', 'create b']);
    assert.ok(r.steps.every((s) => s.planned));
    assert.deepStrictEqual(methods(r), ['Configure', 'Check', 'Diff', 'Check']);
    assert.strictEqual(fs.readFileSync(storeFile, 'utf8'), storeBefore);
    // Only the config set by the second engine differs; resources are untouched.
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(stateFile, 'utf8')).resources, JSON.parse(before).resources);
  });

  it('refresh reads the live state: a changed resource is updated in the state, a vanished one dropped', async () => {
    const up = await engine([{ name: 'a', value: 'v1' }, { name: 'b', value: 'v1' }, { name: 'c', value: 'v1' }]).up();
    const [a, b, c] = up.steps.map((s) => s.id!);
    const s = store();
    s.things[a].value = 'changed-out-of-band';
    delete s.things[b];
    // An output the provider's diff ignores: recorded, but not a change (the engine asks Diff).
    s.things[c].initialized = false;
    fs.writeFileSync(storeFile, JSON.stringify(s));
    const r = await engine([]).refresh();
    assert.deepStrictEqual(ops(r), ['update(refresh) a', 'delete(refresh) b', 'same(refresh) c']);
    assert.deepStrictEqual(r.steps[0].keys, ['value']);
    assert.deepStrictEqual(r.steps[2].keys, ['initialized']);
    assert.deepStrictEqual(methods(r), ['Configure', 'Read', 'Diff', 'Read', 'Read', 'Diff']);
    const state = engine([]).state();
    assert.deepStrictEqual(state.resources.map((x) => x.name), ['a', 'c']);
    assert.strictEqual(state.resources[0].outputs.value, 'changed-out-of-band');
    assert.strictEqual(state.resources[1].outputs.initialized, false);
  });

  it('preview --refresh --expect-no-changes passes on a clean stack and fails on drift', async () => {
    const things = [{ name: 'a', value: 'v1' }];
    const up = await engine(things).up();
    const clean = await engine(things).preview({ refresh: true, expectNoChanges: true });
    assert.deepStrictEqual(ops(clean), ['same(refresh) a', 'same a']);
    const s = store();
    s.things[up.steps[0].id!].value = 'drifted';
    fs.writeFileSync(storeFile, JSON.stringify(s));
    const before = fs.readFileSync(stateFile, 'utf8');
    const failed = await failure(engine(things).preview({ refresh: true, expectNoChanges: true }));
    assert.match(failed.error!, /no changes were expected but changes were proposed/);
    assert.deepStrictEqual(ops(failed), ['update(refresh) a', 'update a']);
    // A preview never writes the refreshed state.
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(stateFile, 'utf8')).resources, JSON.parse(before).resources);
  });

  it('records a partly created resource and finishes it with an update on the next up', async () => {
    const failed = await failure(engine([{ name: 'a', value: 'v1', failAfterCreate: true }]).up());
    assert.match(failed.error!, /was created \(id thing-1\) but failed to initialize/);
    const partial = engine([]).resource('a')!;
    assert.strictEqual(partial.id, 'thing-1');
    assert.deepStrictEqual(partial.initErrors, ['not initialized']);
    assert.strictEqual(store().things['thing-1'].initialized, false);
    // Same inputs: the diff finds no change, the init errors alone make it an update of the same resource.
    const r = await engine([{ name: 'a', value: 'v1', failAfterCreate: true }]).up();
    assert.deepStrictEqual(ops(r), ['update a']);
    assert.strictEqual(r.steps[0].id, 'thing-1');
    assert.strictEqual(store().things['thing-1'].initialized, true);
    assert.strictEqual(Object.keys(store().things).length, 1);
    assert.strictEqual(engine([]).resource('a')!.initErrors, undefined);
  });

  it('fails on check failures, naming the property, before creating anything', async () => {
    const failed = await failure(engine([{ name: 'a', value: '' }]).up());
    assert.ok(failed.diagnostics.some((d) => d.severity === 'error' && /value: value must be a non-empty string/.test(d.message)));
    assert.deepStrictEqual(methods(failed), ['Configure', 'Check']);
    assert.ok(!fs.existsSync(storeFile));
  });

  it('deletes resources the program no longer declares, and destroy deletes the rest', async () => {
    const up = await engine([{ name: 'a', value: 'v1' }, { name: 'b', value: 'v1' }]).up();
    const r = await engine([{ name: 'a', value: 'v1' }]).up();
    assert.deepStrictEqual(ops(r), ['same a', 'delete b']);
    assert.deepStrictEqual(store().deleted, [up.steps[1].id]);
    const d = await engine([]).destroy();
    assert.deepStrictEqual(ops(d), ['delete a']);
    assert.deepStrictEqual(engine([]).state().resources, []);
    assert.deepStrictEqual(store().things, {});
  });

  it('keeps the old value of an input named in ignoreChanges', async () => {
    await engine([{ name: 'a', value: 'v1', ignoreValue: true }]).up();
    const r = await engine([{ name: 'a', value: 'v2', ignoreValue: true }]).up();
    assert.deepStrictEqual(ops(r), ['same a']);
    assert.strictEqual(engine([]).resource('a')!.inputs.value, 'v1');
  });

  it('reads a resource the stack does not own (Resource.get) and only forgets it on destroy', async () => {
    const owner = await engine([{ name: 'a', value: 'owned-elsewhere' }]).up();
    const id = owner.steps[0].id!;
    fs.rmSync(stateFile);
    const reader = engine([]);
    reader.setConfig('things:reads', JSON.stringify([{ name: 'seen', id }]));
    const r = await reader.up();
    assert.deepStrictEqual(ops(r), ['read seen']);
    assert.deepStrictEqual(methods(r), ['Configure', 'Read']);
    assert.deepStrictEqual(r.outputs.readValues, ['owned-elsewhere']);
    assert.strictEqual(reader.resource('seen')!.external, true);
    const d = await reader.destroy();
    assert.deepStrictEqual(methods(d), ['Configure']);
    assert.strictEqual(store().things[id].value, 'owned-elsewhere');
    assert.deepStrictEqual(reader.state().resources, []);
  });

  it('calls a program that exports a function and takes its result as the stack outputs', async () => {
    const e = new Engine({ projectDir: path.join(__dirname, 'fixtures', 'function-program'), stateFile, config: { who: 'harness' } });
    const r = await e.up();
    assert.deepStrictEqual(r.steps, []);
    assert.strictEqual(r.outputs.answer, 42);
    assert.strictEqual(r.outputs.greeting, 'hello harness');
    assert.ok(isSecret(r.outputs.hidden));
  });

  it('refuses to open the state with the wrong passphrase', async () => {
    await engine([{ name: 'a', value: 'v1', secretFromConfig: true }]).up();
    const wrong = () => new Engine({ projectDir: fixture, stateFile, passphrase: 'not-the-passphrase' }).state();
    assert.throws(wrong, /wrong passphrase/);
  });
});
