// keyMaterialSource end to end through the real Pulumi CLI: the test program (material-sources/program) gives only
// where the material is, never the material; the provider reads the source at create and heal. For each cloud: create,
// drift heal (material deleted out of band) and destroy with each kind: file, env, command and PKCS#11 (SoftHSM2, an
// AES-256 key the HSM wraps with an algorithm SoftHSM can do and the cloud accepts); the PKCS#11 refusals (wrong PIN,
// missing key, unsupported mechanism) at preview, with no call to the cloud; on AWS, a rotation between two HSM keys with
// the first as a pkcs11 source in previousKeyMaterials, healed. The emulator's stored material proves the key is the
// HSM's; the state and every output hold neither the material, nor its wrapped form, nor the PIN.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transcript, type RunResult } from '../../harness';
import { everyCloudEnvironment } from '../support/emulator';
import { forEachEngine, type StackEngine } from '../support/engines';
import { assertNoMaterial } from '../support/leaks';
import { changeOps, failedRun, useScenario, type Scenario } from '../support/scenario';
import { createSoftHsmToken, softHsmModule, type SoftHsmToken } from '../support/softhsm';

const programDir = path.join(__dirname, 'material-sources', 'program');
const CREDENTIALS = { accessKey: 'src-test-ak', secretKey: 'src-test-sk' };
const PIN_ENV = 'IMPORTED_KEY_SCENARIO_HSM_PIN';
const HUAWEI_PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';

interface CloudCase {
  cloud: string;
  /** Its prefix in the emulator's request counts, and its CreateKey operation. */
  counts: string;
  createKey: string;
  /** Arguments it needs besides the material. */
  args: Record<string, unknown>;
  /** One algorithm SoftHSM2 can do (RSAES_OAEP_SHA_1, RSAES_PKCS1_V1_5, RSA_AES_KEY_WRAP_SHA_1) that this cloud accepts. */
  hsmAlgorithm: string;
}

const CLOUDS: CloudCase[] = [
  { cloud: 'aws', counts: 'aws', createKey: 'CreateKey', args: { region: 'us-east-1' }, hsmAlgorithm: 'RSA_AES_KEY_WRAP_SHA_1' },
  { cloud: 'alicloud', counts: 'alicloud', createKey: 'CreateKey', args: { region: 'cn-hangzhou' }, hsmAlgorithm: 'RSAES_OAEP_SHA_1' },
  { cloud: 'huaweicloud', counts: 'huaweicloud', createKey: 'create-key', args: { region: 'cn-north-4', projectId: HUAWEI_PROJECT }, hsmAlgorithm: 'RSAES_PKCS1_V1_5' },
  { cloud: 'pingan', counts: 'pingan', createKey: 'CreateCmk', args: { region: 'cn-shanghai' }, hsmAlgorithm: 'RSAES_PKCS1_V1_5' },
];

/** The emulator's copy of a key's current material (the proof of what was imported), and its store reference. */
function storedKey(scene: Scenario, keyId: string) {
  const store = scene.emulator.store as unknown as { keys: Map<string, { cloud: string; namespace: string }> };
  const key = store.keys.get(keyId);
  assert.ok(key, `the emulator has no key ${keyId}`);
  const ref = { cloud: key.cloud, namespace: key.namespace, keyId };
  return { ref, material: () => scene.emulator.store.materialForUse(ref).material };
}

/** Base64 of 256 bytes or more (an RSA-2048 ciphertext and up: a wrapped key), or hex of as many. */
const WRAPPED_BLOB = /[A-Za-z0-9+/]{340,}={0,2}|[0-9a-fA-F]{512,}/;

/**
 * Neither the material, nor its wrapped form, nor the PIN in the stored files, the state with its secrets decrypted
 * (`stack export --show-secrets`), the outputs, diagnostics and errors. The wrapped form differs at every import, so
 * it is looked for as what it must be: a blob of at least an RSA-2048 ciphertext's length, which nothing recorded is.
 */
