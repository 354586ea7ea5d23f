// Faults: "the state tells the truth" (issue 11). One stack of ImportedKeys on AWS, Alibaba, Huawei and Ping An
// (tests/scenarios/faults/program) against the emulator, through the real Pulumi CLI and the harness, while the emulator
// misbehaves the way clouds do: throttling bursts; 500 and 503; the connection closed before the work (request lost) or
// after it (reply lost) on every import-related call; an import token expiring between GetParametersForImport and
// ImportKeyMaterial; the emulator restarted from its state file in the middle of an `up`; keys deleted, disabled or
// scheduled for deletion out of band; describes that lag behind changes (eventual consistency).
//
// After each: the state agrees with the cloud (keyState, validTo, alias), the emulator holds exactly one live key per
// resource (counted in its store), each key holds its own material (read from the store), and no material appears in
// what the engine stored, what any run printed, or the emulator's log. A fault is counted as survived when all of that
// holds once the runs the test allows are done (some faults fail the first `up` by design: the key is recorded as
// partly created and the next `up` finishes it; the per-test line says how many runs it took). The total is printed as
// `faults: N survived` and written to $RELIABILITY_COUNTS_DIR/faults.count when that variable is set.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator';
import type { KeyStore } from '../../emulator/store';
import { DeploymentFailed, transcript, type RunResult } from '../../harness';
import { forEachEngine, storedFiles, type EngineKind, type StackEngine } from '../support/engines';
import { everyCloudEnvironment, importedCurrentMaterial } from '../support/emulator';
import { assertNoMaterial } from '../support/leaks';
import { reliability } from '../support/reliability';
import { useScenario } from '../support/scenario';
import { aliasFor, EMULATOR_CLOUD, FAULT_CLOUDS, materialFor, type FaultCloud, type FaultKey } from './faults/material';

const ACCESS_KEY = 'faults-ak';
const SECRET_KEY = 'faults-sk';
const PROJECT = '7c1d5e9a3b2f48d6a0e4c8b1f5d3a7e9';
/** What a dynamic resource is in the state. */
const RESOURCE_TYPE = 'pulumi-nodejs:dynamic:Resource';
const HOUR_S = 3600;

/** One key per cloud. */
const ONE_EACH: FaultKey[] = FAULT_CLOUDS.map((cloud) => ({ name: cloud, cloud }));

/** Each cloud's names for the calls of an import (the emulator counts and targets faults by them). */
const OPS: Record<FaultCloud, { create: string; params: string; import: string; describe: string; deleteMaterial: string }> = {
  aws: { create: 'CreateKey', params: 'GetParametersForImport', import: 'ImportKeyMaterial', describe: 'DescribeKey', deleteMaterial: 'DeleteImportedKeyMaterial' },
  alicloud: { create: 'CreateKey', params: 'GetParametersForImport', import: 'ImportKeyMaterial', describe: 'DescribeKey', deleteMaterial: 'DeleteKeyMaterial' },
  huaweicloud: { create: 'create-key', params: 'get-parameters-for-import', import: 'import-key-material', describe: 'describe-key', deleteMaterial: 'delete-imported-key-material' },
  pingan: { create: 'CreateCmk', params: 'GetParametersForImport', import: 'ImportKeyMaterial', describe: 'DescribeKey', deleteMaterial: 'DeleteKeyMaterial' },
};
/**
 * The clouds whose lost CreateKey reply can be survived: each finds the key its create made (findCreated). Not Ping An:
 * it has no list operation, so a key whose CreateCmk reply is lost cannot be found again (by design, adapter.ts).
 */
const FINDS_CREATED: readonly FaultCloud[] = FAULT_CLOUDS.filter((c) => c !== 'pingan');
const target = (cloud: FaultCloud, op: keyof (typeof OPS)[FaultCloud]) => `${EMULATOR_CLOUD[cloud]}:${OPS[cloud][op]}`;

/** Faults survived, over both engines; printed and written once at the end of the run. */
const tally: Array<{ kind: EngineKind; label: string; faults: number }> = [];
let faultTestsRan = false;

