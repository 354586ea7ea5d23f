// The emulator's Ping An protocol, driven over HTTP by a second client written in the test (tests/support/pingan-client:
// its own signer, GET and form POST): the whole import lifecycle, the material proven by opening ciphertexts locally,
// recognition beside Alibaba's RPC requests, the error envelope, and no material or token in errors or the log.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../../emulator';
import { alicloudProtocol } from '../../../../emulator/protocols/alicloud/protocol';
import { pinganProtocol } from '../../../../emulator/protocols/pingan/protocol';
import type { ProtocolRequest } from '../../../../emulator/protocols/types';
import { assertNoMaterial } from '../../../support/leaks';
import { decryptLocally, pinganCall, signedParams, wrapMaterial, type PinganCallOptions, type PinganReply, type PinganWrapping } from '../../../support/pingan-client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const DAY_MS = 86_400_000;

/** A `yyyy-MM-dd HH:mm:ss` string in China Standard Time (+08:00, the assumed zone), as epoch ms. */
function cst(text: string): number {
  assert.match(text, DATE);
  return Date.parse(`${text.replace(' ', 'T')}+08:00`);
}

describe('emulator: Ping An KMS protocol', () => {
  let emulator: RunningEmulator;
  const log: string[] = [];
  /** Every reply that was not SUCCESS, for the leak check at the end. */
  const refusals: string[] = [];
  const materials: Buffer[] = [];
  const tokens: string[] = [];

  before(async () => {
    emulator = await startEmulator({ log: (line) => log.push(line) }); // the default protocol list: Ping An is registered
  });
  after(async () => {
    await emulator.close();
  });

  async function call(action: string, params: Record<string, string> = {}, options: PinganCallOptions = {}): Promise<PinganReply> {
    const reply = await pinganCall(emulator.url, action, params, options);
    if (reply.body?.code !== 'SUCCESS') refusals.push(reply.text);
    return reply;
  }

  async function succeeds(action: string, params: Record<string, string> = {}, options: PinganCallOptions = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const reply = await call(action, params, options);
    assert.equal(reply.status, 200, `${action}: ${reply.text}`);
    assert.equal(reply.body.code, 'SUCCESS', reply.text);
    assert.match(reply.body.requestId, UUID);
    return reply.body;
  }

  async function refused(expectedCode: string, action: string, params: Record<string, string> = {}, options: PinganCallOptions = {}): Promise<string> {
    const reply = await call(action, params, options);
    assert.equal(reply.body?.code, expectedCode, `${action}: ${reply.text}`);
    assert.notEqual(reply.status, 200);
    assert.match(reply.body.requestId, UUID);
    assert.equal(typeof reply.body.message, 'string');
    return reply.body.message;
  }

  const describeKey = async (keyId: string) => (await succeeds('DescribeKey', { keyId })).keyMetadata;

  async function externalKey(extra: Record<string, string> = {}): Promise<string> {
    const body = await succeeds('CreateCmk', { origin: '1', keyUsage: '0', description: 'test', ...extra });
    return body.keyMetadata.keyId;
  }

  async function parameters(keyId: string, algorithm: PinganWrapping = 'RSAES_OAEP_SHA_256') {
    const body = await succeeds('GetParametersForImport', { keyId, wrappingAlgorithm: algorithm, wrappingKeySpec: 'RSA_2048' });
    tokens.push(body.importToken);
    return body as { keyId: string; publicKey: string; importToken: string; tokenExpireTime: string };
  }

  async function importInto(keyId: string, material: Buffer, opts: { algorithm?: PinganWrapping; expireUnix?: number; base64?: boolean } = {}): Promise<PinganReply> {
    materials.push(material);
    const params = await parameters(keyId, opts.algorithm);
    const wrapped = wrapMaterial(params.publicKey, opts.algorithm ?? 'RSAES_OAEP_SHA_256', material);
    const sent: Record<string, string> = {
      keyId, importToken: params.importToken, encryptedKeyMaterial: opts.base64 ? wrapped.toString('base64') : wrapped.toString('hex'),
    };
    if (opts.expireUnix !== undefined) sent.keyMaterialExpireUnix = String(opts.expireUnix);
    return call('ImportKeyMaterial', sent, { method: 'POST' });
  }

  async function provesMaterial(keyId: string, material: Buffer): Promise<void> {
    const sealed = await succeeds('Encrypt', { keyId, plainText: 'proof' });
    assert.equal(decryptLocally(sealed.cipherTextBlob, material), 'proof');
  }

  it('creates an external key (origin 1) with the documented keyMetadata: a UUID, PENDING_IMPORT, CST dates', async () => {
    const before = Date.now();
    const body = await succeeds('CreateCmk', { origin: '1', keyUsage: '0', description: 'payments', alias: `a-${randomBytes(4).toString('hex')}` });
    const meta = body.keyMetadata;
    assert.deepEqual(Object.keys(meta).sort(), ['alias', 'creationDate', 'deleteDate', 'description', 'keyId', 'keyState', 'keyUsage', 'materialExpireTime', 'origin', 'ownerId']);
    assert.match(meta.keyId, UUID);
    assert.deepEqual([meta.keyState, meta.origin, meta.keyUsage, meta.description, meta.deleteDate, meta.materialExpireTime], ['PENDING_IMPORT', 1, 0, 'payments', '', '']);
    assert.match(meta.alias, /^a-/);
    assert.ok(Math.abs(cst(meta.creationDate) - before) < 5000, `creationDate ${meta.creationDate} is +08:00 wall time`);
    assert.deepEqual(await describeKey(meta.keyId), meta);
  });

  it('runs the import flow by GET and form POST, and the key holds exactly the imported material (Encrypt, Decrypt, GenerateDataKey)', async () => {
    const material = randomBytes(32);
    const keyId = await externalKey();
    const params = await parameters(keyId);
    assert.equal(params.keyId, keyId);
    assert.match(params.publicKey, /^30[0-9a-f]+$/, 'hex of DER');
    assert.match(params.importToken, /^[0-9a-f]+$/);
    const expires = cst(params.tokenExpireTime);
    assert.ok(Math.abs(expires - (emulator.clock.now() + DAY_MS)) < 5000, `tokenExpireTime ${params.tokenExpireTime} is 24 h ahead`);

    const expireUnix = Math.floor(emulator.clock.now() / 1000) + 3600;
    materials.push(material);
    const wrapped = wrapMaterial(params.publicKey, 'RSAES_OAEP_SHA_256', material).toString('hex');
    await succeeds('ImportKeyMaterial', { keyId, importToken: params.importToken, encryptedKeyMaterial: wrapped, keyMaterialExpireUnix: String(expireUnix) }, { method: 'POST' });
    const meta = await describeKey(keyId);
    assert.equal(meta.keyState, 'ENABLED');
    assert.equal(cst(meta.materialExpireTime), expireUnix * 1000);

    await provesMaterial(keyId, material);
    const context = JSON.stringify({ purpose: 'test' });
    const sealed = await succeeds('Encrypt', { keyId, plainText: 'hello ping an', encryptionContext: context }, { method: 'POST' });
    assert.equal(sealed.keyId, keyId);
    assert.equal(decryptLocally(sealed.cipherTextBlob, material, { purpose: 'test' }), 'hello ping an');
    const opened = await succeeds('Decrypt', { cipherTextBlob: sealed.cipherTextBlob, encryptionContext: context });
    assert.deepEqual([opened.keyId, opened.plainText], [keyId, 'hello ping an']);
    await refused('InvalidCiphertext', 'Decrypt', { cipherTextBlob: sealed.cipherTextBlob });

    const dataKey = await succeeds('GenerateDataKey', { keyId, keySpec: 'AES_128' });
    assert.equal(Buffer.from(dataKey.plainText, 'base64').length, 16);
    assert.equal(decryptLocally(dataKey.cipherTextBlob, material), dataKey.plainText);
    assert.equal((await succeeds('Decrypt', { cipherTextBlob: dataKey.cipherTextBlob })).plainText, dataKey.plainText);
    assert.equal(Buffer.from((await succeeds('GenerateDataKey', { keyId, numberOfBytes: '100' })).plainText, 'base64').length, 100);
    assert.equal(Buffer.from((await succeeds('GenerateDataKey', { keyId })).plainText, 'base64').length, 32);
    await refused('InvalidParameter', 'GenerateDataKey', { keyId, numberOfBytes: '1025' });
  });

  it('takes the parameters from the query, the form body, or both at once', async () => {
    const keyId = await externalKey();
    for (const inQuery of [['action', 'version'], ['keyId', 'signature', 'timestamp'], []]) {
      const body = await succeeds('DescribeKey', { keyId }, { method: 'POST', inQuery });
      assert.equal(body.keyMetadata.keyId, keyId);
    }
    // One name twice (query and body) is refused: the signature cannot say which value was meant.
    const signed = signedParams('DescribeKey', { keyId });
    const response = await fetch(`${emulator.url}/?keyId=${keyId}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(signed).toString(),
    });
    const twice = (await response.json()) as { code: string; message: string };
    refusals.push(JSON.stringify(twice));
    assert.equal(twice.code, 'InvalidParameter');
    assert.match(twice.message, /"keyId" is given more than once/);
  });

  it('wraps with RSAES_OAEP_SHA_1 and RSAES_PKCS1_V1_5 too, and takes the wrapped material as base64', async () => {
    for (const algorithm of ['RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'] as const) {
      const material = randomBytes(32);
      const keyId = await externalKey();
      const reply = await importInto(keyId, material, { algorithm });
      assert.equal(reply.body.code, 'SUCCESS', `${algorithm}: ${reply.text}`);
      await provesMaterial(keyId, material);
    }
    const material = randomBytes(32);
    const keyId = await externalKey();
    assert.equal((await importInto(keyId, material, { base64: true })).body.code, 'SUCCESS');
    await provesMaterial(keyId, material);
  });

  it('disables and enables a key: a disabled key refuses Encrypt and Decrypt', async () => {
    const material = randomBytes(32);
    const keyId = await externalKey();
    await importInto(keyId, material);
    const sealed = await succeeds('Encrypt', { keyId, plainText: 'x' });
    await succeeds('DisableKey', { keyId });
    assert.equal((await describeKey(keyId)).keyState, 'DISABLED');
    assert.match(await refused('Rejected.KeyState', 'Encrypt', { keyId, plainText: 'x' }), /DISABLED/);
    await refused('Rejected.KeyState', 'Decrypt', { cipherTextBlob: sealed.cipherTextBlob });
    // The same material, in place, is refused while the key is disabled (the store's rule, as on Alibaba).
    assert.equal((await importInto(keyId, material)).body.code, 'Rejected.KeyState');
    await succeeds('EnableKey', { keyId });
    assert.equal((await describeKey(keyId)).keyState, 'ENABLED');
    await provesMaterial(keyId, material);
    // A key pending import can be neither enabled nor disabled.
    const pending = await externalKey();
    assert.match(await refused('Rejected.KeyState', 'EnableKey', { keyId: pending }), /PENDING_IMPORT/);
    await refused('Rejected.KeyState', 'DisableKey', { keyId: pending });
  });

  it('reimports the same material in place to change the expiry (and to never), refuses other material, and takes it back after DeleteKeyMaterial', async () => {
    const material = randomBytes(32);
    const keyId = await externalKey();
    const now = Math.floor(emulator.clock.now() / 1000);
    assert.equal((await importInto(keyId, material, { expireUnix: now + 3600 })).body.code, 'SUCCESS');
    assert.equal(cst((await describeKey(keyId)).materialExpireTime), (now + 3600) * 1000);

    // In place, over live material: the key stays ENABLED, only the expiry changes.
    assert.equal((await importInto(keyId, material, { expireUnix: now + 7200 })).body.code, 'SUCCESS');
    let meta = await describeKey(keyId);
    assert.deepEqual([meta.keyState, cst(meta.materialExpireTime)], ['ENABLED', (now + 7200) * 1000]);
    assert.equal((await importInto(keyId, material, { expireUnix: 0 })).body.code, 'SUCCESS');
    assert.equal((await describeKey(keyId)).materialExpireTime, '', '0 = never expires');

    const other = randomBytes(32);
    assert.equal((await importInto(keyId, other)).body.code, 'InvalidParameter.KeyMaterialMismatch');
    await provesMaterial(keyId, material);

    await succeeds('DeleteKeyMaterial', { keyId });
    meta = await describeKey(keyId);
    assert.deepEqual([meta.keyState, meta.materialExpireTime], ['PENDING_IMPORT', '']);
    await refused('Rejected.KeyState', 'Encrypt', { keyId, plainText: 'x' });
    assert.equal((await importInto(keyId, other)).body.code, 'InvalidParameter.KeyMaterialMismatch', 'other material stays refused');
    assert.equal((await importInto(keyId, material)).body.code, 'SUCCESS');
    assert.equal((await describeKey(keyId)).keyState, 'ENABLED');
    await provesMaterial(keyId, material);
  });

  it('lets material expire on the emulator clock: the key goes back to PENDING_IMPORT', async () => {
    const material = randomBytes(32);
    const keyId = await externalKey();
    assert.equal((await importInto(keyId, material, { expireUnix: Math.floor(emulator.clock.now() / 1000) + 60 })).body.code, 'SUCCESS');
    emulator.clock.advance(120);
    try {
      const meta = await describeKey(keyId);
      assert.deepEqual([meta.keyState, meta.materialExpireTime], ['PENDING_IMPORT', '']);
    } finally {
      emulator.clock.reset();
    }
  });

  it('schedules a deletion 7 to 30 days out (PENDING_DELETE, deleteDate) and cancels it', async () => {
    const material = randomBytes(32);
    const keyId = await externalKey();
    await importInto(keyId, material);
    for (const days of ['6', '31', 'seven', '']) {
      const message = await refused(days === '' ? 'MissingParameter' : 'InvalidParameter', 'ScheduleKeyDeletion', { keyId, pendingWindowInDays: days });
      assert.match(message, /pendingWindowInDays/);
    }
    await succeeds('ScheduleKeyDeletion', { keyId, pendingWindowInDays: '7' });
    let meta = await describeKey(keyId);
    assert.equal(meta.keyState, 'PENDING_DELETE');
    assert.ok(Math.abs(cst(meta.deleteDate) - (emulator.clock.now() + 7 * DAY_MS)) < 5000, meta.deleteDate);
    await refused('Rejected.KeyState', 'Encrypt', { keyId, plainText: 'x' });
    await refused('Rejected.KeyState', 'GetParametersForImport', { keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' });
    await refused('Rejected.KeyState', 'ScheduleKeyDeletion', { keyId, pendingWindowInDays: '30' });
    await succeeds('CancelKeyDeletion', { keyId });
    meta = await describeKey(keyId);
    assert.deepEqual([meta.keyState, meta.deleteDate], ['DISABLED', '']);
    await refused('Rejected.KeyState', 'CancelKeyDeletion', { keyId });

    const pending = await externalKey();
    await succeeds('ScheduleKeyDeletion', { keyId: pending, pendingWindowInDays: '30' });
    await succeeds('CancelKeyDeletion', { keyId: pending });
    assert.equal((await describeKey(pending)).keyState, 'PENDING_IMPORT', 'no material: back to pending import');
  });

  it('refuses import tokens of another key, expired tokens, bad hex and material that is not 256 bits', async () => {
    const keyId = await externalKey();
    const otherKey = await externalKey();
    const foreign = await parameters(otherKey);
    const material = randomBytes(32);
    materials.push(material);
    const wrapped = wrapMaterial(foreign.publicKey, 'RSAES_OAEP_SHA_256', material).toString('hex');
    await refused('InvalidParameter.ImportToken', 'ImportKeyMaterial', { keyId, importToken: foreign.importToken, encryptedKeyMaterial: wrapped });
    await refused('InvalidParameter.ImportToken', 'ImportKeyMaterial', { keyId, importToken: 'ab'.repeat(320), encryptedKeyMaterial: wrapped });
    assert.match(await refused('InvalidParameter', 'ImportKeyMaterial', { keyId, importToken: 'not hex', encryptedKeyMaterial: wrapped }), /importToken.*hexadecimal/);
    assert.match(await refused('InvalidParameter', 'ImportKeyMaterial', { keyId, importToken: foreign.importToken, encryptedKeyMaterial: '!!' }), /encryptedKeyMaterial/);
    await refused('MissingParameter', 'ImportKeyMaterial', { keyId, importToken: foreign.importToken });

    const own = await parameters(keyId);
    const short = randomBytes(16);
    materials.push(short);
    await refused('InvalidParameter.KeyMaterial', 'ImportKeyMaterial', {
      keyId, importToken: own.importToken, encryptedKeyMaterial: wrapMaterial(own.publicKey, 'RSAES_OAEP_SHA_256', short).toString('hex'),
    });
    // Wrapped for another key pair: it does not unwrap with this token's.
    await refused('InvalidParameter.EncryptedKeyMaterial', 'ImportKeyMaterial', { keyId, importToken: own.importToken, encryptedKeyMaterial: wrapped });
    const inPast = Math.floor(emulator.clock.now() / 1000) - 10;
    const good = wrapMaterial(own.publicKey, 'RSAES_OAEP_SHA_256', material).toString('hex');
    await refused('InvalidParameter.KeyMaterialExpireUnix', 'ImportKeyMaterial', { keyId, importToken: own.importToken, encryptedKeyMaterial: good, keyMaterialExpireUnix: String(inPast) });
    assert.match(await refused('InvalidParameter', 'ImportKeyMaterial', {
      keyId, importToken: own.importToken, encryptedKeyMaterial: good, keyMaterialExpireUnix: String(Date.now() + 3_600_000),
    }), /seconds since 1970 \(not milliseconds\)/);

    emulator.clock.advance(25 * 3600);
    try {
      await refused('InvalidParameter.ImportTokenExpired', 'ImportKeyMaterial', { keyId, importToken: own.importToken, encryptedKeyMaterial: good });
    } finally {
      emulator.clock.reset();
    }
  });

  it('checks every parameter, naming it and what is allowed, in the assumed envelope {code, message, requestId}', async () => {
    const keyId = await externalKey();
    const cases: Array<[string, Record<string, string>, string, RegExp]> = [
      ['DescribeKey', {}, 'MissingParameter', /"keyId"/],
      ['DescribeKey', { keyId: 'KEY' }, 'InvalidParameter', /"keyId".*UUID/],
      ['DescribeKey', { keyId: '00000000-0000-4000-8000-000000000000' }, 'Forbidden.KeyNotFound', /00000000-0000-4000-8000-000000000000/],
      ['CreateCmk', { origin: '2' }, 'InvalidParameter', /"origin".*0, 1/],
      ['CreateCmk', { keyUsage: '1' }, 'InvalidParameter', /"keyUsage".*0/],
      ['CreateCmk', { algorithm: 'AES' }, 'InvalidParameter', /"algorithm".*RSA, SM2/],
      ['GetParametersForImport', { keyId, wrappingAlgorithm: 'RSA_OAEP', wrappingKeySpec: 'RSA_2048' }, 'InvalidParameter',
        /"wrappingAlgorithm".*RSAES_PKCS1_V1_5, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256/],
      ['GetParametersForImport', { keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_4096' }, 'InvalidParameter', /"wrappingKeySpec".*RSA_2048/],
      ['GetParametersForImport', { keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }, 'MissingParameter', /"wrappingKeySpec"/],
      ['Encrypt', { keyId, plainText: 'x', encryptionContext: '[1]' }, 'InvalidParameter', /"encryptionContext".*JSON object/],
      ['Decrypt', { cipherTextBlob: 'AAAA' }, 'InvalidCiphertext', /cipherTextBlob/],
      ['ListKeys', {}, 'InvalidAction.NotFound', /ListKeys/],
    ];
    for (const [action, params, code, message] of cases) {
      const reply = await call(action, params);
      assert.deepEqual(Object.keys(reply.body).sort(), ['code', 'message', 'requestId'], reply.text);
      assert.equal(reply.body.code, code, `${action} ${JSON.stringify(params)}: ${reply.text}`);
      assert.match(reply.body.message, message);
      assert.ok(reply.status >= 400, reply.text);
    }
  });

  it('keeps aliases unique, and platform keys (origin 0) take no imported material', async () => {
    const alias = `unique-${randomBytes(4).toString('hex')}`;
    await externalKey({ alias });
    assert.match(await refused('EntityAlreadyExists.Alias', 'CreateCmk', { origin: '1', alias }), new RegExp(alias));
    const platform = (await succeeds('CreateCmk', {})).keyMetadata;
    assert.deepEqual([platform.origin, platform.keyState], [0, 'ENABLED']);
    await refused('Forbidden.NotExternalKey', 'GetParametersForImport', { keyId: platform.keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' });
    assert.equal((await succeeds('Encrypt', { keyId: platform.keyId, plainText: 'x' })).keyId, platform.keyId);
  });

  it('keeps keys per region, named by a kms-<region>.yun.pingan.com Host (cn-shanghai otherwise)', async () => {
    const hongkong = { headers: { host: 'kms-cn-hongkong.yun.pingan.com' } };
    const keyId = (await succeeds('CreateCmk', { origin: '1' }, hongkong)).keyMetadata.keyId;
    assert.equal((await succeeds('DescribeKey', { keyId }, hongkong)).keyMetadata.keyId, keyId);
    await refused('Forbidden.KeyNotFound', 'DescribeKey', { keyId });
    const shanghai = await externalKey();
    assert.equal((await succeeds('DescribeKey', { keyId: shanghai }, { headers: { host: 'kms-cn-shanghai.yun.pingan.com' } })).keyMetadata.keyId, shanghai);
  });

  it('lets DescribeKey lag behind changes when the consistency switch says so (pingan), other actions see the truth', async () => {
    emulator.consistency.setDelay('pingan', 1000);
    try {
      const keyId = (await succeeds('CreateCmk', { origin: '1' })).keyMetadata.keyId;
      await refused('Forbidden.KeyNotFound', 'DescribeKey', { keyId });
      await parameters(keyId); // GetParametersForImport sees the key at once
      await new Promise((resolve) => setTimeout(resolve, 1050));
      assert.equal((await describeKey(keyId)).keyState, 'PENDING_IMPORT');
    } finally {
      emulator.consistency.setDelay('pingan', 0);
    }
  });

  it('answers throttling and injected failures in its envelope, counted as pingan:<action>', async () => {
    const keyId = await externalKey();
    emulator.faults.add({ target: 'pingan:DescribeKey', failNext: 1, failStatus: 503 });
    emulator.faults.add({ target: 'pingan:Encrypt', throttleRate: 1 });
    try {
      const unavailable = await call('DescribeKey', { keyId });
      assert.deepEqual([unavailable.status, unavailable.body.code], [503, 'ServiceUnavailable']);
      const throttled = await call('Encrypt', { keyId, plainText: 'x' });
      assert.deepEqual([throttled.status, throttled.body.code, typeof throttled.body.message], [429, 'Throttling', 'string']);
    } finally {
      emulator.faults.clear();
    }
    const counts = emulator.requestCounts();
    assert.ok(counts['pingan:DescribeKey'] >= 2 && counts['pingan:Encrypt'] >= 1, JSON.stringify(counts));
    assert.ok(log.some((line) => /^pingan DescribeKey 503 /.test(line)), 'logged under pingan');
  });

  it('is recognised by lowercase action + version=2017-01-01 on path / only; Alibaba keeps Action + Version=2016-01-20', async () => {
    const request = (method: string, path: string, query: string, body = '', form = true): ProtocolRequest => ({
      method, rawUrl: `${path}?${query}`, path, query: new URLSearchParams(query), body: Buffer.from(body), bodyTooLarge: false,
      headers: form && body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    });
    const pingan = [
      request('GET', '/', 'action=DescribeKey&version=2017-01-01'),
      request('POST', '/', '', 'action=DescribeKey&version=2017-01-01'),
      request('POST', '/', 'version=2017-01-01', 'action=DescribeKey'),
    ];
    const alibaba = [
      request('GET', '/', 'Action=DescribeKey&Version=2016-01-20'),
      request('POST', '/', '', 'Action=DescribeKey&Version=2016-01-20'),
    ];
    const neither = [
      request('GET', '/', 'Action=DescribeKey&Version=2017-01-01'),
      request('GET', '/', 'action=DescribeKey&version=2016-01-20'),
      request('GET', '/other', 'action=DescribeKey&version=2017-01-01'),
      request('GET', '/', 'version=2017-01-01'),
      request('DELETE', '/', 'action=DescribeKey&version=2017-01-01'),
      request('POST', '/', '', 'action=DescribeKey&version=2017-01-01', false),
    ];
    for (const r of pingan) assert.deepEqual([r.rawUrl, pinganProtocol.matches(r), alicloudProtocol.matches(r)], [r.rawUrl, true, false]);
    for (const r of alibaba) assert.deepEqual([r.rawUrl, pinganProtocol.matches(r), alicloudProtocol.matches(r)], [r.rawUrl, false, true]);
    for (const r of neither) assert.deepEqual([r.rawUrl, pinganProtocol.matches(r)], [r.rawUrl, false]);
    assert.equal(pinganProtocol.operation(pingan[1]), 'DescribeKey');

    // Over HTTP: a capitalised Action with Ping An's version reaches no protocol.
    const response = await fetch(`${emulator.url}/?Action=DescribeKey&Version=2017-01-01`);
    assert.equal(response.status, 404);
    assert.match(((await response.json()) as { message: string }).message, /Ping An/);
  });

  it('keeps Ping An keys, their alias, expiry and material across a restart with a state file, the material sealed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-state-'));
    const stateFile = path.join(dir, 'state.json');
    const material = randomBytes(32);
    let first: RunningEmulator | undefined;
    let second: RunningEmulator | undefined;
    try {
      first = await startEmulator({ stateFile });
      const keyId = (await pinganCall(first.url, 'CreateCmk', { origin: '1', alias: 'survives-restart' })).body.keyMetadata.keyId;
      const params = (await pinganCall(first.url, 'GetParametersForImport', { keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' })).body;
      const wrapped = wrapMaterial(params.publicKey, 'RSAES_OAEP_SHA_256', material).toString('hex');
      const expireUnix = Math.floor(Date.now() / 1000) + 86_400;
      const imported = await pinganCall(first.url, 'ImportKeyMaterial', { keyId, importToken: params.importToken, encryptedKeyMaterial: wrapped, keyMaterialExpireUnix: String(expireUnix) });
      assert.equal(imported.body.code, 'SUCCESS', imported.text);
      await first.close();
      first = undefined;
      assertNoMaterial([material], { files: [stateFile] });

      second = await startEmulator({ stateFile });
      const meta = (await pinganCall(second.url, 'DescribeKey', { keyId })).body.keyMetadata;
      assert.deepEqual([meta.alias, meta.keyState, cst(meta.materialExpireTime)], ['survives-restart', 'ENABLED', expireUnix * 1000]);
      const sealed = await pinganCall(second.url, 'Encrypt', { keyId, plainText: 'after restart' });
      assert.equal(decryptLocally(sealed.body.cipherTextBlob, material), 'after restart');
    } finally {
      await first?.close();
      await second?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never puts key material or import tokens in a refusal or the request log', () => {
    assert.ok(refusals.length > 30, `checked ${refusals.length} refusals`);
    assert.ok(materials.length > 10 && tokens.length > 10);
    const texts = { refusals: refusals.join('\n'), log: log.join('\n') };
    assertNoMaterial(materials, { texts });
    for (const token of tokens) {
      for (const [place, text] of Object.entries(texts)) assert.ok(!text.includes(token.slice(0, 64)), `an import token leaked into ${place}`);
    }
    assert.ok(log.length > 50 && log.every((line) => /^pingan \S+ (\d{3}|-) /.test(line) || /^- - 404 /.test(line)), log.find((l) => !/^pingan /.test(l)));
  });
});
