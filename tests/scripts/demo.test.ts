// `npm run demo` end to end: it must pass on the emulator, say which Pulumi drives it, and exit
// non-zero when a step fails.

import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const repo = path.resolve(__dirname, '..', '..');

function demo(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(repo, 'scripts', 'demo.ts')],
      { cwd: repo, env: { ...process.env, ...env }, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, stdout, stderr }),
    );
  });
}

describe('npm run demo', function () {
  this.timeout(180_000);
  let fakeBin: string;
  before(() => (fakeBin = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-pulumi-'))));
  after(() => fs.rmSync(fakeBin, { recursive: true, force: true }));

  it('runs the whole story with the harness when there is no pulumi CLI, and passes', async function () {
    const onPath = (process.env.PATH ?? '').split(path.delimiter).some((d) => fs.existsSync(path.join(d, 'pulumi')));
    if (onPath) this.skip(); // a real CLI would drive it instead; the next test covers that branch
    const r = await demo({});
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /driven by the engine-protocol harness/);
    for (const line of [
      /✔ KMS DescribeKey says Enabled, origin EXTERNAL/,
      /✔ KMS DescribeKey says PendingImport: the material has expired/,
      /✔ the stack now records keyState PendingImport/,
      /✔ the check fails: the key needs its material again/,
      /✔ Decrypt opens the ciphertext made before expiry: it is the same material/,
      /✔ KMS DescribeKey says PendingDeletion/,
      /✔ neither its base64 nor its hex appears anywhere/,
      /Demo passed in [\d.]+ s\./,
    ])
      assert.match(r.stdout, line);
  });

  it('uses a pulumi CLI found on PATH, says so, and exits 1 when a step fails', async () => {
    // A stand-in CLI that knows its version and fails everything else.
    const fake = path.join(fakeBin, 'pulumi');
    fs.writeFileSync(fake, '#!/bin/sh\nif [ "$1" = version ]; then echo v3.999.0-fake; exit 0; fi\necho "error: this pulumi is a test stand-in" >&2\nexit 255\n', { mode: 0o755 });
    const r = await demo({ PATH: `${fakeBin}${path.delimiter}${process.env.PATH}` });
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /driven by the pulumi CLI v3\.999\.0-fake/);
    assert.match(r.stderr, /pulumi stack init failed/);
  });
});
