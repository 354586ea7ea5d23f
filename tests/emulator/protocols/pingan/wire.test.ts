// Every dialect variant of the emulator's Ping An protocol, observable over HTTP: switched with POST /_emulator/dialect
// ({cloud: 'pingan', <point>: <variant>}), seen in the replies of the second client (tests/support/pingan-client), and
// gone again after DELETE /_emulator/dialect or POST /_emulator/reset.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { startEmulator, type RunningEmulator } from '../../../../emulator';
import { control } from '../../../support/emulator';
import { decryptLocally, pinganCall, wrapMaterial, type PinganCallOptions } from '../../../support/pingan-client';

const DEFAULTS = {
  keyState: 'names', publicKey: 'spki', tokenExpireTime: 'date', errorEnvelope: 'message', signatureKey: 'secret',
  importParameterFields: 'assumed', timeZone: '+08:00',
};
const IMPORT = { wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' };

describe('emulator: Ping An KMS dialect variants', () => {
  let emulator: RunningEmulator;

  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });
  afterEach(async () => {
    await control(emulator.url, 'DELETE', '/_emulator/dialect');
  });

  const call = (action: string, params: Record<string, string> = {}, options: PinganCallOptions = {}) => pinganCall(emulator.url, action, params, options);
  const dialect = (points: Record<string, string>) => control(emulator.url, 'POST', '/_emulator/dialect', { cloud: 'pingan', ...points });

  async function keyIn(state: 'PendingImport' | 'Enabled' | 'Disabled' | 'PendingDeletion'): Promise<string> {
    const keyId = (await call('CreateCmk', { origin: '1' })).body.keyMetadata.keyId as string;
    if (state === 'PendingImport') return keyId;
    if (state === 'PendingDeletion') {
      await call('ScheduleKeyDeletion', { keyId, pendingWindowInDays: '7' });
      return keyId;
    }
    const params = (await call('GetParametersForImport', { keyId, ...IMPORT })).body;
    const wrapped = wrapMaterial(params.publicKey, 'RSAES_OAEP_SHA_256', randomBytes(32)).toString('hex');
    assert.equal((await call('ImportKeyMaterial', { keyId, importToken: params.importToken, encryptedKeyMaterial: wrapped })).body.code, 'SUCCESS');
    if (state === 'Disabled') await call('DisableKey', { keyId });
    return keyId;
  }

  it('lists every point with its assumed default, and sets, resets (DELETE) and resets with POST /_emulator/reset', async () => {
    assert.deepEqual(await control(emulator.url, 'GET', '/_emulator/dialect'), { dialects: { pingan: DEFAULTS } });
    assert.deepEqual(await dialect({ keyState: 'digits', timeZone: 'UTC' }), { dialects: { pingan: { ...DEFAULTS, keyState: 'digits', timeZone: 'UTC' } } });
    // Points not named keep their variant.
    assert.deepEqual(await dialect({ errorEnvelope: 'msg' }), { dialects: { pingan: { ...DEFAULTS, keyState: 'digits', timeZone: 'UTC', errorEnvelope: 'msg' } } });
    assert.deepEqual(await control(emulator.url, 'DELETE', '/_emulator/dialect'), { dialects: { pingan: DEFAULTS } });
    await dialect({ keyState: 'alibaba' });
    await control(emulator.url, 'POST', '/_emulator/reset');
    assert.deepEqual(await control(emulator.url, 'GET', '/_emulator/dialect'), { dialects: { pingan: DEFAULTS } });
  });

  it('keyState: names (assumed), digits ("0".."3"), alibaba', async () => {
    const keys = {
      Enabled: await keyIn('Enabled'), Disabled: await keyIn('Disabled'), PendingDeletion: await keyIn('PendingDeletion'), PendingImport: await keyIn('PendingImport'),
    };
    const states = async () => {
      const out: string[] = [];
      for (const keyId of Object.values(keys)) out.push((await call('DescribeKey', { keyId })).body.keyMetadata.keyState);
      return out;
    };
    assert.deepEqual(await states(), ['ENABLED', 'DISABLED', 'PENDING_DELETE', 'PENDING_IMPORT']);
    await dialect({ keyState: 'digits' });
    assert.deepEqual(await states(), ['0', '1', '2', '3']);
    await dialect({ keyState: 'alibaba' });
    assert.deepEqual(await states(), ['Enabled', 'Disabled', 'PendingDeletion', 'PendingImport']);
    // Refusals name the state as the dialect does.
    const refused = await call('Encrypt', { keyId: keys.Disabled, plainText: 'x' });
    assert.match(refused.body.message, /The key is Disabled/);
  });

  it('publicKey: hex of DER SPKI (assumed) or of PKCS#1 RSAPublicKey, and material wrapped with either imports', async () => {
    const spkiKey = await keyIn('PendingImport');
    const spki = (await call('GetParametersForImport', { keyId: spkiKey, ...IMPORT })).body;
    assert.match(spki.publicKey, /^30820122300d06092a864886f70d0101010500/, 'SPKI: the rsaEncryption AlgorithmIdentifier first');
    await dialect({ publicKey: 'pkcs1' });
    const keyId = await keyIn('PendingImport');
    const params = (await call('GetParametersForImport', { keyId, ...IMPORT })).body;
    assert.match(params.publicKey, /^3082010a0282010100/, 'PKCS#1: SEQUENCE { INTEGER modulus … }');
    const material = randomBytes(32);
    const wrapped = wrapMaterial(params.publicKey, 'RSAES_OAEP_SHA_256', material, 'pkcs1').toString('hex');
    assert.equal((await call('ImportKeyMaterial', { keyId, importToken: params.importToken, encryptedKeyMaterial: wrapped })).body.code, 'SUCCESS');
    assert.equal(decryptLocally((await call('Encrypt', { keyId, plainText: 'pkcs1' })).body.cipherTextBlob, material), 'pkcs1');
  });

  it('tokenExpireTime: a date string (assumed) or epoch milliseconds; importParameterFields: assumed or Alibaba\'s PascalCase', async () => {
    const keyId = await keyIn('PendingImport');
    const dayAhead = emulator.clock.now() + 86_400_000;
    await dialect({ tokenExpireTime: 'epochMillis' });
    const millis = (await call('GetParametersForImport', { keyId, ...IMPORT })).body;
    assert.equal(typeof millis.tokenExpireTime, 'number');
    assert.ok(Math.abs(millis.tokenExpireTime - dayAhead) < 5000);

    await dialect({ importParameterFields: 'alibaba', tokenExpireTime: 'date' });
    const alibaba = (await call('GetParametersForImport', { keyId, ...IMPORT })).body;
    assert.deepEqual(Object.keys(alibaba).sort(), ['ImportToken', 'PublicKey', 'TokenExpireTime', 'code', 'keyId', 'requestId']);
    assert.match(alibaba.TokenExpireTime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // The token under its other name still imports.
    const wrapped = wrapMaterial(alibaba.PublicKey, 'RSAES_OAEP_SHA_256', randomBytes(32)).toString('hex');
    assert.equal((await call('ImportKeyMaterial', { keyId, importToken: alibaba.ImportToken, encryptedKeyMaterial: wrapped })).body.code, 'SUCCESS');
  });

  it('timeZone: date strings in +08:00 (assumed) or in UTC', async () => {
    const keyId = await keyIn('PendingImport');
    const cst = (await call('DescribeKey', { keyId })).body.keyMetadata.creationDate as string;
    await dialect({ timeZone: 'UTC' });
    const utc = (await call('DescribeKey', { keyId })).body.keyMetadata.creationDate as string;
    assert.equal(Date.parse(`${cst.replace(' ', 'T')}+08:00`), Date.parse(`${utc.replace(' ', 'T')}Z`));
    assert.equal(Date.parse(`${cst.replace(' ', 'T')}Z`) - Date.parse(`${utc.replace(' ', 'T')}Z`), 8 * 3_600_000);
  });

  it('errorEnvelope: the message under message (assumed) or msg, for the server\'s own errors too', async () => {
    assert.deepEqual(Object.keys((await call('DescribeKey', {})).body).sort(), ['code', 'message', 'requestId']);
    await dialect({ errorEnvelope: 'msg' });
    const reply = (await call('DescribeKey', {})).body;
    assert.deepEqual(Object.keys(reply).sort(), ['code', 'msg', 'requestId']);
    assert.deepEqual([reply.code, reply.msg], ['MissingParameter', 'The parameter "keyId" is required.']);
    emulator.faults.add({ target: 'pingan:DescribeKey', failNext: 1 });
    const failed = await call('DescribeKey', {});
    assert.deepEqual([failed.status, Object.keys(failed.body).sort()], [500, ['code', 'msg', 'requestId']]);
  });

  it('signatureKey: the secret (assumed) or the secret + "&"', async () => {
    assert.equal((await call('CreateCmk', {}, { keySuffix: '&' })).body.code, 'SignatureDoesNotMatch');
    await dialect({ signatureKey: 'secretAmpersand' });
    assert.equal((await call('CreateCmk', {}, { keySuffix: '&' })).body.code, 'SUCCESS');
    assert.equal((await call('CreateCmk', {})).body.code, 'SignatureDoesNotMatch');
  });
});
