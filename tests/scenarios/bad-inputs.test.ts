// Bad inputs, on the real Pulumi CLI and on the harness: every argument of ImportedKey given wrong in the ways a user
// gets it wrong, on all four clouds (tests/scenarios/bad-inputs/cases.ts), each refused by `pulumi preview` with a
// message that names the argument and says what is allowed — and the emulator counts no call for the whole batch.
//
// A failing Check stops a deployment at that resource (both engines; see cases.ts), so each group is one ImportedKey
// holding several independent bad arguments, previewed on its own stack; the previews run a few at a time.
//
// At the end: one line `bad inputs: N refused at preview, C calls`; with RELIABILITY_COUNTS_DIR set, the same figures
// (and the time per engine) go to $RELIABILITY_COUNTS_DIR/bad-inputs.json for other suites to read.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transcript, type RunResult } from '../../harness';
import { EMULATOR_CREDENTIALS, useEmulator } from '../support/emulator';
import { forEachEngine, makeEngine, type EngineKind } from '../support/engines';
import { assertNoMaterial } from '../support/leaks';
import { failedRun } from '../support/scenario';
import { reliability } from '../support/reliability';
import { BAD_INPUT_COUNT, BAD_INPUT_GROUPS, MISSPELT_MATERIAL, type BadInput, type BadInputGroup } from './bad-inputs/cases';

const PROGRAM = path.join(__dirname, 'bad-inputs', 'program');
/** Previews at a time (each is a few processes; the machine may have two cores). */
const CONCURRENCY = Number(process.env.BAD_INPUTS_CONCURRENCY ?? 3);

/** The provider host's environment: credentials, and no region, project or instance metadata but what a group gives. */
const BASE_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'test', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test', HUAWEICLOUD_SDK_AK: 'test', HUAWEICLOUD_SDK_SK: 'test',
  PINGAN_ACCESS_KEY_ID: 'test', PINGAN_ACCESS_KEY_SECRET: 'test',
  AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '',
  AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  ALIBABA_CLOUD_REGION_ID: '', ALICLOUD_REGION: '', ALIBABACLOUD_REGION_ID: '',
  HW_REGION_NAME: '', HUAWEICLOUD_REGION: '', HUAWEICLOUD_SDK_REGION: '',
  HUAWEICLOUD_SDK_PROJECT_ID: '', HW_PROJECT_ID: '', HUAWEICLOUD_PROJECT_ID: '',
  PINGAN_REGION: '',
};

