// `npm run demo` end to end: it must pass on the emulator on both engines (IMPORTED_KEY_DEMO_ENGINE forces one),
// say which engine drives it, never print the material, leave nothing behind, and exit 1 when a step fails.
//
// Each run gets its own TMPDIR (the demo's work folder goes there) and a known material
// (IMPORTED_KEY_DEMO_MATERIAL_FILE), so the test can look for the material in everything the demo printed or left.

import * as assert from 'assert';
import { ChildProcess, execFile, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findPulumiCli } from '../../scripts/pulumi-cli/locate';
import { skippedForNoCli } from '../support/engines';

const repo = path.resolve(__dirname, '..', '..');
const DEMO_ARGS = ['-r', 'ts-node/register/transpile-only', path.join(repo, 'scripts', 'demo.ts')];

interface DemoRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The material's forms the demo must never show: base64, base64url, hex (both cases). */
  forms: string[];
  /** The run's TMPDIR, after the run. */
  tmp: string;
}

const scratch: string[] = [];
function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** The environment of one demo run: its own TMPDIR and a material file; `env` on top. */
function demoEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; forms: string[]; tmp: string } {
  const material = randomBytes(32);
  const secrets = scratchDir('demo-material-');
  const file = path.join(secrets, 'material.b64');
  fs.writeFileSync(file, `${material.toString('base64')}\n`, { mode: 0o600 });
  const tmp = scratchDir('demo-tmp-');
  const hex = material.toString('hex');
  return {
    env: { ...process.env, TMPDIR: tmp, IMPORTED_KEY_DEMO_MATERIAL_FILE: file, IMPORTED_KEY_DEMO_ENGINE: '', ...env },
    forms: [material.toString('base64'), material.toString('base64url'), hex, hex.toUpperCase()],
    tmp,
  };
}

function demo(extra: NodeJS.ProcessEnv): Promise<DemoRun> {
  const { env, forms, tmp } = demoEnv(extra);
  return new Promise((resolve) => {
    execFile(process.execPath, DEMO_ARGS, { cwd: repo, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, forms, tmp }),
    );
  });
}

/** Every file under `dir`, as text. */
function filesUnder(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(file));
    else if (entry.isFile()) out.push({ file, text: fs.readFileSync(file, 'latin1') });
  }
  return out;
}

/** Neither printed nor left on disk: the material in none of its forms, the demo's work folder removed. */
function assertNoMaterial(r: DemoRun): void {
  const printed = r.stdout + r.stderr;
  for (const form of r.forms) assert.ok(!printed.includes(form), 'the demo printed the material');
  const left = fs.readdirSync(r.tmp).filter((name) => name.startsWith('imported-key-demo-'));
  assert.deepStrictEqual(left, [], 'the demo left its work folder behind');
  for (const { file, text } of filesUnder(r.tmp)) {
    for (const form of r.forms) assert.ok(!text.includes(form), `${file} holds the material`);
  }
}

/** PATH without any folder that has a `pulumi` in it. */
function pathWithoutPulumi(): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((d) => d && !fs.existsSync(path.join(d, 'pulumi')))
    .join(path.delimiter);
}

/** What every run that passes prints: the demo's checks. */
const CHECKS = [
  /✔ up succeeded/,
  /✔ KMS DescribeKey says Enabled, origin EXTERNAL/,
  /✔ KMS DescribeKey says PendingImport: the material has expired/,
  /✔ the stack now records keyState PendingImport/,
  /✔ the check fails: the key needs its material again/,
  /✔ same key, updated in place \(no replacement\)/,
  /✔ Decrypt opens the ciphertext made before expiry: it is the same material/,
  /✔ KMS DescribeKey says PendingDeletion/,
  /✔ neither its base64 nor its hex appears anywhere/,
  /Demo passed in [\d.]+ s\./,
];

