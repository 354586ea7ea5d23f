// The Ping An adapter, its real client over real HTTP, against a small Ping An server on 127.0.0.1 (fake-server.ts:
// the documented shapes, its own signature check). End-to-end runs against the emulator's Ping An protocol come with it.
import { strict as assert } from 'node:assert';
import { createPublicKey, randomBytes } from 'node:crypto';
import { ImportedKeyError } from '../../../../core/errors';
import { wrapKeyMaterial, type WrappingAlgorithm } from '../../../../core/wrapping';
import { createAdapter } from '../../../../provider/clouds';
import { PinganKmsAdapter } from '../../../../provider/clouds/pingan/adapter';
import { PinganKmsClient, type ClientOptions } from '../../../../provider/clouds/pingan/client';
import { FakePinganKms } from './fake-server';

async function rejects(promise: Promise<unknown>): Promise<ImportedKeyError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ImportedKeyError, String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

/** Whether `text` holds `bytes` in any encoding a leak would take. */
function holds(text: string, bytes: Buffer): boolean {
  return [bytes.toString('hex'), bytes.toString('hex').toUpperCase(), bytes.toString('base64')].some((form) => text.includes(form));
}

const MISSING = '00000000-0000-0000-0000-000000000000';

describe('pingan adapter against a Ping An server on 127.0.0.1', () => {
  const server = new FakePinganKms();
  let url: string;
  const fast: ClientOptions = { retryDelayMs: 1, throttling: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 } };
  const adapterFor = (options: ClientOptions = {}) =>
    new PinganKmsAdapter(new PinganKmsClient({ endpoint: new URL(url), credentials: { accessKeyId: server.accessKeyId, accessKeySecret: server.accessKeySecret } }, { ...fast, ...options }));
  let adapter: PinganKmsAdapter;

  before(async () => {
    url = await server.start();
    adapter = adapterFor();
  });
  after(() => server.stop());
  beforeEach(() => server.reset());

  async function wrapFor(a: PinganKmsAdapter, keyId: string, material: Buffer, algorithm: WrappingAlgorithm = 'RSAES_OAEP_SHA_256') {
    const params = await a.getImportParameters(keyId, algorithm, 'RSA_2048');
    return { params, encryptedKeyMaterial: wrapKeyMaterial({ algorithm, publicKey: params.publicKey, material }) };
  }

  async function importedKey(material: Buffer, expiresAt?: string, a = adapter): Promise<string> {
    const { keyId } = await a.createKey({ keySpec: 'AES_256' });
    const { params, encryptedKeyMaterial } = await wrapFor(a, keyId, material);
    await a.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial, expiresAt });
    return keyId;
  }

  it('creates an external key (CreateCmk origin 1, keyUsage 0), imports material with an expiry, and describes it like the other clouds', async () => {
    const created = await adapter.createKey({ keySpec: 'AES_256', alias: 'payments', description: 'test key' });
    assert.deepEqual({ state: created.keyState, origin: created.origin, spec: created.keySpec, usage: created.keyUsage }, { state: 'PendingImport', origin: 'EXTERNAL', spec: 'AES_256', usage: 'ENCRYPT_DECRYPT' });
    const create = server.requests.find((r) => r.action === 'CreateCmk')!;
    assert.deepEqual({ origin: create.params.origin, keyUsage: create.params.keyUsage, alias: create.params.alias, description: create.params.description, algorithm: create.params.algorithm }, {
      origin: '1', keyUsage: '0', alias: 'payments', description: 'test key', algorithm: undefined,
    });
    assert.equal(create.method, 'POST');
    assert.match(String(create.contentType), /^application\/x-www-form-urlencoded/);

    const material = randomBytes(32);
    const { params, encryptedKeyMaterial } = await wrapFor(adapter, created.keyId, material);
    assert.equal(createPublicKey({ key: params.publicKey, format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength, 2048);
    const hoursValid = (Date.parse(params.parametersValidTo) - Date.now()) / 3600_000;
    assert.ok(hoursValid > 23.9 && hoursValid <= 24.01, `tokenExpireTime read at +08:00: ${hoursValid} h`);

    const expiresAt = new Date(Math.floor(Date.now() / 1000 + 30 * 86_400) * 1000).toISOString();
    await adapter.importMaterial({ keyId: created.keyId, importToken: params.importToken, encryptedKeyMaterial, expiresAt });
    const sent = server.requests.find((r) => r.action === 'ImportKeyMaterial')!.params;
    assert.equal(sent.keyMaterialExpireUnix, String(Date.parse(expiresAt) / 1000), 'seconds');
    assert.equal(sent.encryptedKeyMaterial, encryptedKeyMaterial.toString('hex'), 'hex');
    assert.equal(sent.importToken, params.importToken.toString('hex'));
    assert.deepEqual(
      { ...(await adapter.describeKey(created.keyId)) },
      { keyId: created.keyId, arn: created.keyId, keyState: 'Enabled', origin: 'EXTERNAL', keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: expiresAt },
    );
  });

  it('imports with each wrapping algorithm, and material that never expires goes without keyMaterialExpireUnix', async () => {
    for (const algorithm of ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'] as const) {
      const { keyId } = await adapter.createKey({ keySpec: 'AES_256' });
      const { params, encryptedKeyMaterial } = await wrapFor(adapter, keyId, randomBytes(32), algorithm);
      await adapter.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial });
      const described = await adapter.describeKey(keyId);
      assert.deepEqual([described?.keyState, described?.expirationModel, described?.validTo], ['Enabled', 'KEY_MATERIAL_DOES_NOT_EXPIRE', undefined], algorithm);
    }
    assert.ok(server.requests.filter((r) => r.action === 'ImportKeyMaterial').every((r) => !('keyMaterialExpireUnix' in r.params)));
  });

  it('sends GET with the parameters in the query when asked, signed the same way', async () => {
    const getter = adapterFor({ method: 'GET' });
    const keyId = await importedKey(randomBytes(32), undefined, getter);
    assert.equal((await getter.describeKey(keyId))?.keyState, 'Enabled');
    assert.ok(server.requests.every((r) => r.method === 'GET'), server.requests.map((r) => r.method).join());
  });

  it('reimports the same material in place to change the expiry (reimportMode in-place); other material is refused', async () => {
    assert.equal(adapter.reimportMode, 'in-place');
    const material = randomBytes(32);
    const keyId = await importedKey(material, new Date(Date.now() + 86_400_000).toISOString());
    const later = new Date(Math.floor(Date.now() / 1000 + 60 * 86_400) * 1000).toISOString();
    const again = await wrapFor(adapter, keyId, material);
    await adapter.importMaterial({ keyId, importToken: again.params.importToken, encryptedKeyMaterial: again.encryptedKeyMaterial, expiresAt: later });
    assert.equal((await adapter.describeKey(keyId))?.validTo, later);
    assert.ok(!server.actions().includes('DeleteKeyMaterial'));

    const other = randomBytes(32);
    const wrong = await wrapFor(adapter, keyId, other);
    const refused = await rejects(adapter.importMaterial({ keyId, importToken: wrong.params.importToken, encryptedKeyMaterial: wrong.encryptedKeyMaterial }));
    assert.equal(refused.code, 'InvalidKeyMaterial');
    assert.equal(refused.cloudCode, 'KeyMaterialMismatch');
    for (const text of [refused.message, JSON.stringify(refused), String(refused.stack)]) {
      for (const secret of [material, other, wrong.params.importToken, wrong.encryptedKeyMaterial]) assert.equal(holds(text, secret), false);
    }
  });

  it('refuses a token of another key as ImportTokenRejected', async () => {
    const { keyId } = await adapter.createKey({ keySpec: 'AES_256' });
    const { keyId: otherKey } = await adapter.createKey({ keySpec: 'AES_256' });
    const { params, encryptedKeyMaterial } = await wrapFor(adapter, keyId, randomBytes(32));
    const foreign = await rejects(adapter.importMaterial({ keyId: otherKey, importToken: params.importToken, encryptedKeyMaterial }));
    assert.equal(foreign.code, 'ImportTokenRejected');
    assert.equal(foreign.cloudCode, 'InvalidImportToken');
  });

  it('cuts the token, the wrapped material and the signature out of a message that echoes the request', async () => {
    const { keyId } = await adapter.createKey({ keySpec: 'AES_256' });
    const { params, encryptedKeyMaterial } = await wrapFor(adapter, keyId, randomBytes(32));
    server.faults.push({ action: 'ImportKeyMaterial', code: 'InvalidParameter', echo: true });
    const error = await rejects(adapter.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial }));
    const sent = server.requests.find((r) => r.action === 'ImportKeyMaterial')!.params;
    assert.match(error.message, /<redacted>/);
    for (const text of [error.message, JSON.stringify(error), String(error.stack)]) {
      assert.equal(holds(text, params.importToken) || holds(text, encryptedKeyMaterial) || text.includes(sent.signature) || text.includes(server.accessKeySecret), false, text);
    }
    assert.ok(error.message.includes(keyId), 'the key id is no secret and stays');
  });

  it('returns undefined for a key that does not exist, and reads any non-SUCCESS code as a failure whatever the HTTP status', async () => {
    assert.equal(await adapter.describeKey(MISSING), undefined);
    const keyId = await importedKey(randomBytes(32));
    server.faults.push({ action: 'DisableKey', status: 200, code: 'Forbidden.KeyUsage' });
    const refused = await rejects(adapter.disableKey(keyId));
    assert.equal(refused.cloudCode, 'Forbidden.KeyUsage');
    assert.match(refused.message, /^pingan DisableKey failed: Forbidden\.KeyUsage: injected Forbidden\.KeyUsage \(requestId [0-9a-f-]{36}\)/);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled', 'the refused call did nothing');
  });

  it('deletes material (already gone counts as done), disables and enables', async () => {
    const keyId = await importedKey(randomBytes(32));
    await adapter.disableKey(keyId);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Disabled');
    await adapter.enableKey(keyId);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled');
    assert.deepEqual(server.requests.find((r) => r.action === 'EnableKey')!.params.keyId, keyId);
    await adapter.deleteMaterial(keyId);
    await adapter.deleteMaterial(keyId);
    const described = await adapter.describeKey(keyId);
    assert.deepEqual([described?.keyState, described?.expirationModel], ['PendingImport', undefined]);
  });

  it('schedules deletion within 7–30 days (pendingWindowInDays); already pending deletion and already gone count as done', async () => {
    const keyId = await importedKey(randomBytes(32));
    await adapter.scheduleDeletion(keyId, 7);
    await adapter.scheduleDeletion(keyId, 7);
    assert.equal(server.requests.find((r) => r.action === 'ScheduleKeyDeletion')!.params.pendingWindowInDays, '7');
    const described = await adapter.describeKey(keyId);
    assert.equal(described?.keyState, 'PendingDeletion');
    assert.ok(Math.abs(Date.parse(described!.deletionDate!) - (Date.now() + 7 * 86_400_000)) < 5000, described!.deletionDate);
    await adapter.scheduleDeletion(MISSING, 30);
    const sent = server.requests.length;
    for (const bad of [6, 31, 7.5]) assert.match((await rejects(adapter.scheduleDeletion(keyId, bad))).message, /deletionWindowInDays must be a whole number from 7 to 30 for pingan/);
    assert.equal(server.requests.length, sent, 'refused before any request');
  });

  it('refuses what would be unsafe to send before any request: tags, another key spec, algorithm or wrapping key spec, a bad key id', async () => {
    assert.match((await rejects(adapter.createKey({ keySpec: 'AES_256', tags: { a: 'b' } }))).message, /tags are not supported for pingan/);
    assert.match((await rejects(adapter.createKey({ keySpec: 'SM4' }))).message, /keySpec must be AES_256 for pingan/);
    assert.equal((await rejects(adapter.getImportParameters(MISSING, 'SM2PKE', 'SM2'))).code, 'UnsupportedAlgorithm');
    assert.match((await rejects(adapter.getImportParameters(MISSING, 'RSAES_OAEP_SHA_256', 'RSA_4096'))).message, /wrappingKeySpec must be RSA_2048 on pingan/);
    assert.match((await rejects(adapter.describeKey('x&action=DeleteKeyMaterial'))).message, /keyId must be a Ping An key id/);
    assert.equal(server.requests.length, 0);
  });

  it('reads the other dialects: states as digits or Alibaba names, a PKCS#1 key, an expiry in epoch ms, PascalCase fields, msg', async () => {
    const material = randomBytes(32);
    for (const keyState of ['digits', 'alibaba'] as const) {
      server.dialect.keyState = keyState;
      const keyId = await importedKey(material);
      assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled', keyState);
      await adapter.disableKey(keyId);
      assert.equal((await adapter.describeKey(keyId))?.keyState, 'Disabled', keyState);
      await adapter.scheduleDeletion(keyId, 7);
      assert.equal((await adapter.describeKey(keyId))?.keyState, 'PendingDeletion', keyState);
      assert.equal((await adapter.createKey({ keySpec: 'AES_256' })).keyState, 'PendingImport', keyState);
    }
    server.reset();
    Object.assign(server.dialect, { publicKey: 'pkcs1', tokenExpireTime: 'epochMillis', importParameterFields: 'alibaba', errorEnvelope: 'msg' });
    const keyId = await importedKey(material);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled');
    const { params } = await wrapFor(adapter, keyId, material);
    assert.ok(Math.abs(Date.parse(params.parametersValidTo) - (Date.now() + 86_400_000)) < 5000);
    server.faults.push({ action: 'DisableKey', code: 'Forbidden.Whatever' });
    assert.match((await rejects(adapter.disableKey(keyId))).message, /Forbidden\.Whatever: injected Forbidden\.Whatever/);
  });

  it('is refused when the server keys the HMAC with secret + "&" (the signatureKey assumption), naming the credentials', async () => {
    server.dialect.signatureKey = 'secretAmpersand';
    const refused = await rejects(adapter.describeKey(MISSING));
    assert.equal(refused.cloudCode, 'SignatureDoesNotMatch');
    assert.match(refused.message, /check the Ping An credentials \(PINGAN_ACCESS_KEY_ID \/ PINGAN_ACCESS_KEY_SECRET\)/);
  });

  it('retries throttling, and unclear failures only of repeatable actions: CreateCmk is never sent twice, and says what may be left', async () => {
    const keyId = await importedKey(randomBytes(32));
    server.faults.push({ action: 'DescribeKey', status: 429, code: 'Throttling', times: 2 });
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled');
    server.faults.push({ action: 'DescribeKey', status: 200, code: 'Throttling.User', times: 10 });
    assert.equal((await rejects(adapter.describeKey(keyId))).cloudCode, 'Throttling.User');
    server.faults.length = 0;

    server.faults.push({ action: 'DisableKey', status: 500, code: 'InternalError' });
    await adapter.disableKey(keyId);
    assert.equal(server.actions().filter((a) => a === 'DisableKey').length, 2, 'DisableKey is repeatable');

    const before = server.keys.size;
    const creates = server.actions().filter((a) => a === 'CreateCmk').length;
    server.faults.push({ action: 'CreateCmk', drop: true });
    const lost = await rejects(adapter.createKey({ keySpec: 'AES_256', alias: 'lost' }));
    assert.equal(server.actions().filter((a) => a === 'CreateCmk').length, creates + 1, 'CreateCmk is not sent again');
    assert.equal(server.keys.size, before + 1, 'the lost reply did make a key');
    assert.match(lost.message, /Ping An may still have made the key, and having no operation that lists keys the provider cannot look for it: in the console, look for a PENDING_IMPORT key with alias "lost" created around \d{4}-/);

    server.faults.push({ action: 'CreateCmk', status: 500, code: 'InternalError' });
    assert.match((await rejects(adapter.createKey({ keySpec: 'AES_256' }))).message, /may still have made the key/);
    server.faults.push({ action: 'CreateCmk', code: 'InvalidParameter.Alias' });
    assert.doesNotMatch((await rejects(adapter.createKey({ keySpec: 'AES_256' }))).message, /may still have made/);
  });

  it('does not resend an import whose reply was lost; DescribeKey then shows it was done', async () => {
    const { keyId } = await adapter.createKey({ keySpec: 'AES_256' });
    const { params, encryptedKeyMaterial } = await wrapFor(adapter, keyId, randomBytes(32));
    server.faults.push({ action: 'ImportKeyMaterial', drop: true });
    const lost = await rejects(adapter.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial }));
    assert.equal(lost.code, 'CloudError');
    assert.equal(server.actions().filter((a) => a === 'ImportKeyMaterial').length, 1);
    assert.equal((await adapter.describeKey(keyId))?.keyState, 'Enabled');
  });

  it("knows the cloud's time from the replies' Date header", async () => {
    const fresh = adapterFor();
    assert.equal(fresh.cloudTime(), undefined);
    server.skewMs = 5 * 60_000;
    await fresh.describeKey(MISSING);
    assert.ok(Math.abs(fresh.cloudTime()!.getTime() - (Date.now() + 5 * 60_000)) < 2000);
  });

  it('is built by the registry from the environment', () => {
    const saved = { ...process.env };
    try {
      process.env.PINGAN_ACCESS_KEY_ID = 'a';
      process.env.PINGAN_ACCESS_KEY_SECRET = 'b';
      const built = createAdapter('pingan', { endpoint: url });
      assert.equal(built.cloud, 'pingan');
      assert.equal(built.reimportMode, 'in-place');
      assert.equal(typeof built.probeAssumptions, 'function');
      built.destroy();
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
