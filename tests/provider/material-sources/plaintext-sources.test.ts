// The plaintext sources (file, env, command) read for real: a temporary file, an environment map, real programs run
// through node. Errors name the source and what is wrong, and never hold the material (nor a command's stderr).
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImportedKeyError } from '../../../core/errors';
import { readCommandSource } from '../../../provider/material-sources/command';
import { readEnvSource } from '../../../provider/material-sources/env';
import { readFileSource } from '../../../provider/material-sources/file';
import { materialSource } from '../../../provider/material-sources';
import { assertNoMaterial } from '../../support/leaks';

async function refusal(run: () => Promise<unknown> | unknown): Promise<ImportedKeyError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof ImportedKeyError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

describe('material sources: file', () => {
  let dir: string;
  const material = randomBytes(32);
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'src-file-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the raw bytes, and the MaterialSource describes it by its path only', async () => {
    const file = path.join(dir, 'key.bin');
    fs.writeFileSync(file, material);
    assert.deepEqual(await readFileSource(file), material);
    const source = materialSource({ file });
    assert.equal(source.describe(), `file ${file}`);
    assert.deepEqual(await source.open(undefined, []), material);
  });

  it('refuses a missing file, a directory, an empty file and one too large, naming the path, never the bytes', async () => {
    const missing = await refusal(() => readFileSource(path.join(dir, 'nope.bin')));
    assert.equal(missing.code, 'SourceUnavailable');
    assert.match(missing.message, /keyMaterialSource file .*nope\.bin: does not exist/);
    assert.match((await refusal(() => readFileSource(dir))).message, /is not a regular file/);
    fs.writeFileSync(path.join(dir, 'empty'), '');
    assert.match((await refusal(() => readFileSource(path.join(dir, 'empty')))).message, /is empty/);
    const big = Buffer.concat([material, randomBytes(17 * 1024)]);
    fs.writeFileSync(path.join(dir, 'big'), big);
    const tooLarge = await refusal(() => readFileSource(path.join(dir, 'big')));
    assert.match(tooLarge.message, /more than key material can be/);
    assertNoMaterial([material], { texts: { message: tooLarge.message, stack: String(tooLarge.stack) } });
  });

  it('refuses an unreadable file (permission denied)', async function () {
    const file = path.join(dir, 'locked.bin');
    fs.writeFileSync(file, material, { mode: 0o000 });
    if (process.getuid?.() !== 0) {
      assert.match((await refusal(() => readFileSource(file))).message, /cannot be read \(permission denied\)/);
      return;
    }
    // root reads any file: the read is made by a child process running as nobody (65534) instead.
    fs.chmodSync(dir, 0o755);
    const read = 'require("./provider/material-sources/file").readFileSource(process.argv[1]).then(() => console.log("read"), (e) => console.log(e.message))';
    const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', read, file], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: path.join(__dirname, '..', '..', '..') });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), `keyMaterialSource file ${file}: cannot be read (permission denied)`);
  });
});

describe('material sources: env', () => {
  const material = randomBytes(32);

  it('decodes base64 (a trailing newline ignored)', () => {
    assert.deepEqual(readEnvSource('KMS_KEY', { KMS_KEY: `${material.toString('base64')}\n` }), material);
  });

  it('refuses an unset, empty or non-base64 variable, naming it and never its value', async () => {
    const unset = await refusal(() => readEnvSource('KMS_KEY', {}));
    assert.equal(unset.code, 'SourceUnavailable');
    assert.match(unset.message, /environment variable KMS_KEY is not set/);
    assert.match((await refusal(() => readEnvSource('KMS_KEY', { KMS_KEY: '' }))).message, /KMS_KEY is empty/);
    const hex = material.toString('hex');
    const bad = await refusal(() => readEnvSource('KMS_KEY', { KMS_KEY: `${hex}!` }));
    assert.equal(bad.code, 'InvalidEncoding');
    assert.match(bad.message, /KMS_KEY is not base64/);
    assert.ok(!bad.message.includes(hex));
  });
});

describe('material sources: command', () => {
  const material = randomBytes(32);
  const node = process.execPath;
  const script = (code: string) => [node, '-e', code];

  it('runs the program without a shell and decodes its stdout as base64', async () => {
    assert.deepEqual(await readCommandSource(script(`process.stdout.write(${JSON.stringify(material.toString('base64'))} + '\\n')`)), material);
    // No shell: a shell metacharacter is an argument like any other.
    const echoed = await readCommandSource(script('process.stdout.write(Buffer.from(process.argv[1]).toString("base64"))').concat('$(id); *'));
    assert.equal(echoed.toString(), '$(id); *');
  });

  it('a non-zero exit says its status, not its stderr (which may hold anything) nor its stdout', async () => {
    const secret = material.toString('base64');
    const error = await refusal(() => readCommandSource(script(`process.stderr.write('token=${secret}'); process.stdout.write('${secret}'); process.exit(3)`)));
    assert.equal(error.code, 'SourceUnavailable');
    assert.match(error.message, new RegExp(`keyMaterialSource command ${node.replace(/[/.]/g, '\\$&')}: exited with status 3`));
    assertNoMaterial([material], { texts: { message: error.message, stack: String(error.stack), inspected: JSON.stringify(error) } });
  });

  it('a program killed by a signal, one not found, and output that is not base64', async () => {
    assert.match((await refusal(() => readCommandSource(script('process.kill(process.pid, "SIGTERM")')))).message, /was killed by signal SIGTERM/);
    assert.match((await refusal(() => readCommandSource(['/nonexistent/secret-cli', 'get']))).message, /command \/nonexistent\/secret-cli: not found/);
    const notBase64 = await refusal(() => readCommandSource(script('process.stdout.write("not base64 at all!")')));
    assert.equal(notBase64.code, 'InvalidEncoding');
    assert.ok(!notBase64.message.includes('not base64 at all'));
  });

  it('times out: killed after timeoutSeconds, and says so', async function () {
    this.timeout(10_000);
    const started = Date.now();
    const error = await refusal(() => materialSource({ command: script('setTimeout(() => {}, 60000)'), timeoutSeconds: 0.5 }).open(undefined, []));
    assert.match(error.message, /timed out after 0\.5 s \(keyMaterialSource\.timeoutSeconds\) and was killed/);
    assert.ok(Date.now() - started < 5_000);
  });

  it('bounds the output: a program printing without end is stopped', async function () {
    this.timeout(10_000);
    const error = await refusal(() => readCommandSource(script('const b = "A".repeat(65536); const w = () => process.stdout.write(b, w); w()')));
    assert.match(error.message, /printed more than \d+ bytes/);
  });
});