describe('npm run demo', function () {
  this.timeout(300_000);
  after(() => {
    for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the whole story on the harness (IMPORTED_KEY_DEMO_ENGINE=harness), says so, passes, and never shows the material', async () => {
    const r = await demo({ IMPORTED_KEY_DEMO_ENGINE: 'harness' });
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ImportedKey demo, driven by the engine-protocol harness/m);
    assert.match(r.stdout, /engine: harness \(forced by IMPORTED_KEY_DEMO_ENGINE=harness\)/);
    for (const line of CHECKS) assert.match(r.stdout, line);
    for (const line of [/ create demo-key$/m, /refresh: update demo-key \[.*keyState.*\]/, / update demo-key$/m, / delete demo-key$/m]) assert.match(r.stdout, line);
    assertNoMaterial(r);
  });

  const cli = findPulumiCli();
  const cliTitle = 'runs the whole story on the real Pulumi CLI (IMPORTED_KEY_DEMO_ENGINE=cli), shows its summaries, passes, and never shows the material';
  if (!cli && !process.env.CI) {
    describe.skip('(pulumi CLI: not built — run `npm run pulumi-cli`)', () => it(cliTitle));
    skippedForNoCli.push('npm run demo on the real Pulumi CLI');
  } else {
    it(cliTitle, async () => {
      if (!cli) throw new Error('no Pulumi CLI: `npm run pulumi-cli` must run before the tests in CI');
      const r = await demo({ IMPORTED_KEY_DEMO_ENGINE: 'cli' });
      assert.strictEqual(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`^ImportedKey demo, driven by the real Pulumi CLI ${cli.version.replace(/\./g, '\\.')} `, 'm'));
      assert.match(r.stdout, /engine: real Pulumi CLI \(forced by IMPORTED_KEY_DEMO_ENGINE=cli\)/);
      for (const line of CHECKS) assert.match(r.stdout, line);
      // The CLI's own summaries: `pulumi up --yes` previews first; each pass ends with its Resources: block.
      for (const line of [
        /Previewing update \(demo\):\n\s+\+ pulumi-nodejs:dynamic:Resource demo-key create\n\s+Resources:\n\s+\+ 2 to create\n\s+Updating \(demo\):/,
        /\+ pulumi-nodejs:dynamic:Resource demo-key created .*\n\s+Resources:\n\s+\+ 2 created/,
        /Refreshing \(demo\):\n\s+~ pulumi-nodejs:dynamic:Resource demo-key updated/,
        /~ pulumi-nodejs:dynamic:Resource demo-key refresh\n\s+~ pulumi-nodejs:dynamic:Resource demo-key update\n/,
        /→ error: no changes were expected for preview but changes were proposed/,
        /~ pulumi-nodejs:dynamic:Resource demo-key updated .*\[diff: ~expiresAt\]\n\s+Resources:\n\s+~ 1 updated/,
        /Destroying \(demo\):\n\s+- pulumi-nodejs:dynamic:Resource demo-key deleted .*\n\s+Resources:\n\s+- 2 deleted/,
      ])
        assert.match(r.stdout, line);
      assertNoMaterial(r);
    });
  }

  it('forcing the CLI when there is none is a clear error (exit 1), not a quiet fallback', async () => {
    const r = await demo({ IMPORTED_KEY_DEMO_ENGINE: 'cli', PULUMI_CLI_CACHE: scratchDir('no-cli-'), PATH: pathWithoutPulumi() });
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /IMPORTED_KEY_DEMO_ENGINE=cli, but there is no Pulumi CLI: `npm run pulumi-cli` builds it/);
    assert.doesNotMatch(r.stdout, /driven by/);
  });

  it('rejects an unknown IMPORTED_KEY_DEMO_ENGINE', async () => {
    const r = await demo({ IMPORTED_KEY_DEMO_ENGINE: 'terraform' });
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /IMPORTED_KEY_DEMO_ENGINE=terraform: expected cli, harness or auto/);
  });

  it('without a CLI falls back to the harness and says how to get the real one; interrupted, it cleans up', async () => {
    const { env, tmp } = demoEnv({ PULUMI_CLI_CACHE: scratchDir('no-cli-'), PATH: pathWithoutPulumi() });
    const child: ChildProcess = spawn(process.execPath, DEMO_ARGS, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Interrupt it once the emulator is up: the demo has then made its work folder and started a child process.
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        stdout += d;
        if (/KMS emulator: /.test(stdout)) resolve();
      });
      child.once('exit', () => reject(new Error(`the demo exited before the emulator was up:\n${stdout}`)));
    });
    child.kill('SIGINT');
    assert.strictEqual(await exited, 1);
    assert.match(stdout, /^ImportedKey demo, driven by the engine-protocol harness/m);
    assert.match(stdout, /engine: harness \(no Pulumi CLI found, so the harness stands in; for the real CLI: `npm run pulumi-cli` builds it/);
    assert.deepStrictEqual(fs.readdirSync(tmp).filter((n) => n.startsWith('imported-key-demo-')), []);
  });

  describe('with a stand-in pulumi on PATH (and none built)', () => {
    /** A `pulumi` that knows its version and runs `body` for anything else. */
    function standIn(body: string): NodeJS.ProcessEnv {
      const bin = path.join(scratchDir('fake-pulumi-'), 'bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'pulumi'), `#!/bin/sh\nif [ "$1" = version ]; then echo v3.999.0-fake; exit 0; fi\n${body}\n`, { mode: 0o755 });
      return { PATH: `${bin}${path.delimiter}${process.env.PATH}`, PULUMI_CLI_CACHE: scratchDir('no-cli-') };
    }

    it('uses it, says so, and exits 1 when a step fails', async () => {
      const r = await demo(standIn('echo "error: this pulumi is a test stand-in" >&2\nexit 255'));
      assert.strictEqual(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /driven by the real Pulumi CLI v3\.999\.0-fake/);
      assert.match(r.stdout, /engine: real Pulumi CLI \(found; IMPORTED_KEY_DEMO_ENGINE=harness runs the harness instead\)/);
      assert.match(r.stderr, /✘ .*inline runner failed/);
      assert.match(r.stderr, /this pulumi is a test stand-in/);
      assertNoMaterial(r);
    });

    it('does not print the material when setting the secret fails, even from a CLI that repeats its input', async () => {
      // The secret goes to `pulumi config set --secret KEY` on stdin (never argv); this stand-in echoes that input into
      // its error. The failure must name the key and carry nothing of what the command was given.
      const argvLog = path.join(scratchDir('fake-pulumi-argv-'), 'argv.log');
      const r = await demo(standIn(`echo "$@" >> ${argvLog}\nif [ "$1" = config ] && [ "$2" = set ]; then cat >&2; echo "error: config refused" >&2; exit 255; fi\nexit 0`));
      assert.strictEqual(r.code, 1, r.stdout + r.stderr);
      const argv = fs.readFileSync(argvLog, 'utf8');
      assert.match(argv, /config set --secret imported-key-demo:keyMaterial/, 'the secret was set with its value on stdin');
      for (const form of r.forms) assert.ok(!argv.includes(form), 'the material was on a command line');
      assert.match(r.stderr, /pulumi config set --secret imported-key-demo:keyMaterial failed/);
      assert.doesNotMatch(r.stdout + r.stderr, /‹material›/, 'not even redacted: the material never reached the output');
      assertNoMaterial(r);
    });
  });
});
