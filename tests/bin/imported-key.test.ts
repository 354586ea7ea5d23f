import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main, type CliIo } from '../../bin/imported-key';
import { unwrapKeyMaterial } from '../../core/wrapping';
import { keyPair, materialForms, openssl, tempDir } from '../support/wrapping-fixtures';

const REPO = path.resolve(__dirname, '../..');

function run(argv: string[], stdin: Buffer = Buffer.alloc(0)): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: () => stdin };
  const status = main(argv, io);
  return { status, stdout, stderr };
}

describe('imported-key CLI', () => {
  let tmp: ReturnType<typeof tempDir>;
  let material: Buffer;
  let materialFile: string;
  before(() => {
    tmp = tempDir();
    material = randomBytes(32);
    materialFile = tmp.write('PlaintextKeyMaterial.bin', material);
    tmp.write('rsa.der', keyPair('RSA_2048').publicKeyDer);
    tmp.write('rsa.b64', keyPair('RSA_2048').publicKeyDer.toString('base64'));
    tmp.write('rsa.hex', keyPair('RSA_2048').publicKeyDer.toString('hex'));
    tmp.write('rsa.key.pem', keyPair('RSA_2048').privateKeyPem);
    tmp.write('sm2.der', keyPair('SM2').publicKeyDer);
    tmp.write('sm2.key.pem', keyPair('SM2').privateKeyPem);
  });
  after(() => tmp.remove());

  it('wraps to a binary file that openssl pkeyutl decrypts (replacing the seed recipe)', () => {
    const out = tmp.file('EncryptedKeyMaterial.bin');
    const result = run(['wrap', '--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', tmp.file('rsa.der'), '--in', materialFile, '--out', out]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '');
    const plain = openssl(['pkeyutl', '-decrypt', '-inkey', tmp.file('rsa.key.pem'), '-in', out, '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256']);
    assert.deepEqual(plain, material);
  });

  it('never writes over the material: --out naming the --in file (however spelled, or a link to it) is refused, even with --force', () => {
    const alias = tmp.file('material-link.bin');
    fs.linkSync(materialFile, alias);
    const spellings = [materialFile, path.join(path.dirname(materialFile), '.', '..', path.basename(path.dirname(materialFile)), path.basename(materialFile)), alias];
    for (const out of spellings) {
      for (const force of [[], ['--force']]) {
        const result = run(['wrap', '--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', tmp.file('rsa.der'), '--in', materialFile, '--out', out, ...force]);
        assert.equal(result.status, 2, `${out} ${force}: ${result.stderr}`);
        assert.match(result.stderr, /is the --in file: writing there would destroy it/);
      }
    }
    const publicKey = run(['wrap', '--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', tmp.file('rsa.der'), '--in', materialFile, '--out', tmp.file('rsa.der'), '--force']);
    assert.match(publicKey.stderr, /is the --public-key file/);
    assert.deepEqual(fs.readFileSync(materialFile), material, 'the material file is unchanged');
  });

  it('refuses an existing --out file unless --force, which replaces it', () => {
    const out = tmp.write('existing.bin', Buffer.from('keep me'));
    const refused = run(['wrap', '--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', tmp.file('rsa.der'), '--in', materialFile, '--out', out]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /already exists; choose another file, or add --force to replace it/);
    assert.equal(fs.readFileSync(out, 'utf8'), 'keep me');
    const forced = run(['wrap', '--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', tmp.file('rsa.der'), '--in', materialFile, '--out', out, '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(fs.readFileSync(out).length, 256);
    assert.equal(run(['wrap', '--force=yes']).status, 2);
  });

  it('prints base64 with --out -, from a base64 (Huawei, Alibaba) or hexadecimal (Ping An) public key file', () => {
    for (const keyFile of ['rsa.b64', 'rsa.hex']) {
      const result = run(['wrap', '--algorithm', 'RSA_AES_KEY_WRAP_SHA_256', '--public-key', tmp.file(keyFile), '--in', materialFile, '--out', '-']);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^[A-Za-z0-9+/]+=*\n$/);
      const wrapped = Buffer.from(result.stdout.trim(), 'base64');
      assert.deepEqual(unwrapKeyMaterial({ algorithm: 'RSA_AES_KEY_WRAP_SHA_256', privateKey: keyPair('RSA_2048').privateKeyPem, wrapped }), material);
    }
  });

  it('takes --opt=value, --format hex, SM2_ENCRYPT and material on stdin', () => {
    const result = run(['wrap', '--algorithm=SM2_ENCRYPT', `--public-key=${tmp.file('sm2.der')}`, '--in', '-', '--out', '-', '--format', 'hex'], Buffer.from(material)); // a copy: the CLI wipes its input after use
    assert.equal(result.status, 0, result.stderr);
    const wrapped = Buffer.from(result.stdout.trim(), 'hex');
    assert.deepEqual(openssl(['pkeyutl', '-decrypt', '-inkey', tmp.file('sm2.key.pem'), '-in', tmp.write('sm2.bin', wrapped)]), material);
  });

  it('checks the material against --key-spec before wrapping', () => {
    const ok = run(['wrap', '--algorithm', 'RSAES_OAEP_SHA_1', '--public-key', tmp.file('rsa.der'), '--in', materialFile, '--out', '-', '--key-spec', 'AES_256']);
    assert.equal(ok.status, 0, ok.stderr);
    const bad = run(['wrap', '--algorithm', 'RSAES_OAEP_SHA_1', '--public-key', tmp.file('rsa.der'), '--in', materialFile, '--out', '-', '--key-spec', 'SM4']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /InvalidKeyMaterial: keyMaterial for SM4 is 32 bytes; SM4 takes exactly 16 bytes/);
    assert.equal(bad.stdout, '');
    const unknown = run(['wrap', '--algorithm', 'RSAES_OAEP_SHA_1', '--public-key', tmp.file('rsa.der'), '--in', materialFile, '--out', '-', '--key-spec', 'AES_512']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /InvalidArgument: keySpec "AES_512" is not supported; allowed: .*SYMMETRIC_DEFAULT/);
  });

  it('exits 1 naming the problem for an unknown algorithm, a bad key, too-long or empty material, and missing files', () => {
    const longFile = tmp.write('long.bin', randomBytes(300));
    const emptyFile = tmp.write('empty.bin', Buffer.alloc(0));
    const badKey = tmp.write('bad.b64', 'MIIB!!notbase64');
    const cases: Array<[string[], RegExp]> = [
      [['--algorithm', 'RSA_OAEP', '--public-key', tmp.file('rsa.der'), '--in', materialFile], /UnsupportedAlgorithm: algorithm "RSA_OAEP" is not supported; supported wrapping algorithms: RSAES_OAEP_SHA_256/],
      [['--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', badKey, '--in', materialFile], /InvalidEncoding: publicKey .*expected a DER SubjectPublicKeyInfo/],
      [['--algorithm', 'SM2PKE', '--public-key', tmp.file('rsa.der'), '--in', materialFile], /InvalidPublicKey: publicKey is an RSA key but SM2PKE needs an SM2 public key/],
      [['--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', tmp.file('rsa.der'), '--in', longFile], /MaterialTooLong: .*at most 190 bytes; use RSA_AES_KEY_WRAP_SHA_256/],
      [['--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', tmp.file('rsa.der'), '--in', emptyFile], /InvalidKeyMaterial: material is empty/],
      [['--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', tmp.file('nope.der'), '--in', materialFile], /cannot read --public-key file ".*nope.der" \(ENOENT\)/],
    ];
    for (const [args, pattern] of cases) {
      const result = run(['wrap', ...args, '--out', '-']);
      assert.equal(result.status, 1, args.join(' '));
      assert.match(result.stderr, pattern);
      assert.equal(result.stdout, '');
      for (const form of materialForms(material)) assert.ok(!result.stderr.includes(form), 'stderr holds the material');
    }
  });

  it('exits 2 with the usage for usage errors', () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /no command given/],
      [['unwrap'], /unknown command "unwrap"/],
      [['wrap', '--algorithm', 'RSAES_OAEP_SHA_256'], /--public-key is required/],
      [['wrap', '--algorithm'], /--algorithm needs a value/],
      [['wrap', '--colour', 'red'], /unknown option --colour/],
      [['wrap', '--algorithm', 'A', '--algorithm', 'B'], /--algorithm is given twice/],
      [['wrap', '--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', 'k', '--in', 'i', '--out', '-', '--format', 'binary'], /--format binary cannot be printed/],
      [['wrap', '--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', 'k', '--in', 'i', '--out', 'o', '--format', 'pem'], /--format must be one of binary, base64, hex/],
    ];
    for (const [argv, pattern] of cases) {
      const result = run(argv);
      assert.equal(result.status, 2, argv.join(' '));
      assert.match(result.stderr, pattern);
      assert.match(result.stderr, /Usage:/);
    }
  });

  it('prints help and the algorithm list', () => {
    assert.match(run(['help']).stdout, /imported-key wrap --algorithm ALG --public-key FILE --in FILE --out FILE/);
    const list = run(['algorithms']);
    assert.equal(list.status, 0);
    assert.equal(list.stdout.trim().split('\n').length, 6);
    assert.match(list.stdout, /^SM2PKE +SM2 public-key encryption/m);
  });

  it('runs as a real process: exit 0 and a file openssl decrypts; exit 1 and a message on bad input', function () {
    this.timeout(60000);
    const out = tmp.file('subprocess.bin');
    const cli = path.join(REPO, 'bin/imported-key.ts');
    const node = (args: string[]) =>
      spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', cli, ...args], { cwd: REPO, encoding: 'utf8', timeout: 55000 });
    const ok = node(['wrap', '--algorithm', 'RSAES_PKCS1_V1_5', '--public-key', tmp.file('rsa.hex'), '--in', materialFile, '--out', out]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(openssl(['pkeyutl', '-decrypt', '-inkey', tmp.file('rsa.key.pem'), '-in', out, '-pkeyopt', 'rsa_padding_mode:pkcs1']), material);
    const bad = node(['wrap', '--algorithm', 'RSAES_OAEP_SHA_256', '--public-key', tmp.file('rsa.der'), '--in', materialFile, '--out', '-', '--key-spec', 'HMAC_512']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /keyMaterial for HMAC_512 is 32 bytes; HMAC_512 takes 64 to 128 bytes/);
    for (const form of materialForms(material)) assert.ok(!bad.stderr.includes(form));
    assert.ok(fs.readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n'));
  });
});
