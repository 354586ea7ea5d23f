// The kms-emulator CLI's arguments as a real process: --help prints the usage and exits 0; a --state that cannot be
// the state file (a folder, a file in a folder that does not exist) fails at once, exit 2, naming --state — before
// listening, not at the first change when the emulator would fail to save.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP, parseArgs, stateFileProblem, USAGE } from '../../bin/kms-emulator';

const CLI = join(__dirname, '..', '..', 'bin', 'kms-emulator.ts');

/** Runs kms-emulator to its exit (at most 20 s: a run that starts listening is killed and fails the test). */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, ...args], {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after 20 s; stdout: ${stdout} stderr: ${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('kms-emulator arguments', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kms-emulator-args-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const flag of ['--help', '-h']) {
    it(`${flag} prints the usage on stdout and exits 0, without listening`, async () => {
      const { code, stdout, stderr } = await run([flag]);
      assert.equal(code, 0, stderr);
      assert.equal(stdout, HELP);
      assert.ok(stdout.startsWith(USAGE));
      assert.match(stdout, /--state FILE/);
      assert.doesNotMatch(stdout, /^kms-emulator listening on/m);
      assert.equal(stderr, '');
    });
  }

  it('--state naming a directory fails at once, exit 2, saying it is a directory and what to give instead', async () => {
    const { code, stdout, stderr } = await run(['--state', dir]);
    assert.equal(code, 2);
    assert.equal(stdout, '', 'never listened');
    assert.match(stderr, new RegExp(`--state ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a directory; give a file path, e.g. .*kms-state\\.json`));
    assert.doesNotMatch(stderr, /EISDIR/);
  });

  it('--state in a folder that does not exist fails at once (it would fail only at the first save), exit 2', async () => {
    const file = join(dir, 'missing', 'state.json');
    const { code, stdout, stderr } = await run(['--state', file]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /--state .*state\.json: the folder .*missing does not exist; create it first/);
  });

  it('stateFileProblem accepts a new file in an existing folder and an existing state file', () => {
    assert.equal(stateFileProblem(join(dir, 'state.json')), undefined);
    writeFileSync(join(dir, 'state.json'), '');
    assert.equal(stateFileProblem(join(dir, 'state.json')), undefined);
    assert.match(stateFileProblem(dir) ?? '', /is a directory/);
    assert.match(stateFileProblem(join(dir, 'state.json', 'x')) ?? '', /is not a folder/);
  });

  it('--quotas published[:SCALE] sets the quota preset; a bad value fails at once, exit 2, naming --quotas', async () => {
    assert.deepEqual(parseArgs(['--quotas', 'published']).quotas, { preset: 'published' });
    assert.deepEqual(parseArgs(['--quotas', 'published:10']).quotas, { preset: 'published', scale: 10 });
    assert.deepEqual(parseArgs(['--quotas', 'published:0.5']).quotas, { preset: 'published', scale: 0.5 });
    for (const bad of ['aws', 'published:', 'published:x', 'published:0', 'published:1:2']) {
      assert.throws(() => parseArgs(['--quotas', bad]), /--quotas must be PRESET or PRESET:SCALE/, bad);
    }
    const { code, stdout, stderr } = await run(['--quotas', 'published:fast']);
    assert.equal(code, 2);
    assert.equal(stdout, '', 'never listened');
    assert.match(stderr, /--quotas must be PRESET or PRESET:SCALE \(e\.g\. published or published:10\), not 'published:fast'/);
    assert.match(HELP, /--quotas PRESET\[:SCALE\]/);
  });

  it('--rotation-delay SECONDS sets how long an AWS rotation takes; a bad value fails at once, naming --rotation-delay', () => {
    assert.equal(parseArgs(['--rotation-delay', '0']).rotationDelaySeconds, 0);
    assert.equal(parseArgs(['--rotation-delay', '1.5']).rotationDelaySeconds, 1.5);
    assert.equal(parseArgs([]).rotationDelaySeconds, undefined);
    for (const bad of ['-1', 'soon', '']) {
      assert.throws(() => parseArgs(['--rotation-delay', bad]), /--rotation-delay must be a number of seconds, 0 or more/, bad);
    }
    assert.match(HELP, /--rotation-delay SECONDS/);
  });
});
