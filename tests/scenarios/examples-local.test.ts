// examples/local (the root demo project) in this repo, through the harness against the emulator:
// what `npm run demo` and the provider's engine tests stand on.

import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useEmulator } from '../support/emulator';
import { stripSecrets, transcript } from '../../harness';
import { emulatorStack } from '../support/emulator-stack';

describe('examples/local through the harness (repo sources)', function () {
  // Each run starts real processes (program, host); a loaded CI machine can take a while.
  this.timeout(180_000);
  const emulator = useEmulator();
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-local-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates an Enabled key, then finds nothing to change, then destroys it', async () => {
    const keyMaterial = crypto.randomBytes(32).toString('base64');
    const stack = emulatorStack({ emulatorUrl: emulator.url, dir, keyMaterial });
    const up = await stack.up();
    assert.deepStrictEqual(up.steps.map((s) => s.op), ['create']);
    const exported = stripSecrets(up.outputs) as Record<string, string>;
    assert.strictEqual(exported.keyState, 'Enabled');
    assert.strictEqual(exported.keyId, up.steps[0].id);
    assert.match(exported.arn, /^arn:aws:kms:us-east-1:\d{12}:key\//);
    const again = await stack.preview({ refresh: true, expectNoChanges: true });
    assert.deepStrictEqual(again.steps.map((s) => s.op), ['same', 'same']);
    const down = await stack.destroy();
    assert.deepStrictEqual(down.steps.map((s) => `${s.op} ${s.id}`), [`delete ${exported.keyId}`]);
    for (const r of [up, again, down]) assert.ok(!transcript(r).includes(keyMaterial));
    assert.ok(!fs.readFileSync(path.join(dir, 'stack-state.json'), 'utf8').includes(keyMaterial));
  });
});
