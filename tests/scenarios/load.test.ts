// Keys under load: the 200-key quota run (bench/bulk-quota.ts). ONE stack of 200 AWS ImportedKeys through the real
// Pulumi CLI at its default parallelism, against an emulator enforcing AWS's published request quotas — the bound is
// GetParametersForImport at 0.25 per second — scaled by LOAD_QUOTA_SCALE (default 20, so that the quota-bound minimum
// is ~40 s instead of ~800 s; the provider host is told the same scale, IMPORTED_KEY_QUOTA_SCALE). Every key must end
// Enabled with its own material, created by one accepted CreateKey, its rolling expiry measured on the cloud's clock,
// with NO failed step; then `pulumi destroy` schedules the deletion of every one. The other three clouds run the same
// way, together in one stack, under their own published quotas with fewer keys (at scale 1 by default: OTHER_SCALE). The time is printed beside the quota-bound
// minimum and their ratio (the goal is at most 1.1 at real quotas; a test asserts correctness, not timing).
//
// Sizes: LOAD_KEYS AWS keys on the CLI (default 200) and LOAD_OTHER_KEYS per other cloud (default 20); the harness runs
// the steps one by one, so its variant stays small (LOAD_HARNESS_KEYS per cloud, default 5).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { transcript, type RunResult } from '../../harness';
import { findPulumiCli } from '../../scripts/pulumi-cli/locate';
import { bulkQuotaRun, type BulkRun, type BulkRunResult } from '../../bench/bulk-quota';
import { forEachEngine, storedFiles, storedText, type EngineKind } from '../support/engines';
import { assertNoMaterial } from '../support/leaks';
import { aliasFor, EMULATOR_CLOUD, LOAD_CLOUDS, materialFor, type LoadCloud } from './load/material';
import { reliability } from '../support/reliability';

const DAY_MS = 86_400_000;
/** What a dynamic resource is in the state. */
const RESOURCE_TYPE = 'pulumi-nodejs:dynamic:Resource';
/** The emulator clock runs this far ahead of the machine's: a rolling expiry measured on the machine clock shows it. */
const CLOCK_AHEAD_MS = 3 * DAY_MS;
const EXPIRES_IN = 'P30D';
const SCALE = Number(process.env.LOAD_QUOTA_SCALE ?? 20);
/**
 * The other clouds' quotas are 40 to 200 times looser than AWS's GetParametersForImport (Huawei: 20 requests a second
 * for every API; Alibaba: 10 creates, 50 reads, 30 writes): at AWS's scale 20 keys would never meet them, so they run
 * at their real figures by default (LOAD_OTHER_QUOTA_SCALE), where Huawei's one TPS bounds the run.
 */
const OTHER_SCALE = Number(process.env.LOAD_OTHER_QUOTA_SCALE ?? 1);
/** Each cloud's name for the call that makes a key (the quota counters use the protocol names: aws, alicloud, huaweicloud, pingan). */
const CREATE_OP: Record<LoadCloud, string> = { aws: 'CreateKey', alicloud: 'CreateKey', huaweicloud: 'create-key', pingan: 'CreateCmk' };

function counts(kind: EngineKind, clouds: readonly LoadCloud[]): Partial<Record<LoadCloud, number>> {
  const per = (cloud: LoadCloud) =>
    Number(kind === 'harness' ? process.env.LOAD_HARNESS_KEYS ?? 5 : cloud === 'aws' ? process.env.LOAD_KEYS ?? 200 : process.env.LOAD_OTHER_KEYS ?? 20);
  return Object.fromEntries(clouds.map((cloud) => [cloud, per(cloud)]));
}

/** The CLI's default --parallel, as `pulumi up --help` states it. */
function cliDefaultParallel(): string {
  const cli = findPulumiCli();
  if (!cli) return 'unknown';
  const help = execFileSync(cli.bin, ['up', '--help'], { encoding: 'utf8', env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: 'true' } });
  return /--parallel\b.*\(default (\d+)\)/.exec(help)?.[1] ?? 'unknown';
}

/** Every key Enabled, with its own material, made by one accepted CreateKey, expiring 30 days after the cloud's now. */
function assertEveryKeyProven(run: BulkRun, clouds: readonly LoadCloud[]): void {
  const { emulator, engine, names, up, seed, accepted } = run;
  assert.deepEqual(up.steps.filter((s) => s.failed).map((s) => s.name), [], 'no failed step');
  assert.ok(up.ok, `up succeeded: ${up.error ?? ''}`);
  assert.equal(up.steps.filter((s) => s.op === 'create').length, names.length, 'one create step per key');
  const state = engine.state().resources.filter((r) => r.type === RESOURCE_TYPE);
  assert.equal(state.length, names.length, 'every key in the state');
  const stored = emulator.store.snapshot().keys;
  for (const cloud of clouds) {
    const emuCloud = EMULATOR_CLOUD[cloud];
    const ours = names.filter((n) => n.cloud === cloud);
    const keys = stored.filter((k) => k.cloud === emuCloud);
    assert.equal(keys.length, ours.length, `${cloud}: ${keys.length} keys in the emulator, expected ${ours.length}`);
    assert.equal(accepted[`${cloud}:${CREATE_OP[cloud]}`] ?? 0, ours.length, `${cloud}: one accepted ${CREATE_OP[cloud]} per key`);
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
        assert.equal(key!.attributes.alias, aliasFor(cloud, name), `${name}: the key has its alias ${aliasFor(cloud, name)}`);
      } else {
        assert.equal(emulator.store.findAlias(emuCloud, key!.namespace, aliasFor(cloud, name)!)?.keyId, key!.id, `${name}: ${aliasFor(cloud, name)} names its key`);
      }
      const { material } = emulator.store.materialForUse({ cloud: emuCloud, namespace: key!.namespace, keyId: key!.id });
      assert.ok(material.equals(materialFor(seed, name)), `${name}: the key holds its own material`);
      const expires = key!.materialExpiresAt;
      assert.ok(expires !== undefined, `${name}: the material expires`);
      assert.ok(expires >= Math.floor(run.emulatorSpan.start / 1000) * 1000 + 30 * DAY_MS - 2000 && expires <= run.emulatorSpan.end + 30 * DAY_MS + 1000,
        `${name}: expires ${new Date(expires).toISOString()}, 30 days after the cloud's now`);
    }
  }
  const ids = state.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'no two resources share a key');
}