function leakCheck(scene: Scenario, e: StackEngine, secrets: Buffer[], pin: string | undefined, runs: RunResult[]): void {
  const texts: Record<string, string> = { stored: scene.storedText(), 'state, secrets decrypted': JSON.stringify(e.state()) };
  runs.forEach((run, index) => {
    texts[`run ${index} outputs`] = JSON.stringify(run.outputs);
    texts[`run ${index} diagnostics`] = JSON.stringify(run.diagnostics);
    texts[`run ${index} error`] = run.error ?? '';
  });
  assertNoMaterial(secrets, { texts });
  for (const [name, text] of Object.entries(texts)) {
    if (pin) assert.ok(!text.includes(pin), `the PIN leaked into ${name}`);
    // The stored files hold Pulumi's own ciphertexts of secrets (long base64 by nature); the decrypted state does not.
    if (name !== 'stored') assert.ok(!WRAPPED_BLOB.test(text), `a blob the size of a wrapped key is in ${name}`);
  }
}

forEachEngine((kind) => {
  const module = softHsmModule();
  for (const target of CLOUDS) {
    describe(`keyMaterialSource on ${target.cloud} (${kind})`, function () {
      this.timeout(240_000);
      const env = { ...everyCloudEnvironment(CREDENTIALS.accessKey, CREDENTIALS.secretKey) };
      const scene = useScenario({
        cloud: target.counts,
        kind,
        tmpPrefix: `src-${target.cloud}-`,
        emulator: CREDENTIALS,
        projectDir: programDir,
        env,
        config: (settings, endpoint) => ({ args: JSON.stringify({ cloud: target.cloud, endpoint, ...target.args, ...settings }) }),
      });
      let token: SoftHsmToken | undefined;
      const hsmValue = randomBytes(32);
      const secondHsmValue = randomBytes(32);
      before(function () {
        if (!module) return;
        token = createSoftHsmToken(module);
        token.createAesKey({ label: 'kms-key', value: hsmValue, sensitive: true, extractable: true });
        token.createAesKey({ label: 'kms-key-2', value: secondHsmValue, sensitive: true, extractable: true });
      });
      after(() => token?.remove());

      /** An engine with the source's settings, the PIN and SOFTHSM2_CONF in its environment. */
      function engine(settings: Record<string, unknown>, extraEnv: Record<string, string> = {}): StackEngine {
        const hsmEnv: Record<string, string> = token ? { SOFTHSM2_CONF: process.env.SOFTHSM2_CONF!, [PIN_ENV]: token.pin } : {};
        return scene.configure(scene.engineFor(programDir, { ...env, ...hsmEnv, ...extraEnv }), settings, '');
      }
      const output = (run: RunResult, name: string) => run.outputs[name] as unknown;

      /** create → material deleted out of band → up heals → destroy; returns the runs. */
      async function lifecycle(settings: Record<string, unknown>, material: Buffer, extraEnv?: Record<string, string>): Promise<RunResult[]> {
        const e = engine(settings, extraEnv);
        const created = await e.up();
        assert.deepEqual(changeOps(created), ['create']);
        const keyId = output(created, 'keyId') as string;
        const stored = storedKey(scene, keyId);
        assert.deepEqual(stored.material(), material, 'the key holds exactly the source\'s material');
        // Drift: the material deleted behind Pulumi's back; the next up (with refresh) imports it again from the source.
        scene.emulator.store.deleteMaterial(stored.ref);
        const healed = await e.up({ refresh: true });
        assert.ok(changeOps(healed).includes('update'), `heal: ${changeOps(healed).join(', ')}`);
        assert.equal(output(healed, 'keyState'), 'Enabled');
        assert.deepEqual(stored.material(), material, 'healed with the same material');
        leakCheck(scene, e, [material], token?.pin, [created, healed]);
        const destroyed = await e.destroy();
        assert.ok(destroyed.ok);
        return [created, healed, destroyed];
      }

      it('file: create, drift heal and destroy; the state records the file\'s path, never its bytes', async () => {
        const file = path.join(scene.dir, 'key.bin');
        fs.writeFileSync(file, scene.material);
        const [created] = await lifecycle({ keyMaterialSource: { file } }, scene.material);
        assert.equal(output(created, 'materialSource'), `file ${file}`);
      });

      (module ? it : it.skip)('pkcs11 (SoftHSM2): the HSM wraps; create, drift heal and destroy import exactly the HSM key; no PIN anywhere', async () => {
        const source = { pkcs11: { module, token: { label: token!.label }, key: { label: 'kms-key' }, pinEnv: PIN_ENV } };
        const [created] = await lifecycle({ keyMaterialSource: source, wrappingAlgorithm: target.hsmAlgorithm }, hsmValue);
        assert.match(String(output(created, 'materialSource')), /^PKCS#11 module .*, key "kms-key"$/);
      });

      it('env and command: create, drift heal and destroy; a command failure says its exit status, not its stderr', async () => {
        const material = scene.material;
        await lifecycle({ keyMaterialSource: { env: 'IMPORTED_KEY_SCENARIO_MATERIAL' } }, material, { IMPORTED_KEY_SCENARIO_MATERIAL: material.toString('base64') });
        // The program prints the material it fetches (here from a file only it reads): never in the argv, which the
        // stack config (plain JSON here) would hold.
        const vault = path.join(scene.dir, 'vault.bin');
        fs.writeFileSync(vault, material);
        const command = [process.execPath, '-e', 'process.stdout.write(require("fs").readFileSync(process.argv[1]).toString("base64"))', vault];
        await lifecycle({ keyMaterialSource: { command } }, material);
        const before = scene.emulator.requestCounts();
        const failing = await failedRun(engine({ keyMaterialSource: { command: [process.execPath, '-e', 'process.stderr.write("vault: token s3cr3t-tok expired"); process.exit(2)'] } }).up());
        assert.match(failing.error ?? JSON.stringify(failing.diagnostics), /exited with status 2/);
        assert.ok(!JSON.stringify(failing).includes('s3cr3t-tok'));
        assert.equal(scene.countsSince(before)[`${target.counts}:${target.createKey}`], undefined);
      });

      (module ? it : it.skip)('pkcs11 refusals at preview: a wrong PIN, a missing key and an unsupported mechanism, each named, nothing created, no PIN shown; up refuses too', async () => {
        const source = (key: string) => ({ pkcs11: { module, token: { label: token!.label }, key: { label: key }, pinEnv: PIN_ENV } });
        const before = scene.emulator.requestCounts();
        const cases: [Record<string, unknown>, Record<string, string>, RegExp][] = [
          [{ keyMaterialSource: source('kms-key'), wrappingAlgorithm: target.hsmAlgorithm }, { [PIN_ENV]: `${token!.pin}-wrong` }, /PIN/],
          [{ keyMaterialSource: source('no-such-key'), wrappingAlgorithm: target.hsmAlgorithm }, {}, /no-such-key/],
          // Every cloud takes RSAES_OAEP_SHA_256; SoftHSM2 cannot do OAEP with SHA-256: the message names what it can do.
          [{ keyMaterialSource: source('kms-key'), wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }, {}, /RSAES_OAEP_SHA_256.*RSAES_OAEP_SHA_1/s],
        ];
        const runs: RunResult[] = [];
        let last: StackEngine | undefined;
        for (const [settings, extraEnv, expected] of cases) {
          const failed = await failedRun((last = engine(settings, extraEnv)).preview());
          runs.push(failed);
          assert.match(`${failed.error ?? ''} ${JSON.stringify(failed.diagnostics)}`, expected);
        }
        const [settings, extraEnv, expected] = cases[2];
        const up = await failedRun(engine(settings, extraEnv).up());
        runs.push(up);
        assert.match(`${up.error ?? ''} ${JSON.stringify(up.diagnostics)}`, expected);
        leakCheck(scene, last!, [hsmValue], token!.pin, runs);
        assert.deepEqual(Object.keys(scene.countsSince(before)).filter((op) => op.startsWith(`${target.counts}:`)), [], 'no call to the cloud at all');
      });

      if (target.cloud === 'aws') {
        it('preview on a runner without the source: an update (so --expect-no-changes fails), the CLI shows the warning naming the source; with IMPORTED_KEY_SOURCE_UNAVAILABLE=fail the preview fails with its error', async () => {
          const file = path.join(scene.dir, 'gitops.bin');
          fs.writeFileSync(file, scene.material);
          const e = engine({ keyMaterialSource: { file } });
          await e.up();
          await e.preview({ refresh: true, expectNoChanges: true });
          fs.renameSync(file, `${file}.away`);
          const warned = await failedRun(e.preview({ refresh: true, expectNoChanges: true }));
          const said = transcript(warned);
          assert.match(said, /~ +pulumi-nodejs:dynamic:Resource key update/, 'planned as an update');
          assert.equal(warned.diagnostics.filter((d) => d.message.includes('cannot be read here')).length, 1, `the warning once: ${JSON.stringify(warned.diagnostics)}`);
          assert.match(said, new RegExp(`keyMaterialSource \\(file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) cannot be read here`), `the warning is shown: ${said.slice(-1500)}`);
          const failing = await failedRun(engine({ keyMaterialSource: { file } }, { IMPORTED_KEY_SOURCE_UNAVAILABLE: 'fail' }).preview({ refresh: true }));
          assert.match(transcript(failing), /file .*gitops\.bin: does not exist/);
          fs.renameSync(`${file}.away`, file);
          await engine({ keyMaterialSource: { file } }).preview({ refresh: true, expectNoChanges: true });
          leakCheck(scene, e, [scene.material], undefined, [warned, failing]);
          assert.ok((await e.destroy()).ok);
        });

        (module ? it : it.skip)('rotate between HSM keys: the key rotates to a second HSM key, previousKeyMaterials names the first as a pkcs11 source, and heals it; destroy', async () => {
          const source = (key: string) => ({ pkcs11: { module, token: { label: token!.label }, key: { label: key }, pinEnv: PIN_ENV } });
          const common = { onMaterialChange: 'rotate', wrappingAlgorithm: target.hsmAlgorithm };
          const e = engine({ keyMaterialSource: source('kms-key'), ...common });
          const created = await e.up();
          const keyId = output(created, 'keyId') as string;
          const stored = storedKey(scene, keyId);
          assert.deepEqual(stored.material(), hsmValue);
          const firstMaterialId = output(created, 'keyMaterialId') as string;
          const rotating = engine({ keyMaterialSource: source('kms-key-2'), previousKeyMaterials: [source('kms-key')], ...common });
          const rotated = await rotating.up();
          assert.deepEqual(changeOps(rotated), ['update'], 'a rotation of the same key, not a replacement');
          assert.equal(output(rotated, 'keyId'), keyId);
          assert.deepEqual(stored.material(), secondHsmValue, 'the key now encrypts with the second HSM key');
          // The first material deleted out of band: the key is PendingImport until the first HSM key is imported again.
          scene.emulator.store.deleteMaterial(stored.ref, firstMaterialId);
          const healed = await rotating.up({ refresh: true });
          assert.ok(changeOps(healed).includes('update'), `heal: ${changeOps(healed).join(', ')}`);
          assert.equal(output(healed, 'keyState'), 'Enabled');
          assert.deepEqual(stored.material(), secondHsmValue);
          leakCheck(scene, rotating, [hsmValue, secondHsmValue], token!.pin, [created, rotated, healed]);
          assert.ok((await rotating.destroy()).ok);
        });
      }
    });
  }
}, ['pulumi CLI']);
