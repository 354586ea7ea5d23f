// The harness CLI: separate processes share one stack through the state file, as `pulumi up`
// and a later `pulumi refresh` do.

import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const fixture = path.join(__dirname, 'fixtures', 'things');
const SECRET = 'cli-secret-5d1e7a';

describe('engine harness CLI', function () {
  // Each run starts real processes (program, host); a loaded CI machine can take a while.
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-cli-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const argv = ['-r', 'ts-node/register/transpile-only', path.join(repo, 'harness', 'cli.ts'), ...args, '--project', fixture, '--state', path.join(dir, 'state.json')];
    try {
      const { stdout, stderr } = await run(process.execPath, argv, { cwd: repo, env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: 'cli-test' } });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  }

  it('keeps one stack across processes: config, up, drift seen by refresh, preview --expect-no-changes, destroy', async () => {
    const storeFile = path.join(dir, 'store.json');
    assert.strictEqual((await cli('config', 'set', 'things:storeFile', storeFile)).code, 0);
    assert.strictEqual((await cli('config', 'set', 'things:things', JSON.stringify([{ name: 'a', value: 'v1', secretFromConfig: true }]))).code, 0);
    assert.strictEqual((await cli('config', 'set', 'things:secret', SECRET, '--secret')).code, 0);

    const up = await cli('up');
    assert.strictEqual(up.code, 0, up.stdout + up.stderr);
    assert.match(up.stdout, /\+ create +a \(pulumi-nodejs:dynamic\/things:Thing\) +id thing-1/);
    assert.match(up.stdout, /firstDigest: "\[secret\]"/);

    const clean = await cli('preview', '--refresh', '--expect-no-changes');
    assert.strictEqual(clean.code, 0, clean.stdout);

    const store = JSON.parse(fs.readFileSync(storeFile, 'utf8'));
    store.things['thing-1'].value = 'drifted';
    fs.writeFileSync(storeFile, JSON.stringify(store));
    const drift = await cli('preview', '--refresh', '--expect-no-changes', '--json');
    assert.strictEqual(drift.code, 1);
    const result = JSON.parse(drift.stdout);
    assert.strictEqual(result.error, 'no changes were expected but changes were proposed');

    const refresh = await cli('refresh');
    assert.strictEqual(refresh.code, 0);
    assert.match(refresh.stdout, /refresh ~ update +a .*\[value\]/);

    const destroy = await cli('destroy');
    assert.strictEqual(destroy.code, 0);
    assert.match(destroy.stdout, /- delete +a/);
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(storeFile, 'utf8')).things, {});
    for (const out of [up, clean, drift, refresh, destroy]) assert.ok(!(out.stdout + out.stderr).includes(SECRET));
    assert.ok(!fs.readFileSync(path.join(dir, 'state.json'), 'utf8').includes(SECRET));
  });

  it('says how to use it when the verb is unknown', async () => {
    const r = await cli('launch');
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /usage: cli.ts/);
  });
});