/** Every key pending deletion, the state empty, and the material nowhere: stored state, transcripts, the emulator's log. */
function assertDestroyedClean(run: BulkRun, destroy: RunResult, clouds: readonly LoadCloud[]): number {
  const { emulator, engine, names, seed, up } = run;
  assert.equal(destroy.steps.filter((s) => s.op === 'delete').length, names.length, 'one delete step per key');
  assert.equal(engine.state().resources.filter((r) => r.type === RESOURCE_TYPE).length, 0, 'the state is empty');
  const after = emulator.store.snapshot().keys;
  for (const cloud of clouds) {
    const keys = after.filter((k) => k.cloud === EMULATOR_CLOUD[cloud]);
    assert.deepEqual(keys.filter((k) => k.state !== 'PendingDeletion').map((k) => k.id), [], `${cloud}: every key pending deletion`);
  }
  const checks = assertNoMaterial([Buffer.from(seed, 'base64'), ...names.map(({ name }) => materialFor(seed, name))], {
    texts: {
      'the stored state': storedText(engine, run.stateFile),
      'the up transcript': transcript(up),
      'the destroy transcript': transcript(destroy),
      'the run results': JSON.stringify([up, destroy]),
      'the emulator log': run.log.join('\n'),
    },
    files: storedFiles(engine, run.stateFile),
  });
  assert.ok(checks > names.length * 5, `${checks} leak checks`);
  return checks;
}

function report(title: string, kind: EngineKind, scale: number, r: BulkRunResult): void {
  console.log(`      ${title} (${kind}), published quotas × ${scale}:`);
  console.log(`        pulumi up ${r.seconds.toFixed(1)} s beside the quota-bound minimum ${r.minimumSeconds.toFixed(1)} s (${r.bottleneck.cloud} "${r.bottleneck.quota}", ${r.bottleneck.requests} requests at ${r.bottleneck.perSecond}/s): ratio ${r.minimumSeconds > 0 ? (r.seconds / r.minimumSeconds).toFixed(2) : 'n/a (every quota within one burst)'}`);
  console.log(`        failed steps ${r.failedSteps}; throttled replies ${r.throttledReplies} ${JSON.stringify(r.throttledBy)}; first request at ${r.timeline.firstRequest.toFixed(1)} s, last at ${r.timeline.lastRequest.toFixed(1)} s`);
}

forEachEngine((kind) => describe(`load: the quota run — one stack of many ImportedKeys under the clouds' published request quotas (${kind})`, function () {
  this.timeout(1_200_000);
  before(() => {
    if (kind === 'pulumi CLI') console.log(`      the CLI's default --parallel: ${cliDefaultParallel()} (not overridden)`);
  });

  const cases: Array<{ title: string; clouds: readonly LoadCloud[]; scale: number }> = [
    { title: `AWS (GetParametersForImport 0.25/s) × ${SCALE}`, clouds: ['aws'], scale: SCALE },
    { title: `Alibaba, Huawei and Ping An together × ${OTHER_SCALE}`, clouds: LOAD_CLOUDS.filter((c) => c !== 'aws'), scale: OTHER_SCALE },
  ];
  for (const { title, clouds, scale } of cases) {
    const sizes = counts(kind, clouds);
    const total = Object.values(sizes).reduce((a, b) => a + (b ?? 0), 0);
    it(`${title}: ${JSON.stringify(sizes)} keys, every one Enabled with its own material, created once, no failed step; destroy schedules every one`, async () => {
      let proven = 0;
      const result = await bulkQuotaRun({
        counts: sizes,
        scale,
        kind,
        expiresIn: EXPIRES_IN,
        prepare: (emulator) => emulator.clock.set(Date.now() + CLOCK_AHEAD_MS),
        afterDestroy: (run, destroy) => {
          assertDestroyedClean(run, destroy, clouds);
          proven = run.names.length;
        },
      }, (run) => assertEveryKeyProven(run, clouds));
      report(`up: ${total} keys`, kind, scale, result);
      assert.equal(result.failedSteps, 0);
      assert.equal(proven, total);
      // Every key was proven (Enabled, its own material, one CreateKey) and destroyed: none lost, none twice.
      reliability.keysUnderLoad += proven;
    });
  }
}));
