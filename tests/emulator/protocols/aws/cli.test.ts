// A second, independent AWS client: the AWS CLI (botocore), when it is installed on the machine.
// It signs differently from the JavaScript SDK (no x-amz-content-sha256), which is why it is here.

import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { useEmulator } from '../../../support/emulator';

const run = promisify(execFile);

function awsCliAvailable(): boolean {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('emulator / AWS: the AWS CLI works against it unmodified', function () {
  this.timeout(120_000);
  const emu = useEmulator();
  before(function () {
    if (!awsCliAvailable()) this.skip(); // the CLI is not a project dependency; the JS SDK tests always run
  });

  async function aws(args: string[], secret = 'test'): Promise<{ stdout: string; stderr: string; code: number }> {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: secret, AWS_DEFAULT_REGION: 'eu-west-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    try {
      const { stdout, stderr } = await run('aws', ['--endpoint-url', emu.url, 'kms', ...args], { env });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const e = error as { stdout: string; stderr: string; code: number };
      return { stdout: e.stdout, stderr: e.stderr, code: e.code };
    }
  }

  it('create-key, get-parameters-for-import, create-alias, describe-key by alias; errors by name', async () => {
    const created = await aws(['create-key', '--origin', 'EXTERNAL', '--query', 'KeyMetadata.KeyId', '--output', 'text']);
    assert.equal(created.code, 0, created.stderr);
    const keyId = created.stdout.trim();
    assert.match(keyId, /^[0-9a-f-]{36}$/);
    const params = await aws(['get-parameters-for-import', '--key-id', keyId, '--wrapping-algorithm', 'RSAES_OAEP_SHA_256', '--wrapping-key-spec', 'RSA_2048', '--query', 'KeyId', '--output', 'text']);
    assert.equal(params.stdout.trim(), `arn:aws:kms:eu-west-1:111122223333:key/${keyId}`);
    assert.equal((await aws(['create-alias', '--alias-name', 'alias/cli', '--target-key-id', keyId])).code, 0);
    const described = await aws(['describe-key', '--key-id', 'alias/cli', '--query', 'KeyMetadata.KeyState', '--output', 'text']);
    assert.equal(described.stdout.trim(), 'PendingImport');
    const wrongSecret = await aws(['list-keys'], 'wrong');
    assert.notEqual(wrongSecret.code, 0);
    assert.match(wrongSecret.stderr, /InvalidSignatureException/);
    const pkcs1 = await aws(['get-parameters-for-import', '--key-id', keyId, '--wrapping-algorithm', 'RSAES_PKCS1_V1_5', '--wrapping-key-spec', 'RSA_2048']);
    assert.match(pkcs1.stderr, /ValidationException/);
  });
});