interface Tally {
  kind: EngineKind;
  refused: number;
  calls: number;
  previews: number;
  seconds: number;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether the preview's output refuses `bad` for the group's resource: a line about that resource whose message (after
 * the CLI's "has a problem: " or the harness's "<urn>: [property: ]") starts with the argument's name and goes on to
 * say what is allowed.
 */
function refused(output: string, group: BadInputGroup, bad: BadInput): boolean {
  const message = new RegExp(`(?:has a problem: |::${escape(group.name)}: (?:[A-Za-z]+: )?)${escape(bad.arg)}[ :].*${escape(bad.allowed)}`);
  return output.split('\n').some((line) => (line.includes(`'${group.name}'`) || line.includes(`::${group.name}:`)) && message.test(line));
}

/** Runs `work` over `items`, `limit` at a time, keeping their order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The materials a group gives (and the misspelt one): none may be printed, in any form. */
function materialsOf(groups: readonly BadInputGroup[]): Buffer[] {
  const out = [MISSPELT_MATERIAL];
  for (const group of groups) {
    if (typeof group.material === 'string' && /^[A-Za-z0-9+/]+=*$/.test(group.material) && group.material.length >= 16) out.push(Buffer.from(group.material, 'base64'));
  }
  return out;
}

describe(`bad inputs: ${BAD_INPUT_COUNT} refused at preview, naming the argument, with no cloud call`, () => {
  const tallies: Tally[] = [];

  it('every resource name is apart from the others (the output is read per resource)', () => {
    const names = BAD_INPUT_GROUPS.map((g) => g.name);
    assert.equal(new Set(names).size, names.length);
    for (const a of names) for (const b of names) if (a !== b) assert.ok(!b.includes(a), `${a} is part of ${b}`);
    assert.ok(BAD_INPUT_COUNT >= 60, `${BAD_INPUT_COUNT} bad inputs`);
    const args = new Set(BAD_INPUT_GROUPS.flatMap((g) => g.expect.map((e) => e.arg)));
    for (const arg of ['cloud', 'region', 'endpoint', 'projectId', 'keyId', 'description', 'alias', 'tags', 'keySpec', 'keyUsage', 'protectionLevel',
      'keyMaterial', 'wrappingAlgorithm', 'wrappingKeySpec', 'expiresAt', 'expiresIn', 'renewBefore', 'onDelete', 'deletionWindowInDays', 'enabled']) {
      assert.ok(args.has(arg), `no bad input for ${arg}`);
    }
  });

  forEachEngine((kind) => describe(`(${kind})`, function () {
    this.timeout(900_000);
    const log: string[] = [];
    const emu = useEmulator({ log: (line) => log.push(line) });
    let dir = '';
    let results: RunResult[] = [];
    let outputs: string[] = [];
    let calls: Record<string, number> = {};

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-inputs-'));
      const before = emu.running.requestCounts();
      const started = Date.now();
      results = await mapLimit(BAD_INPUT_GROUPS, CONCURRENCY, async (group) => {
        const engine = makeEngine(kind, { projectDir: PROGRAM, stateFile: path.join(dir, `${group.name}.json`), env: { ...BASE_ENV, ...group.env } });
        const args = Object.fromEntries(Object.entries(group.args).map(([k, v]) => [k, v === '$EMULATOR' ? emu.url : v]));
        engine.setConfig('badinputs:keys', JSON.stringify([{ name: group.name, args }]));
        engine.setConfig('badinputs:materials', { secret: JSON.stringify(group.material === undefined ? {} : { [group.name]: group.material }) });
        return failedRun(engine.preview());
      });
      const seconds = (Date.now() - started) / 1000;
      outputs = results.map((r) => transcript(r));
      const after = emu.running.requestCounts();
      calls = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
      const refusedHere = BAD_INPUT_GROUPS.reduce((n, group, i) => n + group.expect.filter((bad) => refused(outputs[i], group, bad)).length, 0);
      const callCount = Object.values(calls).reduce((a, b) => a + b, 0);
      tallies.push({ kind, refused: refusedHere, calls: callCount, previews: results.length, seconds });
      console.log(`      ${kind}: ${results.length} previews (${CONCURRENCY} at a time) in ${seconds.toFixed(1)} s; ${refusedHere} of ${BAD_INPUT_COUNT} bad inputs refused, ${callCount} calls`);
    });
    after(() => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('the emulator counts no call for the whole batch', () => {
      assert.deepEqual(calls, {});
      assert.deepEqual(log, []);
    });

    BAD_INPUT_GROUPS.forEach((group, i) => {
      it(`${group.name}: ${group.expect.length} refused — ${group.expect.map((e) => e.arg).join(', ')}`, () => {
        const output = outputs[i];
        assert.equal(results[i].verb, 'preview');
        const missing = group.expect.filter((bad) => !refused(output, group, bad));
        assert.deepEqual(missing.map((bad) => `${bad.arg} (${bad.what}): "${bad.allowed}"`), [], `not refused as expected; the output:\n${output}`);
        // Refused at check: nothing was planned for the resource.
        assert.deepEqual(results[i].steps.filter((s) => s.name === group.name && s.op !== 'same'), []);
      });
    });

    it('no key material is printed, in any form — not even under a misspelt argument name', () => {
      const texts = Object.fromEntries([
        ...results.map((r, i) => [`preview of ${BAD_INPUT_GROUPS[i].name}`, outputs[i] + JSON.stringify(r)]),
        ['emulator log', log.join('\n')],
      ]);
      assert.ok(assertNoMaterial(materialsOf(BAD_INPUT_GROUPS), { texts }) > 0);
    });
  }));

  after(() => {
    if (tallies.length === 0) return;
    const refusedEverywhere = Math.min(...tallies.map((t) => t.refused));
    const calls = tallies.reduce((n, t) => n + t.calls, 0);
    console.log(`bad inputs: ${refusedEverywhere} refused at preview, ${calls} calls`);
    if (calls === 0) reliability.badInputs = refusedEverywhere;
    const dir = process.env.RELIABILITY_COUNTS_DIR;
    if (dir) {
      fs.mkdirSync(dir, { recursive: true });
      const counts = {
        suite: 'bad-inputs', badInputs: BAD_INPUT_COUNT, refusedAtPreview: refusedEverywhere, calls,
        engines: Object.fromEntries(tallies.map((t) => [t.kind, { refused: t.refused, calls: t.calls, previews: t.previews, seconds: Math.round(t.seconds * 10) / 10 }])),
      };
      fs.writeFileSync(path.join(dir, 'bad-inputs.json'), `${JSON.stringify(counts, null, 2)}\n`);
    }
  });
});
