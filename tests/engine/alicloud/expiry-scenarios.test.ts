// A rolling expiry (expiresIn / renewBefore) on cloud "alicloud", end to end: the ImportedKey program → the real
// dynamic-provider host (engine harness) → @alicloud/kms20160120 unmodified → the emulator, whose clock is moved to
// make time pass. The provider measures the period on Alibaba's clock (the Date of its replies), so every expected
// time here is the emulator's, and the emulator clock is set 4 days behind real time first to tell the clocks apart.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as $Kms from '@alicloud/kms20160120';
import { startEmulator, type RunningEmulator } from '../../../emulator';
import { decryptWithMaterial } from '../../../emulator/key-crypto';
import { DeploymentFailed, Engine, transcript, type RunResult } from '..';
import { sdkClient } from '../../emulator/alibaba-client';

const AK = 'ali-expiry-ak';
const SK = 'ali-expiry-sk';
const programDir = path.join(__dirname, 'program');
const DAY_S = 86_400;
const DAY = DAY_S * 1000;

describe('alicloud ImportedKey with a rolling expiry (expiresIn) through the engine harness', function () {
  this.timeout(180_000);
  let emulator: RunningEmulator;
  const emulatorLog: string[] = [];
  let dir: string;
  let material: Buffer;

  before(async () => {
    emulator = await startEmulator({ accessKey: AK, secretKey: SK, log: (line) => emulatorLog.push(line) });
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ali-expiry-'));
    material = randomBytes(32);
    // 4 days behind the machine: a provider on the machine's clock would be 4 days off in every check below.
    emulator.clock.set(Date.now() - 4 * DAY);
  });
  afterEach(() => {
    emulator.clock.reset();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function engine(config: Record<string, string>): Engine {
    const values: Record<string, string | { secret: string }> = {
      'alitest:endpoint': emulator.url,
      'alitest:keyMaterial': { secret: material.toString('base64') },
    };
    for (const [k, v] of Object.entries(config)) values[`alitest:${k}`] = v;
    return new Engine({
      projectDir: programDir,
      stateFile: path.join(dir, 'state.json'),
      config: values,
      env: { ALIBABA_CLOUD_ACCESS_KEY_ID: AK, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SK },
    });
  }
  const client = () => sdkClient(emulator.url, AK, SK);
  const describeKey = async (keyId: string) => (await client().describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata;
  const ops = (r: RunResult) => r.steps.filter((s) => !s.refresh).map((s) => s.op);
  async function calls(work: () => Promise<unknown>): Promise<Record<string, number>> {
    const before = emulator.requestCounts();
    await work();
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(emulator.requestCounts())) if (k.startsWith('alibaba:') && v !== (before[k] ?? 0)) out[k.slice(8)] = v - (before[k] ?? 0);
    return out;
  }
  async function failed(p: Promise<unknown>): Promise<RunResult> {
    const error = await p.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof DeploymentFailed, `expected the run to fail, got ${String(error)}`);
    return error.result;
  }
  /** validTo is `days` after the emulator's `at`, to the few seconds a run takes. */
  function assertValidIn(validTo: string, days: number, at: number): void {
    const off = Date.parse(validTo) - (at + days * DAY);
    assert.ok(Math.abs(off) < 30_000, `validTo ${validTo} is ${off} ms from emulator-now + ${days} days`);
  }
  /** Encrypt through Alibaba's API, decrypt locally with the material we hold: the key has exactly that material. */
  async function provesMaterial(keyId: string): Promise<void> {
    const sealed = await client().encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'proof' }));
    assert.equal(decryptWithMaterial(keyId, material, Buffer.from(sealed.ciphertextBlob, 'base64')).toString('utf8'), 'proof');
  }

  it('imports with MaterialExpireTime = emulator-now + 30 days; inside renewBefore nothing changes; past it up reimports in place; past expiry a plain up heals', async () => {
    const args = { expiresIn: 'P30D' }; // renewBefore defaults to half: 15 days
    const createdAt = emulator.clock.now();
    const created = await engine(args).up();
    assert.deepEqual(ops(created), ['create']);
    const keyId = created.outputs.keyId as string;
    assertValidIn(created.outputs.validTo as string, 30, createdAt);
    assertValidIn(new Date((await describeKey(keyId)).materialExpireTime).toISOString(), 30, createdAt);
    assert.equal(created.outputs.expirationModel, 'KEY_MATERIAL_EXPIRES');
    const sealed = await client().encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'made before any renewal' }));

    // 10 days later: 20 days left, more than renewBefore (15 days) → nothing to do, one DescribeKey.
    emulator.clock.advance(10 * DAY_S);
    let quiet: RunResult | undefined;
    assert.deepEqual(await calls(async () => (quiet = await engine(args).up())), { DescribeKey: 1 });
    assert.deepEqual(ops(quiet!), ['same']);
    assert.ok((await engine(args).preview({ refresh: true, expectNoChanges: true })).ok);

    // 16 days after the import: 14 days left, closer than renewBefore → drift for the pipeline, an in-place renewal by up.
    emulator.clock.advance(6 * DAY_S);
    const drift = await failed(engine(args).preview({ refresh: true, expectNoChanges: true }));
    assert.match(drift.error ?? '', /no changes were expected/);
    const renewedAt = emulator.clock.now();
    let renewal: RunResult | undefined;
    const renewCalls = await calls(async () => (renewal = await engine(args).up()));
    assert.deepEqual(ops(renewal!), ['update']);
    assert.equal(renewCalls.ImportKeyMaterial, 1);
    assert.equal(renewCalls.DeleteKeyMaterial, undefined, 'Alibaba reimports over live material: nothing is deleted');
    assert.equal(renewCalls.CreateKey, undefined);
    assert.equal(renewal!.outputs.keyId, keyId);
    assertValidIn(renewal!.outputs.validTo as string, 30, renewedAt);
    const opened = await client().decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }));
    assert.equal(opened.plaintext, 'made before any renewal', 'the same material was imported again');
    assert.deepEqual(ops(await engine(args).up()), ['same'], 'a renewed key is quiet again');

    // Past the renewed expiry with no run in between: the key is PendingImport, and a plain up (no --refresh) heals it.
    emulator.clock.advance(31 * DAY_S);
    assert.equal((await describeKey(keyId)).keyState, 'PendingImport');
    const healedAt = emulator.clock.now();
    const healed = await engine(args).up();
    assert.deepEqual(ops(healed), ['update']);
    assert.equal(healed.outputs.keyState, 'Enabled');
    assertValidIn(healed.outputs.validTo as string, 30, healedAt);
    await provesMaterial(keyId);

    for (const text of [fs.readFileSync(path.join(dir, 'state.json'), 'utf8'), ...[created, quiet!, renewal!, healed].map(transcript), emulatorLog.join('\n')]) {
      assert.ok(!text.includes(material.toString('base64')) && !text.includes(material.toString('hex')), 'key material leaked');
    }
  });

  it('renewBefore sets the window; a new expiresIn is an in-place reimport restarting the period', async () => {
    const created = await engine({ expiresIn: 'P30D', renewBefore: 'P5D' }).up();
    const keyId = created.outputs.keyId as string;
    emulator.clock.advance(20 * DAY_S); // 10 days left > 5 days
    assert.deepEqual(ops(await engine({ expiresIn: 'P30D', renewBefore: 'P5D' }).up()), ['same']);

    const longerAt = emulator.clock.now();
    let longer: RunResult | undefined;
    const longerCalls = await calls(async () => (longer = await engine({ expiresIn: 'P60D', renewBefore: 'P5D' }).up()));
    assert.deepEqual(ops(longer!), ['update']);
    assert.deepEqual([longerCalls.ImportKeyMaterial, longerCalls.DeleteKeyMaterial, longerCalls.CreateKey], [1, undefined, undefined]);
    assert.equal(longer!.outputs.keyId, keyId);
    assertValidIn(longer!.outputs.validTo as string, 60, longerAt);
    await provesMaterial(keyId);
  });

  it('check failures stop preview before any Alibaba call, naming the fields', async () => {
    let result: RunResult | undefined;
    assert.deepEqual(await calls(async () => (result = await failed(engine({ expiresIn: 'PT30M', renewBefore: 'P1M' }).preview()))), {});
    const text = transcript(result!);
    assert.match(text, /expiresIn.*at least/);
    assert.match(text, /renewBefore.*years or months/);
  });
});
