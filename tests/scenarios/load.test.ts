// Load: one stack of many ImportedKeys on AWS, Alibaba, Huawei and Ping An (tests/scenarios/load/program) against one emulator
// that throttles each cloud as a real account quota does (at most LOAD_RPS requests a second per cloud, default 5).
// Through the real Pulumi CLI at its default parallelism, the steps of one `pulumi up` run at the same time in one
// dynamic-provider host: every key must end Enabled with its own material, none lost, none created twice, its rolling
// expiry measured on the cloud's clock; then `pulumi destroy` schedules the deletion of every one. The figures (calls
// per operation, throttled replies, wall time) are printed for the record.
//
// Sizes: LOAD_KEYS keys per cloud on the CLI (default 40), LOAD_HARNESS_KEYS on the harness (default 10: the harness
// runs the steps one by one, so the load, the throttling and the concurrency this scenario is about stay on the CLI).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { transcript, type RunResult } from '../../harness';
import { findPulumiCli } from '../../scripts/pulumi-cli/locate';
import { forEachEngine, storedFiles, type EngineKind } from '../support/engines';
import { everyCloudEnvironment } from '../support/emulator';
import { assertNoMaterial } from '../support/leaks';
import { useScenario } from '../support/scenario';
import { aliasFor, EMULATOR_CLOUD, keyNames, LOAD_CLOUDS, materialFor, type LoadCloud } from './load/material';
import { reliability } from '../support/reliability';

const ACCESS_KEY = 'load-ak';
const SECRET_KEY = 'load-sk';
const PROJECT = '5e1f0c3a9b8d47e6a2c4f7081d3b6e95';
const DAY_MS = 86_400_000;
/** What a dynamic resource is in the state. */
const RESOURCE_TYPE = 'pulumi-nodejs:dynamic:Resource';
/** The emulator clock runs this far ahead of the machine's: a rolling expiry measured on the machine clock shows it. */
const CLOCK_AHEAD_MS = 3 * DAY_MS;
const EXPIRES_IN = 'P30D';
const RATE_PER_SECOND = Number(process.env.LOAD_RPS ?? 5);
/** One quota per cloud and account, over all its operations (as Alibaba's per-user flow control and Huawei's API gateway count). */
const QUOTA_TARGETS = LOAD_CLOUDS.map((cloud) => `${EMULATOR_CLOUD[cloud]}:*`);
/** Each cloud's name for the call that makes a key. */
const CREATE_OP: Record<LoadCloud, string> = { aws: 'CreateKey', alicloud: 'CreateKey', huaweicloud: 'create-key', pingan: 'CreateCmk' };

function keysPerCloud(kind: EngineKind): number {
  return Number(kind === 'pulumi CLI' ? process.env.LOAD_KEYS ?? 40 : process.env.LOAD_HARNESS_KEYS ?? 10);
}

/** The CLI's default --parallel, as `pulumi up --help` states it. */
function cliDefaultParallel(): string {
  const cli = findPulumiCli();
  if (!cli) return 'unknown';
  const help = execFileSync(cli.bin, ['up', '--help'], { encoding: 'utf8', env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: 'true' } });
  return /--parallel\b.*\(default (\d+)\)/.exec(help)?.[1] ?? 'unknown';
}

