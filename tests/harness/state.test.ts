// The harness's state file: secrets sealed under the passphrase, written atomically.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SECRET_SIG, SPECIAL_SIG_KEY } from '../../harness/properties';
import { StackState, StateFile } from '../../harness/state';

describe('engine harness state file', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-state-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const state = (): StackState => ({
    version: 1,
    project: 'p',
    stack: 's',
    config: { 'p:endpoint': { value: 'http://x', secret: false }, 'p:keyMaterial': { value: 'TOP-SECRET-CONFIG', secret: true } },
    resources: [
      {
        urn: 'urn:pulumi:s::p::t::r',
        type: 't',
        name: 'r',
        custom: true,
        id: 'id-1',
        inputs: { keyMaterial: { [SPECIAL_SIG_KEY]: SECRET_SIG, value: 'TOP-SECRET-INPUT' }, region: 'us-east-1' },
        outputs: { digest: { [SPECIAL_SIG_KEY]: SECRET_SIG, value: { nested: 'TOP-SECRET-OUTPUT' } } },
      },
    ],
  });

  it('round-trips, with every secret sealed in the file', () => {
    const file = path.join(dir, 'nested', 'state.json');
    new StateFile(file, 'pass').save(state());
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(!/TOP-SECRET/.test(text), 'no secret in plaintext');
    assert.ok(text.includes('"ciphertext"') && text.includes('"secure"') && text.includes('http://x'));
    assert.deepStrictEqual(new StateFile(file, 'pass').load('p', 's'), state());
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), ['state.json'], 'no temporary file left behind');
  });

  it('keeps its salt across saves, and refuses another passphrase', () => {
    const file = path.join(dir, 'state.json');
    const store = new StateFile(file, 'pass');
    store.save(state());
    const salt = JSON.parse(fs.readFileSync(file, 'utf8')).encryptionSalt;
    store.save(store.load('p', 's'));
    assert.strictEqual(JSON.parse(fs.readFileSync(file, 'utf8')).encryptionSalt, salt);
    assert.throws(() => new StateFile(file, 'other').load('p', 's'), /wrong passphrase/);
  });

  it('starts empty when there is no file yet', () => {
    assert.deepStrictEqual(new StateFile(path.join(dir, 'none.json'), 'pass').load('p', 's'), { version: 1, project: 'p', stack: 's', config: {}, resources: [] });
  });
});