after(() => {
  if (!faultTestsRan) return;
  const total = tally.reduce((n, t) => n + t.faults, 0);
  console.log(`faults: ${total} survived`);
  const dir = process.env.RELIABILITY_COUNTS_DIR;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'faults.count'), `${total}\n`);
  }
});

forEachEngine((kind) => describe(`faults: the state tells the truth through cloud faults (${kind})`, function () {
  this.timeout(240_000);
  const scene = useScenario({
    cloud: 'aws',
    kind,
    tmpPrefix: 'imported-key-faults-',
    emulator: { accessKey: ACCESS_KEY, secretKey: SECRET_KEY },
    projectDir: path.join(__dirname, 'faults', 'program'),
    env: everyCloudEnvironment(ACCESS_KEY, SECRET_KEY),
    config: (settings, endpoint, seed) => ({
      'faultstest:endpoint': String(settings.endpoint ?? endpoint),
      'faultstest:projectId': PROJECT,
      'faultstest:seed': { secret: seed },
      'faultstest:keys': JSON.stringify(settings.keys ?? ONE_EACH),
      ...(settings.expiresAt ? { 'faultstest:expiresAt': String(settings.expiresAt) } : {}),
    }),
  });

  /** Every run of the test (failed ones too), every engine it used, and any other emulator's log, for the leak check. */
  let runs: RunResult[] = [];
  let engines: StackEngine[] = [];
  let extraLogs: string[] = [];
  let extraFiles: string[] = [];
  let keysOfTest: FaultKey[] = [];
  let runTimes: number[] = [];
  let current: { settings: string; engine: StackEngine } | undefined;
  beforeEach(async () => {
    faultTestsRan = true;
    current = undefined;
    runTimes = [];
    runs = [];
    engines = [];
    extraLogs = [];
    extraFiles = [];
    keysOfTest = [];
    await scene.emu.reset();
  });
  scene.beforeCleanup((test) => {
    if (test?.state !== 'passed') return;
    const seed = scene.material.toString('base64');
    const texts: Record<string, string> = { 'the emulator log': [...scene.log, ...extraLogs].join('\n') };
    runs.forEach((r, i) => (texts[`run ${i} (${r.verb})`] = `${transcript(r)}\n${JSON.stringify(r)}`));
    const files = [...new Set(engines.flatMap((e) => storedFiles(e, scene.stateFile))), ...extraFiles.filter((f) => fs.existsSync(f))];
    const checks = assertNoMaterial([scene.material, ...keysOfTest.map((k) => materialFor(seed, k.name))], { texts, files });
    assert.ok(checks > 0);
  });

  /** The engine for these settings: the one made last when they are the same (making one sets the stack's config). */
  function engine(settings: Record<string, unknown> = {}): StackEngine {
    const key = JSON.stringify(settings);
    if (current?.settings === key) return current.engine;
    const e = scene.engine(settings);
    engines.push(e);
    current = { settings: key, engine: e };
    return e;
  }

  /** Runs a verb and keeps its result (a failed run's too) and how long it took. */
  async function run(p: Promise<RunResult>): Promise<RunResult> {
    const started = Date.now();
    try {
      const r = await p;
      runs.push(r);
      return r;
    } catch (error) {
      if (error instanceof DeploymentFailed) runs.push(error.result);
      throw error;
    } finally {
      runTimes.push(Date.now() - started);
    }
  }

  /** `up` until one succeeds, at most `most` times; how many it took. */
  async function upUntilDone(e: () => StackEngine, most = 3): Promise<{ attempts: number; failures: string[] }> {
    const failures: string[] = [];
    for (let attempt = 1; attempt <= most; attempt++) {
      try {
        await run(e().up());
        return { attempts: attempt, failures };
      } catch (error) {
        if (!(error instanceof DeploymentFailed)) throw error;
        failures.push(firstLine(error.result));
      }
    }
    assert.fail(`up failed ${most} times:\n${failures.join('\n')}`);
  }

  function survived(label: string, faults: number, detail: string): void {
    tally.push({ kind, label, faults });
    // The reliability suite's line at the end of npm test (tests/support/reliability.ts, reporter.js).
    reliability.faults += faults;
    const times = runTimes.map((ms) => (ms / 1000).toFixed(1)).join(' + ');
    console.log(`      fault: ${label} — ${faults} survived (${detail}) [${runTimes.length} runs: ${times} s]`);
  }

  /** The calls to every cloud since `before` (a snapshot of requestCounts()). */
  const callsSince = (before: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(scene.emulator.requestCounts()).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));

  const seedOf = () => scene.material.toString('base64');
  const emulatorCloud = (cloud: FaultCloud) => EMULATOR_CLOUD[cloud];

  /**
   * The state tells the truth: the stack records exactly `keys`, each with the keyState, validTo and alias the cloud
   * has; the store holds exactly one live (not pending deletion) key per resource and cloud; each key holds its own
   * material.
   */
  function assertTruth(e: StackEngine, keys: FaultKey[], store: KeyStore = scene.emulator.store): void {
    keysOfTest = [...new Set([...keysOfTest, ...keys])];
    const state = e.state().resources.filter((r) => r.type === RESOURCE_TYPE && !r.pendingDelete);
    assert.deepEqual(state.map((r) => r.name).sort(), keys.map((k) => k.name).sort(), 'the stack records exactly these keys');
    const snapshot = store.snapshot();
    for (const cloud of FAULT_CLOUDS) {
      const ids = state.filter((r) => keys.find((k) => k.name === r.name)!.cloud === cloud).map((r) => r.id).sort();
      const live = snapshot.keys.filter((k) => k.cloud === emulatorCloud(cloud) && k.state !== 'PendingDeletion').map((k) => k.id).sort();
      assert.deepEqual(live, ids, `${cloud}: exactly one live key in the emulator per resource (${live.length} live, ${ids.length} recorded)`);
    }
    for (const key of keys) {
      const r = state.find((s) => s.name === key.name)!;
      const emuCloud = emulatorCloud(key.cloud);
      const stored = snapshot.keys.find((k) => k.id === r.id);
      assert.ok(stored, `${key.name}: its key ${r.id} is in the emulator`);
      const live = store.findKey(emuCloud, stored!.namespace, stored!.id)!;
      const outs = r.outputs as Record<string, unknown>;
      assert.equal(outs.keyState, live.state, `${key.name}: keyState recorded ${String(outs.keyState)}, the cloud has ${live.state}`);
      assert.ok(!(r.initErrors ?? []).length, `${key.name}: not left partly created (${(r.initErrors ?? []).join('; ')})`);
      const validTo = live.materialExpiresAt === undefined ? undefined : new Date(live.materialExpiresAt).toISOString();
      assert.equal(outs.validTo === undefined ? undefined : new Date(String(outs.validTo)).toISOString(), validTo, `${key.name}: validTo`);
      if (key.cloud === 'huaweicloud') {
        assert.equal(outs.alias, live.attributes.key_alias, `${key.name}: the recorded alias is the key's key_alias`);
      } else if (key.cloud === 'pingan') {
        // CreateCmk sets Ping An's alias (the emulator keeps it on the key): never pending, always the one asked for.
        assert.equal(outs.alias, aliasFor(key), `${key.name}: the recorded alias is the one asked for`);
        assert.equal(live.attributes.alias || undefined, aliasFor(key), `${key.name}: the key has its alias`);
      } else if (aliasFor(key) === undefined) {
        assert.equal(outs.alias, undefined, `${key.name}: no alias`);
      } else if (outs.alias !== undefined) {
        assert.equal(outs.alias, aliasFor(key));
        assert.equal(store.findAlias(emuCloud, live.namespace, aliasFor(key)!)?.keyId, live.id, `${key.name}: ${aliasFor(key)} names its key`);
      } else {
        // Recorded without its alias: the cloud must not have it on this key either (a pending finish).
        assert.notEqual(store.findAlias(emuCloud, live.namespace, aliasFor(key)!)?.keyId, live.id, `${key.name}: the alias is on the key but not recorded`);
        assert.deepEqual((outs.pendingFinish as { alias?: string } | undefined)?.alias, aliasFor(key), `${key.name}: the alias is pending`);
      }
      const material = importedCurrentMaterial(snapshot, live.id);
      const expected = materialFor(seedOf(), key.name);
      if (live.state === 'Enabled' || live.state === 'Disabled') {
        assert.ok(material?.equals(expected), `${key.name}: the key holds its own material`);
      }
      if (live.state === 'Enabled') {
        const { material: usable } = store.materialForUse({ cloud: emuCloud, namespace: live.namespace, keyId: live.id });
        assert.ok(usable.equals(expected), `${key.name}: the material in use is its own`);
      }
    }
  }

  /** Every one-shot fault rule fired (none still armed). */
  function assertAllFired(): void {
    assert.deepEqual(scene.emulator.faults.list().map((r) => r.target), [], 'every fault fired');
  }

  /** Arms one rule per cloud and op; returns how many. */
  function arm(ops: Array<keyof (typeof OPS)[FaultCloud]>, rule: Record<string, number>, clouds: readonly FaultCloud[] = FAULT_CLOUDS): number {
    let n = 0;
    for (const cloud of clouds) {
      for (const op of ops) {
        scene.emulator.faults.add({ target: target(cloud, op), ...rule });
        n++;
      }
    }
    return n;
  }

  // ---- throttling -------------------------------------------------------------------------------------------------

  it('a throttling burst (every call to a cloud refused for 1 s from its first), then a quota (4 calls a second, every second import call refused): create and update go through', async () => {
    const throttled: Record<string, number> = {};
    const burstFrom: Record<string, number> = {};
    let phase: 'burst' | 'quota' = 'burst';
    /** Quota: the calls of an import (parameters, import, describe) refused every second time, starting with the first. */
    const quotaSeen: Record<string, number> = {};
    const quotaOps = new Set(FAULT_CLOUDS.flatMap((c) => (['params', 'import', 'describe'] as const).map((op) => target(c, op))));
    const { faults } = scene.emulator;
    const decide = faults.decide;
    faults.decide = function (cloud, operation) {
      const decision = decide.call(this, cloud, operation);
      burstFrom[cloud] ??= Date.now();
      if (phase === 'burst' && Date.now() - burstFrom[cloud] < 1_000) decision.throttle = true;
      const op = `${cloud}:${operation}`;
      if (phase === 'quota' && quotaOps.has(op) && (quotaSeen[op] = (quotaSeen[op] ?? 0) + 1) % 2 === 1) decision.throttle = true;
      if (decision.throttle) throttled[cloud] = (throttled[cloud] ?? 0) + 1;
      return decision;
    };
    try {
      const expiresAt = scene.inFuture(30);
      await run(engine({ expiresAt }).up());
      phase = 'quota';
      const inBurst = { ...throttled };
      for (const cloud of FAULT_CLOUDS) assert.ok((inBurst[emulatorCloud(cloud)] ?? 0) > 0, `${cloud} was throttled in the burst`);
      assertTruth(engine({ expiresAt }), ONE_EACH);

      for (const cloud of FAULT_CLOUDS) faults.add({ target: `${emulatorCloud(cloud)}:*`, maxPerSecond: 4 });
      const later = scene.inFuture(60);
      await run(engine({ expiresAt: later }).up());
      for (const cloud of FAULT_CLOUDS) assert.ok((throttled[emulatorCloud(cloud)] ?? 0) > (inBurst[emulatorCloud(cloud)] ?? 0), `${cloud} was throttled in the update`);
      faults.clear();
      assertTruth(engine({ expiresAt: later }), ONE_EACH);
      for (const key of scene.emulator.store.snapshot().keys) assert.equal(key.materialExpiresAt, Date.parse(later));
      const update = Object.fromEntries(Object.entries(throttled).map(([c, n]) => [c, n - (inBurst[c] ?? 0)]));
      survived('throttling: a burst on create, a quota on update', 2 * FAULT_CLOUDS.length,
        `throttled replies in the burst ${fmtCounts(inBurst)}, in the update ${fmtCounts(update)}; each up succeeded at once`);
    } finally {
      delete (faults as Partial<typeof faults>).decide;
      faults.clear();
    }
  });

  // ---- 500 and 503 ------------------------------------------------------------------------------------------------

  it('500 and 503 on every call of a create (CreateKey, parameters, import, describe) and of an update, on every cloud', async () => {
    // Each import-related call meets both: rules on one call fire on consecutive requests, in the order armed.
    const expiresAt = scene.inFuture(30);
    let armed = arm(['create'], { failNext: 1, failStatus: 503 });
    armed += arm(['params'], { failNext: 1, failStatus: 500 }) + arm(['params'], { failNext: 1, failStatus: 503 });
    armed += arm(['import'], { failNext: 1, failStatus: 500 });
    armed += arm(['describe'], { failNext: 1, failStatus: 503 });
    const created = await upUntilDone(() => engine({ expiresAt }), kind === 'harness' ? 6 : 4);
    assertAllFired();
    assertTruth(engine({ expiresAt }), ONE_EACH);

    const later = scene.inFuture(60);
    armed += arm(['params'], { failNext: 1, failStatus: 503 });
    armed += arm(['import'], { failNext: 1, failStatus: 503 });
    armed += arm(['describe'], { failNext: 1, failStatus: 500 });
    const updated = await upUntilDone(() => engine({ expiresAt: later }), kind === 'harness' ? 6 : 4);
    assertAllFired();
    assertTruth(engine({ expiresAt: later }), ONE_EACH);
    survived('500 and 503 on every import-related call', armed, `create: ${describeAttempts(created)}; update: ${describeAttempts(updated)}`);
  });

  // ---- the connection closed: before the work (request lost) and after it (reply lost) -----------------------------

  it('the connection closed before the work (request lost) or after it (reply lost): CreateKey, GetParametersForImport, ImportKeyMaterial, Huawei\'s delete-imported-key-material', async () => {
    const expiresAt = scene.inFuture(30);
    // A lost CreateKey reply: the key is found by its creation token, never made twice (assertTruth counts live keys).
    // Not on Ping An: with no list operation its adapter has no findCreated, and the next up would make a second key.
    let armed = arm(['create'], { dropNext: 1 }, FINDS_CREATED) + arm(['params'], { resetNext: 1 }) + arm(['import'], { dropNext: 1 });
    const created = await upUntilDone(() => engine({ expiresAt }), kind === 'harness' ? 5 : 4);
    assertAllFired();
    assertTruth(engine({ expiresAt }), ONE_EACH);

    const later = scene.inFuture(60);
    armed += arm(['params'], { dropNext: 1 }) + arm(['import'], { resetNext: 1 });
    armed += arm(['deleteMaterial'], { dropNext: 1 }, ['huaweicloud']);
    const updated = await upUntilDone(() => engine({ expiresAt: later }), kind === 'harness' ? 6 : 4);
    assertAllFired();
    assertTruth(engine({ expiresAt: later }), ONE_EACH);
    survived('connection closed before / after the work', armed,
      `create (CreateKey reply lost but on pingan, parameters lost, import reply lost): ${describeAttempts(created)}; update (parameters reply lost, import lost, Huawei delete reply lost): ${describeAttempts(updated)}`);
  });

  // ---- an import token expiring between GetParametersForImport and ImportKeyMaterial ------------------------------

  it('an import token that expires while the import is held (the clock moves 25 h): a fresh token, one up', async () => {
    const { faults, clock } = scene.emulator;
    const held = new Map(FAULT_CLOUDS.map((cloud) => [cloud, faults.add({ target: target(cloud, 'import'), latencyMs: 1_000 }).id]));
    const moved: FaultCloud[] = [];
    const watcher = setInterval(() => {
      const counts = scene.emulator.requestCounts();
      for (const [cloud, id] of held) {
        if ((counts[target(cloud, 'import')] ?? 0) === 0) continue;
        // Its import is on hold (counted, not yet handled): 25 h pass, the token it carries (24 h) expires.
        clock.advance(25 * HOUR_S);
        faults.remove(id);
        held.delete(cloud);
        moved.push(cloud);
      }
    }, 10);
    const before = scene.emulator.requestCounts();
    try {
      await run(engine().up());
    } finally {
      clearInterval(watcher);
    }
    assert.deepEqual([...moved].sort(), [...FAULT_CLOUDS].sort(), 'every cloud\'s import was held while the clock moved');
    const calls = callsSince(before);
    for (const cloud of FAULT_CLOUDS) {
      assert.equal(calls[target(cloud, 'params')], 2, `${cloud}: fresh parameters after the expired token`);
      // AWS: the SDK sees the reply's Date 25 h off, corrects its clock and sends the refused import again (transient).
      assert.ok(calls[target(cloud, 'import')] >= 2, `${cloud}: the import again with them`);
    }
    assertTruth(engine(), ONE_EACH);
    const imports = FAULT_CLOUDS.map((c) => `${c} ${calls[target(c, 'import')]}`).join(', ');
    survived('import token expired between parameters and import', FAULT_CLOUDS.length, `one up: fresh parameters; imports ${imports}`);
  });

  // ---- the emulator restarted from its state file, in the middle of an up -----------------------------------------

  it('the emulator stopped while imports are in flight and restarted on the same port and state file: the next up works, state and cloud agree', async () => {
    const stateFile = path.join(scene.dir, 'kms-emulator.json');
    extraFiles.push(stateFile);
    const lines: string[] = [];
    let first: RunningEmulator = await startEmulator({ stateFile, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, log: (l) => lines.push(l) });
    const port = first.port;
    let second: RunningEmulator | undefined;
    try {
      for (const cloud of FAULT_CLOUDS) first.faults.add({ target: target(cloud, 'import'), latencyMs: 1_000 });
      const settings = { endpoint: first.url };
      const up = run(engine(settings).up()).then(() => 'succeeded', (error: unknown) => {
        if (error instanceof DeploymentFailed) return `failed: ${firstLine(error.result)}`;
        throw error;
      });
      // Ping An's import (the last key on the harness; its client never sends a write twice) is held when it stops.
      // Stopped no earlier: a kill during Ping An's CreateCmk would leave a key no later up can find (no list operation).
      await waitFor(() => (first.requestCounts()[target('pingan', 'import')] ?? 0) > 0, 60_000);
      await first.close();
      second = await startEmulator({ port, stateFile, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, log: (l) => lines.push(l) });
      const outcome = await up;
      const next = await upUntilDone(() => engine(settings), 2);
      assertTruth(engine(settings), ONE_EACH, second.store);
      survived('emulator restarted from its state file mid-up', 1, `the interrupted up ${outcome}; then ${describeAttempts(next)}`);
    } finally {
      extraLogs.push(...lines);
      await first.close();
      await second?.close();
    }
  });

  // ---- out of band: deleted, disabled, scheduled for deletion -----------------------------------------------------

  it('keys deleted, disabled or scheduled for deletion out of band: preview --refresh --expect-no-changes, refresh, up; then up alone', async function () {
    // A key deleted for good is believed gone only after a NotFound lasts 15 s (provider/waiter.ts), and the harness reads
    // one resource at a time: three runs that read three deleted keys wait over two minutes on it alone.
    this.timeout(480_000);
    const kinds = ['deleted', 'disabled', 'scheduled'] as const;
    // Every key has an alias (Huawei's derived): the replacement of a key scheduled for deletion moves it to the new key
    // (AWS and Alibaba UpdateAlias), so the alias follows the key the stack records. But Ping An's key scheduled for
    // deletion: Ping An has no operation that moves an alias and a key pending deletion keeps its own, so a replacement
    // could not take it (CreateCmk refuses an alias in use); that key asks for none.
    const keys: FaultKey[] = FAULT_CLOUDS.flatMap((cloud) => kinds.map((k) => ({
      name: `${cloud}-${k}`, cloud, ...(cloud === 'pingan' && k === 'scheduled' ? { alias: false as const } : {}),
    })));
    const settings = { keys };
    await run(engine(settings).up());
    assertTruth(engine(settings), keys);
    const idOf = (name: string) => engine(settings).resource(name)!.id!;
    const store = scene.emulator.store;
    const outOfBand = (which: ReadonlyArray<(typeof kinds)[number]>) => {
      for (const cloud of FAULT_CLOUDS) {
        const ref = (name: string) => {
          const key = store.snapshot().keys.find((k) => k.id === idOf(name))!;
          return { cloud: emulatorCloud(cloud), namespace: key.namespace, keyId: key.id };
        };
        if (which.includes('disabled')) store.disableKey(ref(`${cloud}-disabled`));
        if (which.includes('scheduled')) store.scheduleDeletion(ref(`${cloud}-scheduled`), 7);
        if (which.includes('deleted')) {
          // Deleted for good (past its deletion window): the key and its aliases are gone.
          const gone = idOf(`${cloud}-deleted`);
          const snapshot = store.snapshot();
          store.restore({ ...snapshot, keys: snapshot.keys.filter((k) => k.id !== gone), aliases: snapshot.aliases.filter((a) => a.keyId !== gone) });
        }
      }
    };
    /** The last run's failed steps by resource name (the step's own error is in the transcript). */
    const failedSteps = (r: RunResult) => new Set(r.steps.filter((st) => st.failed).map((st) => st.name));
    const upOnce = async (): Promise<RunResult> => {
      try {
        return await run(engine(settings).up());
      } catch (error) {
        if (!(error instanceof DeploymentFailed)) throw error;
        return error.result;
      }
    };

    // Round 1: the drift check, refresh, up.
    outOfBand(kinds);
    const first = Object.fromEntries(keys.map((k) => [k.name, idOf(k.name)]));
    let drift: RunResult;
    try {
      drift = await run(engine(settings).preview({ refresh: true, expectNoChanges: true }));
    } catch (error) {
      if (!(error instanceof DeploymentFailed)) throw error;
      drift = error.result;
    }
    assert.equal(drift.ok, false, 'preview --refresh --expect-no-changes fails');
    const refreshed = await run(engine(settings).refresh());
    const recorded = engine(settings).state().resources.filter((r) => r.type === RESOURCE_TYPE);
    for (const cloud of FAULT_CLOUDS) {
      assert.equal(recorded.find((r) => r.name === `${cloud}-deleted`), undefined, `${cloud}-deleted left the state`);
      assert.equal(recorded.find((r) => r.name === `${cloud}-scheduled`), undefined, `${cloud}-scheduled left the state`);
      assert.equal(recorded.find((r) => r.name === `${cloud}-disabled`)?.outputs.keyState, 'Disabled', `${cloud}-disabled recorded Disabled`);
    }
    const round1 = await upOnce();
    assertTruth(engine(settings), keys);
    for (const cloud of FAULT_CLOUDS) {
      assert.notEqual(idOf(`${cloud}-deleted`), first[`${cloud}-deleted`], `${cloud}-deleted: a new key`);
      assert.notEqual(idOf(`${cloud}-scheduled`), first[`${cloud}-scheduled`], `${cloud}-scheduled: a new key`);
      assert.equal(idOf(`${cloud}-disabled`), first[`${cloud}-disabled`], `${cloud}-disabled: the same key`);
    }

    // Round 2: up alone (no refresh) after the new keys were deleted or scheduled for deletion, and the key disabled again.
    outOfBand(kinds);
    const second = Object.fromEntries(keys.map((k) => [k.name, idOf(k.name)]));
    const round2 = await upOnce();
    assertTruth(engine(settings), keys);
    for (const cloud of FAULT_CLOUDS) {
      assert.notEqual(idOf(`${cloud}-deleted`), second[`${cloud}-deleted`], `${cloud}-deleted: replaced`);
      assert.notEqual(idOf(`${cloud}-scheduled`), second[`${cloud}-scheduled`], `${cloud}-scheduled: replaced`);
    }
    // Survived: the state told the truth for every key, and the up did what it should without failing on it.
    const failed = new Set([...failedSteps(round1), ...failedSteps(round2)]);
    const notes = [...failed].map((name) => `${name}: ${failureOf(round2, name) || failureOf(round1, name)}`);
    survived('keys deleted / disabled / scheduled for deletion out of band', 2 * keys.length - failedSteps(round1).size - failedSteps(round2).size,
      `drift check failed (planned: ${fmtOps(opsByName(drift, false))}); refresh: ${fmtOps(opsByName(refreshed, true))}; ` +
      `up after refresh: ${fmtOps(opsByName(round1, false))}; up alone: ${fmtOps(opsByName(round2, false))}` +
      (notes.length ? `; not survived (the state still tells the truth): ${notes.join('; ')}` : ''));
  });

  // ---- eventual consistency ---------------------------------------------------------------------------------------

  it('describes that lag 0.7 s behind every change (eventual consistency): create and update succeed in one up each', async () => {
    for (const cloud of FAULT_CLOUDS) scene.emulator.consistency.setDelay(emulatorCloud(cloud), 700);
    const expiresAt = scene.inFuture(30);
    const before = scene.emulator.requestCounts();
    await run(engine({ expiresAt }).up());
    const createCalls = callsSince(before);
    assertTruth(engine({ expiresAt }), ONE_EACH);
    const later = scene.inFuture(60);
    const beforeUpdate = scene.emulator.requestCounts();
    await run(engine({ expiresAt: later }).up());
    const updateCalls = callsSince(beforeUpdate);
    assertTruth(engine({ expiresAt: later }), ONE_EACH);
    for (const cloud of FAULT_CLOUDS) {
      // One describe would have seen the key missing or pending import: the confirmation waited for the change to show.
      assert.ok((createCalls[target(cloud, 'describe')] ?? 0) >= 2, `${cloud}: the create's confirmation described again`);
      assert.ok((updateCalls[target(cloud, 'describe')] ?? 0) >= 3, `${cloud}: the update's confirmation described again`);
    }
    const describes = (calls: Record<string, number>) => FAULT_CLOUDS.map((c) => `${c} ${calls[target(c, 'describe')] ?? 0}`).join(', ');
    survived('eventual consistency (describes 0.7 s behind)', 2 * FAULT_CLOUDS.length,
      `describes per cloud — create: ${describes(createCalls)}; update: ${describes(updateCalls)}`);
  });
}));