forEachEngine((kind) => describe(`load: ${keysPerCloud(kind)} ImportedKeys per cloud in one stack, throttled emulator (${kind})`, function () {
  this.timeout(600_000);
  const perCloud = keysPerCloud(kind);
  const counts: Record<LoadCloud, number> = { aws: perCloud, alicloud: perCloud, huaweicloud: perCloud, pingan: perCloud };
  const scene = useScenario({
    cloud: 'aws',
    kind,
    tmpPrefix: 'imported-key-load-',
    emulator: { accessKey: ACCESS_KEY, secretKey: SECRET_KEY },
    projectDir: path.join(__dirname, 'load', 'program'),
    env: everyCloudEnvironment(ACCESS_KEY, SECRET_KEY),
    config: (settings, endpoint, seed) => {
      const values: Record<string, string | { secret: string }> = { 'loadtest:endpoint': endpoint, 'loadtest:projectId': PROJECT, 'loadtest:seed': { secret: seed } };
      for (const [k, v] of Object.entries(settings)) if (v !== undefined) values[`loadtest:${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
      return values;
    },
  });

  /** Throttled replies by `<cloud>:<Operation>`; for each key, when it was created and when its material came in. */
  const throttled: Record<string, number> = {};
  const lifetimes = new Map<string, { created: number; imported?: number }>();
  let restore: (() => void) | undefined;
  function watchEmulator(): void {
    const { faults, store } = scene.emulator;
    const { decide } = faults;
    const { createKey, importMaterial } = store;
    faults.decide = function (cloud, operation) {
      const decision = decide.call(this, cloud, operation);
      if (decision.throttle) throttled[`${cloud}:${operation}`] = (throttled[`${cloud}:${operation}`] ?? 0) + 1;
      return decision;
    };
    store.createKey = function (input) {
      const key = createKey.call(this, input);
      lifetimes.set(key.id, { created: Date.now() });
      return key;
    };
    store.importMaterial = function (ref, input) {
      const key = importMaterial.call(this, ref, input);
      const lifetime = lifetimes.get(key.id);
      if (lifetime && lifetime.imported === undefined) lifetime.imported = Date.now();
      return key;
    };
    // The wrappers are own properties over the classes' methods: deleting them restores the emulator.
    restore = () => {
      delete (faults as Partial<typeof faults>).decide;
      delete (store as Partial<typeof store>).createKey;
      delete (store as Partial<typeof store>).importMaterial;
    };
  }

  /** The most keys between CreateKey and their import at one time: how many create steps ran at once. */
  function mostAtOnce(): number {
    const edges = [...lifetimes.values()].flatMap(({ created, imported }) => [[created, 1], [imported ?? Infinity, -1]] as const);
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let most = 0;
    for (const [, change] of edges) most = Math.max(most, (now += change));
    return most;
  }
  afterEach(async () => {
    restore?.();
    await scene.emu.setClock(new Date().toISOString());
  });

  const sum = (values: Record<string, number>, cloud: string, op?: string) =>
    Object.entries(values).filter(([k]) => (op ? k === `${cloud}:${op}` : k.startsWith(`${cloud}:`))).reduce((n, [, v]) => n + v, 0);
  const diff = (after: Record<string, number>, before: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));

  function report(title: string, calls: Record<string, number>, throttledNow: Record<string, number>, ms: number): void {
    console.log(`      ${title} (${kind}): ${(ms / 1000).toFixed(1)} s`);
    for (const cloud of LOAD_CLOUDS.map((c) => EMULATOR_CLOUD[c])) {
      const ops = Object.keys(calls).filter((k) => k.startsWith(`${cloud}:`)).sort();
      const line = ops.map((k) => `${k.slice(cloud.length + 1)} ${calls[k]}${throttledNow[k] ? ` (${throttledNow[k]} throttled)` : ''}`).join(', ');
      console.log(`        ${cloud}: ${sum(calls, cloud)} requests, ${sum(throttledNow, cloud)} throttled — ${line}`);
    }
  }

  it('creates every key Enabled with its own material, once, through throttling; destroy schedules every one', async () => {
    const names = keyNames(counts);
    const seed = scene.material.toString('base64');
    await scene.emu.setClock(new Date(Date.now() + CLOCK_AHEAD_MS).toISOString());
    for (const target of QUOTA_TARGETS) await scene.emu.addFault({ target, maxPerSecond: RATE_PER_SECOND });
    watchEmulator();
    if (kind === 'pulumi CLI') console.log(`      the CLI's default --parallel: ${cliDefaultParallel()} (not overridden)`);

    // ---- up ----
    const e = scene.engine({ counts, expiresIn: EXPIRES_IN });
    const before = scene.emulator.requestCounts();
    const throttledBefore = { ...throttled };
    const emulatorStart = scene.emulator.clock.now();
    let started = Date.now();
    let up: RunResult;
    try {
      up = await e.up();
    } finally {
      report(`up: ${names.length} keys`, diff(scene.emulator.requestCounts(), before), diff(throttled, throttledBefore), Date.now() - started);
      console.log(`        keys between CreateKey and their import at one time (steps at once): at most ${mostAtOnce()}`);
    }
    const emulatorEnd = scene.emulator.clock.now();
    const upCalls = diff(scene.emulator.requestCounts(), before);
    const upThrottled = diff(throttled, throttledBefore);

    // The run was the one this scenario is about: steps at once on the CLI (one by one on the harness), many throttled.
    if (kind === 'pulumi CLI') {
      assert.ok(mostAtOnce() > 1, 'the CLI ran create steps at the same time');
      assert.ok(Object.values(upThrottled).reduce((a, b) => a + b, 0) > names.length, 'many calls were throttled');
    } else {
      assert.equal(mostAtOnce(), 1, 'the harness runs one step at a time');
    }
    assert.equal(up.steps.filter((s) => s.op === 'create').length, names.length, 'one create step per key');
    assert.ok(up.steps.every((s) => !s.failed), 'no failed step');
    const state = e.state().resources.filter((r) => r.type === RESOURCE_TYPE);
    assert.equal(state.length, names.length, 'every key in the state');

    // Each cloud: exactly its keys in the store, each created by one accepted CreateKey, Enabled, holding its own
    // material, expiring 30 days after the emulator's now (the cloud's clock, 3 days ahead of the machine's).
    const stored = scene.emulator.store.snapshot().keys;
    for (const cloud of LOAD_CLOUDS) {
      const emuCloud = EMULATOR_CLOUD[cloud];
      const ours = names.filter((n) => n.cloud === cloud);
      const keys = stored.filter((k) => k.cloud === emuCloud);
      assert.equal(keys.length, ours.length, `${cloud}: ${keys.length} keys in the emulator, expected ${ours.length}`);
      assert.equal(sum(upCalls, emuCloud, CREATE_OP[cloud]) - sum(upThrottled, emuCloud, CREATE_OP[cloud]),
        ours.length, `${cloud}: one accepted CreateKey per key`);
      for (const { name } of ours) {
        const resource = state.find((r) => r.name === name);
        assert.ok(resource?.id, `${name} has an id`);
        const key = keys.find((k) => k.id === resource!.id);
        assert.ok(key, `${name}: its key ${resource!.id} is in the emulator`);
        assert.equal(key!.state, 'Enabled', `${name} is Enabled`);
        if (cloud === 'huaweicloud') {
          const alias = String(key!.attributes.key_alias);
          assert.ok(alias.startsWith(`${name}-`), `${name}: its alias ${alias} is derived from its name`);
        } else if (cloud === 'pingan') {
          // Ping An keeps the alias CreateCmk set on the key itself.
          assert.equal(key!.attributes.alias, aliasFor(cloud, name), `${name}: the key has its alias ${aliasFor(cloud, name)}`);
        } else {
          assert.equal(scene.emulator.store.findAlias(emuCloud, key!.namespace, aliasFor(cloud, name)!)?.keyId, key!.id, `${name}: ${aliasFor(cloud, name)} names its key`);
        }
        const { material } = scene.emulator.store.materialForUse({ cloud: emuCloud, namespace: key!.namespace, keyId: key!.id });
        assert.ok(material.equals(materialFor(seed, name)), `${name}: the key holds its own material`);
        assert.ok(key!.materialExpiresAt !== undefined, `${name}: the material expires`);
        const expires = key!.materialExpiresAt!;
        assert.ok(expires >= Math.floor(emulatorStart / 1000) * 1000 + 30 * DAY_MS - 2000 && expires <= emulatorEnd + 30 * DAY_MS + 1000,
          `${name}: expires ${new Date(expires).toISOString()}, 30 days after the cloud's now (${new Date(emulatorStart).toISOString()}…)`);
      }
    }
    const ids = state.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'no two resources share a key');

    // ---- destroy ----
    const beforeDestroy = scene.emulator.requestCounts();
    const throttledBeforeDestroy = { ...throttled };
    started = Date.now();
    let destroyed: RunResult;
    try {
      destroyed = await e.destroy();
    } finally {
      report(`destroy: ${names.length} keys`, diff(scene.emulator.requestCounts(), beforeDestroy), diff(throttled, throttledBeforeDestroy), Date.now() - started);
    }
    assert.equal(destroyed.steps.filter((s) => s.op === 'delete').length, names.length, 'one delete step per key');
    assert.equal(e.state().resources.filter((r) => r.type === RESOURCE_TYPE).length, 0, 'the state is empty');
    const after = scene.emulator.store.snapshot().keys;
    for (const cloud of LOAD_CLOUDS) {
      const keys = after.filter((k) => k.cloud === EMULATOR_CLOUD[cloud]);
      assert.equal(keys.length, counts[cloud]);
      assert.deepEqual(keys.filter((k) => k.state !== 'PendingDeletion').map((k) => k.id), [], `${cloud}: every key pending deletion`);
    }
    console.log(`        throttled replies in all: ${Object.values(throttled).reduce((a, b) => a + b, 0)}`);
    // Every key was proven above (Enabled, its own material, one CreateKey) and destroyed: none lost, none twice.
    reliability.keysUnderLoad += names.length;

    // ---- no material (nor the seed) anywhere: the stored state and workspace, the runs' transcripts, the emulator's log ----
    const checks = assertNoMaterial([scene.material, ...names.map(({ name }) => materialFor(seed, name))], {
      texts: {
        'the stored state (scene.storedText)': scene.storedText(),
        'the up transcript': transcript(up),
        'the destroy transcript': transcript(destroyed),
        'the run results': JSON.stringify([up, destroyed]),
        'the emulator log': scene.log.join('\n'),
      },
      files: storedFiles(e, scene.stateFile),
    });
    assert.ok(checks > names.length * 5, `${checks} leak checks`);
  });
}));