/** Each failed resource's error in a run, `name: message`, shortened (the CLI prints `* message` under the resource). */
function firstLine(r: RunResult): string {
  const errors = resourceErrors(r);
  if (errors.length) return errors.map(([name, message]) => `${name}: ${message}`).join(' | ');
  return (r.error ?? '').split('\n')[0].slice(0, 200);
}

function failureOf(r: RunResult, name: string): string {
  return resourceErrors(r).find(([n]) => n === name)?.[1] ?? '';
}

function resourceErrors(r: RunResult): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let current: string | undefined;
  for (const line of transcript(r).split('\n')) {
    const header = /pulumi-nodejs:dynamic:Resource \(([^)]+)\):/.exec(line) ?? /::pulumi-nodejs:dynamic:Resource::([^:\s]+): (.*)$/.exec(line);
    if (header) {
      current = header[1];
      if (header[2]) out.push([current, shorten(header[2])]);
      continue;
    }
    const bullet = /^\s*(?:\* |error: )(.+)$/.exec(line);
    if (bullet && current && !/^(\d+ errors? occurred:?|update failed|preview failed|refresh failed)$/.test(bullet[1].trim())) out.push([current, shorten(bullet[1])]);
  }
  return out.filter(([n, m], i) => out.findIndex(([n2, m2]) => n2 === n && m2 === m) === i);
}

function shorten(message: string): string {
  return message.replace(/\s+/g, ' ').replace(/\(RequestId [^)]+\)/g, '').slice(0, 160);
}

function fmtCounts(counts: Record<string, number>): string {
  return Object.entries(counts).sort().map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
}

function describeAttempts(result: { attempts: number; failures: string[] }): string {
  if (result.attempts === 1) return 'one up';
  return `${result.attempts} ups (${result.failures.map((f, i) => `up ${i + 1} failed: ${f}`).join('; ')})`;
}

/** The op each resource got in a run (refresh reads only, or the program's steps only). */
function opsByName(r: RunResult, refresh: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const step of r.steps) if (step.type === RESOURCE_TYPE && Boolean(step.refresh) === refresh) out[step.name] = out[step.name] ? `${out[step.name]}+${step.op}` : step.op;
  return out;
}

function fmtOps(ops: Record<string, string>): string {
  return Object.entries(ops).sort().map(([name, op]) => `${name} ${op}`).join(', ') || 'no steps';
}

async function waitFor(probe: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
