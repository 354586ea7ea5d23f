import { strict as assert } from 'node:assert';
import { createDecipheriv, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../../emulator';
import { huaweicloudProtocol as huaweiProtocol } from '../../../../emulator/protocols/huaweicloud/protocol';
import { wrapKeyMaterial, type WrappingAlgorithm } from '../../../../core/wrapping';
import { huaweiCall, rawCall } from '../../../support/huaweicloud-client';

const PROJECT = '0123456789abcdef0123456789abcdef';
const OTHER_PROJECT = 'fedcba9876543210fedcba9876543210';

/** Decrypts an encrypt-data cipher_text with the material we imported: proves the emulator holds exactly that material. */
function decryptLocally(cipherTextB64: string, material: Buffer): string {
  const blob = Buffer.from(cipherTextB64, 'base64');
  const idLength = blob[1];
  const keyId = blob.subarray(2, 2 + idLength).toString('utf8');
  const start = 2 + idLength;
  const decipher = createDecipheriv('aes-256-gcm', material, blob.subarray(start, start + 12));
  decipher.setAAD(Buffer.from(JSON.stringify([keyId, []])));
  decipher.setAuthTag(blob.subarray(start + 12, start + 28));
  return Buffer.concat([decipher.update(blob.subarray(start + 28)), decipher.final()]).toString('utf8');
}

describe('emulator: Huawei KMS protocol', () => {
  let emulator: RunningEmulator;
  const logLines: string[] = [];
  const call = (op: string, body: unknown, project = PROJECT) => huaweiCall(emulator.url, project, op, body);

  before(async () => {
    emulator = await startEmulator({ log: (line) => logLines.push(line) }); // the default protocol list: Huawei is registered
  });
  after(async () => {
    await emulator.close();
  });

  async function externalKey(keySpec = 'AES_256', project = PROJECT): Promise<string> {
    const reply = await call('create-key', { key_alias: `test-${randomBytes(4).toString('hex')}`, key_spec: keySpec, origin: 'external' }, project);
    assert.equal(reply.status, 200, reply.text);
    return reply.body.key_info.key_id;
  }

  async function importInto(keyId: string, material: Buffer, opts: { algorithm?: string; expiresAt?: number | string } = {}) {
    const wire = opts.algorithm ?? 'RSAES_OAEP_SHA_256';
    const params = await call('get-parameters-for-import', { key_id: keyId, wrapping_algorithm: wire });
    assert.equal(params.status, 200, params.text);
    const algorithm = (wire === 'SM2_ENCRYPT' ? 'SM2PKE' : wire) as WrappingAlgorithm;
    const wrapped = wrapKeyMaterial({ algorithm, publicKey: Buffer.from(params.body.public_key, 'base64'), material });
    const body: Record<string, unknown> = { key_id: keyId, import_token: params.body.import_token, encrypted_key_material: wrapped.toString('base64') };
    if (opts.expiresAt !== undefined) body.expiration_time = opts.expiresAt;
    return { params, reply: await call('import-key-material', body) };
  }

  it('runs the whole import flow with requests signed by Huawei\'s own SDK signer', async () => {
    const material = randomBytes(32);
    const keyId = await externalKey();
    assert.match(keyId, /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/);
    let info = (await call('describe-key', { key_id: keyId })).body.key_info;
    assert.equal(info.key_state, '5');
    assert.equal(info.origin, 'external');
    assert.match(info.creation_date, /^\d{13}$/);

    const expiresAt = Math.floor(emulator.clock.now() / 1000) + 3600;
    const { params, reply } = await importInto(keyId, material, { expiresAt });
    assert.match(params.body.import_token, /^[0-9a-zA-Z+/=]{200,6144}$/);
    assert.equal(typeof params.body.expiration_time, 'number');
    assert.ok(params.body.expiration_time * 1000 > emulator.clock.now() + 23 * 3600_000);
    assert.equal(reply.status, 200);
    assert.equal(reply.text, '{}');

    info = (await call('describe-key', { key_id: keyId })).body.key_info;
    assert.equal(info.key_state, '2');
    assert.equal(info.expiration_time, String(expiresAt * 1000));

    const encrypted = await call('encrypt-data', { key_id: keyId, plain_text: 'hello huawei' });
    assert.equal(encrypted.status, 200, encrypted.text);
    assert.equal(decryptLocally(encrypted.body.cipher_text, material), 'hello huawei');
    const decrypted = await call('decrypt-data', { cipher_text: encrypted.body.cipher_text });
    assert.equal(decrypted.body.plain_text, 'hello huawei');
    assert.equal(decrypted.body.key_id, keyId);
  });

  it('accepts SM2_ENCRYPT for SM4 keys and the older RSA paddings', async () => {
    const sm4 = await externalKey('SM4');
    const sm2 = await importInto(sm4, randomBytes(16), { algorithm: 'SM2_ENCRYPT' });
    assert.equal(sm2.reply.status, 200, sm2.reply.text);
    for (const algorithm of ['RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1']) {
      const key = await externalKey();
      const { reply } = await importInto(key, randomBytes(32), { algorithm });
      assert.equal(reply.status, 200, `${algorithm}: ${reply.text}`);
    }
  });

  it('lists keys with key_details in pages (limit, marker, next_marker, truncated "true"/"false", total) and by key_state', async () => {
    const project = randomBytes(16).toString('hex');
    const ids = [await externalKey('AES_256', project), await externalKey('AES_256', project), await externalKey('AES_256', project)];
    const done = await call('schedule-key-deletion', { key_id: ids[2], pending_days: '7' }, project);
    assert.equal(done.status, 200, done.text);
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await call('list-keys', { limit: '2', ...(marker ? { marker } : {}) }, project);
      assert.equal(page.status, 200, page.text);
      assert.equal(page.body.total, 3);
      assert.deepEqual(page.body.keys, page.body.key_details.map((d: { key_id: string }) => d.key_id));
      seen.push(...page.body.keys);
      assert.equal(page.body.truncated, pages === 0 ? 'true' : 'false');
      marker = page.body.truncated === 'true' ? page.body.next_marker : undefined;
      pages += 1;
    } while (marker);
    assert.deepEqual([pages, seen.sort()], [2, [...ids].sort()]);
    const all = await call('list-keys', {}, project);
    const detail = all.body.key_details.find((d: { key_id: string }) => d.key_id === ids[0]);
    assert.match(detail.key_alias, /^test-/);
    assert.deepEqual([detail.key_state, detail.origin, typeof detail.key_description], ['5', 'external', 'string']);
    const pendingDeletion = await call('list-keys', { key_state: '4' }, project);
    assert.deepEqual([pendingDeletion.body.keys, pendingDeletion.body.total], [[ids[2]], 1]);
    assert.equal((await call('list-keys', { limit: '0' }, project)).body.error.error_code, 'KMS.0204');
  });

  it('replaces a key description with update-key-description (0 to 255 characters), not on a key pending deletion (KMS.0210)', async () => {
    const keyId = await externalKey();
    const updated = await call('update-key-description', { key_id: keyId, key_description: 'payments' });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(updated.body.key_info, { key_id: keyId, key_description: 'payments' });
    assert.equal((await call('describe-key', { key_id: keyId })).body.key_info.key_description, 'payments');
    assert.equal((await call('update-key-description', { key_id: keyId, key_description: '' })).status, 200);
    assert.equal((await call('describe-key', { key_id: keyId })).body.key_info.key_description, '');
    assert.equal((await call('update-key-description', { key_id: keyId, key_description: 'x'.repeat(256) })).body.error.error_code, 'KMS.0204');
    assert.equal((await call('update-key-description', { key_id: keyId })).body.error.error_code, 'KMS.0204');
    await call('schedule-key-deletion', { key_id: keyId, pending_days: '7' });
    assert.equal((await call('update-key-description', { key_id: keyId, key_description: 'late' })).body.error.error_code, 'KMS.0210');
  });

  it('keeps keys per project id', async () => {
    const keyId = await externalKey('AES_256', OTHER_PROJECT);
    const elsewhere = await call('describe-key', { key_id: keyId });
    assert.equal(elsewhere.status, 404);
    assert.equal(elsewhere.body.error.error_code, 'KMS.0207');
    assert.equal((await call('describe-key', { key_id: keyId }, OTHER_PROJECT)).status, 200);
  });

  it('refuses a reimport into a key that is not pending import (KMS.0310), and takes it after delete-imported-key-material', async () => {
    const material = randomBytes(32);
    const keyId = await externalKey();
    assert.equal((await importInto(keyId, material)).reply.status, 200);
    const again = (await importInto(keyId, material)).reply;
    assert.equal(again.status, 400);
    assert.equal(again.body.error.error_code, 'KMS.0310');

    const deleted = await call('delete-imported-key-material', { key_id: keyId });
    assert.equal(deleted.text, '{}');
    assert.equal((await call('describe-key', { key_id: keyId })).body.key_info.key_state, '5');
    const twice = await call('delete-imported-key-material', { key_id: keyId });
    assert.equal(twice.body.error.error_code, 'KMS.2701');

    const other = (await importInto(keyId, randomBytes(32))).reply;
    assert.equal(other.body.error.error_code, 'KMS.2606');
    assert.equal((await importInto(keyId, material)).reply.status, 200);
    assert.equal((await call('describe-key', { key_id: keyId })).body.key_info.expiration_time, '');
  });

  it('expires material on the emulator clock', async () => {
    const keyId = await externalKey();
    await importInto(keyId, randomBytes(32), { expiresAt: String(Math.floor(emulator.clock.now() / 1000) + 3600) });
    assert.equal((await call('describe-key', { key_id: keyId })).body.key_info.key_state, '2');
    emulator.clock.advance(2 * 3600);
    const info = (await call('describe-key', { key_id: keyId })).body.key_info;
    assert.equal(info.key_state, '5');
    assert.equal(info.expiration_time, '');
    const refused = await call('encrypt-data', { key_id: keyId, plain_text: 'x' });
    assert.equal(refused.status, 400);
  });

  it('names import failures with Huawei\'s codes', async () => {
    const keyA = await externalKey();
    const keyB = await externalKey();
    const paramsA = (await call('get-parameters-for-import', { key_id: keyA, wrapping_algorithm: 'RSAES_OAEP_SHA_256' })).body;
    const wrapped = (material: Buffer) => wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: paramsA.public_key, material }).toString('base64');

    const foreign = await call('import-key-material', { key_id: keyB, import_token: paramsA.import_token, encrypted_key_material: wrapped(randomBytes(32)) });
    assert.equal(foreign.body.error.error_code, 'KMS.2603');
    const short = await call('import-key-material', { key_id: keyA, import_token: paramsA.import_token, encrypted_key_material: wrapped(randomBytes(16)) });
    assert.equal(short.body.error.error_code, 'KMS.2604');
    const past = await call('import-key-material', {
      key_id: keyA, import_token: paramsA.import_token, encrypted_key_material: wrapped(randomBytes(32)), expiration_time: Math.floor(emulator.clock.now() / 1000) - 60,
    });
    assert.equal(past.body.error.error_code, 'KMS.2602');
    const badPattern = await call('import-key-material', { key_id: keyA, import_token: paramsA.import_token, encrypted_key_material: 'AAAA' });
    assert.equal(badPattern.body.error.error_code, 'KMS.0204');
    assert.match(badPattern.body.error.error_msg, /encrypted_key_material/);
    const forged = await call('import-key-material', { key_id: keyA, import_token: randomBytes(300).toString('base64'), encrypted_key_material: wrapped(randomBytes(32)) });
    assert.equal(forged.body.error.error_code, 'KMS.2605');

    emulator.clock.advance(25 * 3600);
    const expired = await call('import-key-material', { key_id: keyA, import_token: paramsA.import_token, encrypted_key_material: wrapped(randomBytes(32)) });
    assert.equal(expired.body.error.error_code, 'KMS.2601');

    const kmsKey = (await call('create-key', { key_alias: 'kms-made' })).body.key_info.key_id;
    const notExternal = await call('get-parameters-for-import', { key_id: kmsKey, wrapping_algorithm: 'RSAES_OAEP_SHA_256' });
    assert.equal(notExternal.body.error.error_code, 'KMS.0309');
  });

  it('answers malformed requests with KMS.0201/0202/0204/0205 and the field they name', async () => {
    assert.equal((await rawCall(emulator.url, PROJECT, 'describe-key', '{not json')).body.error.error_code, 'KMS.0202');
    assert.equal((await call('describe-key', {})).body.error.error_code, 'KMS.0204');
    assert.equal((await call('describe-key', { key_id: 'NOT-A-KEY' })).body.error.error_code, 'KMS.0205');
    const unknown = await call('rotate-everything', {});
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.error_code, 'KMS.0201');
    const alias = await call('create-key', { key_alias: 'has spaces' });
    assert.match(alias.body.error.error_msg, /key_alias/);
    const algorithm = await call('get-parameters-for-import', { key_id: await externalKey(), wrapping_algorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
    assert.match(algorithm.body.error.error_msg, /wrapping_algorithm: one of RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSAES_PKCS1_V1_5, SM2_ENCRYPT/);
  });

  it('checks the signature against the configured credentials', async () => {
    const wrongSecret = await huaweiCall(emulator.url, PROJECT, 'list-keys', {}, { secretKey: 'not-the-secret' });
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error_code, 'APIGW.0301');
    const wrongKey = await huaweiCall(emulator.url, PROJECT, 'list-keys', {}, { accessKey: 'someone-else' });
    assert.equal(wrongKey.status, 401);
    const tampered = await rawCall(emulator.url, PROJECT, 'list-keys', '{}', (headers) => ({ headers, body: '{"limit":"1"}' }));
    assert.equal(tampered.status, 401);
    assert.match(tampered.body.error_msg, /signature/);
    const unsigned = await rawCall(emulator.url, PROJECT, 'list-keys', '{}', ({ Authorization: _a, ...headers }) => ({ headers, body: '{}' }));
    assert.equal(unsigned.status, 401);
  });

  it('disables, enables and schedules deletion with states as strings', async () => {
    const keyId = await externalKey();
    await importInto(keyId, randomBytes(32));
    assert.equal((await call('disable-key', { key_id: keyId })).body.key_info.key_state, '3');
    assert.equal((await call('encrypt-data', { key_id: keyId, plain_text: 'x' })).body.error.error_code, 'KMS.0209');
    assert.equal((await call('enable-key', { key_id: keyId })).body.key_info.key_state, '2');
    assert.equal((await call('schedule-key-deletion', { key_id: keyId, pending_days: '6' })).body.error.error_code, 'KMS.0204');
    const scheduled = await call('schedule-key-deletion', { key_id: keyId, pending_days: '7' });
    assert.equal(scheduled.body.key_state, '4');
    const info = (await call('describe-key', { key_id: keyId })).body.key_info;
    assert.equal(Number(info.scheduled_deletion_date), Number(info.scheduled_deletion_date));
    assert.ok(Math.abs(Number(info.scheduled_deletion_date) - (emulator.clock.now() + 7 * 86_400_000)) < 5000);
    assert.equal((await call('schedule-key-deletion', { key_id: keyId, pending_days: '7' })).body.error.error_code, 'KMS.0210');
    emulator.clock.advance(8 * 86_400);
    assert.equal((await call('describe-key', { key_id: keyId })).status, 404);
  });

  it('answers throttling and failures in Huawei\'s shapes', () => {
    const throttled = huaweiProtocol.errorResponse('throttling', {} as never);
    assert.equal(throttled.status, 429);
    assert.equal(JSON.parse(String(throttled.body)).error_code, 'APIGW.0308');
    assert.equal(JSON.parse(String(huaweiProtocol.errorResponse('internal', {} as never).body)).error.error_code, 'KMS.0105');
  });

  it('refuses an oversized body with KMS.0203 and answers injected failures in Huawei\'s shape', async () => {
    const big = await rawCall(emulator.url, PROJECT, 'describe-key', JSON.stringify({ key_id: 'x', pad: 'a'.repeat(300 * 1024) }));
    assert.equal(big.status, 400);
    assert.equal(big.body.error.error_code, 'KMS.0203');
    emulator.faults.add({ target: 'huawei:list-keys', failNext: 1, failStatus: 503 });
    try {
      const unavailable = await call('list-keys', {});
      assert.equal(unavailable.status, 503);
      assert.equal(unavailable.body.error.error_code, 'KMS.0105');
      assert.equal((await call('list-keys', {})).status, 200);
    } finally {
      emulator.faults.clear();
    }
    assert.ok((emulator.requestCounts()['huawei:list-keys'] ?? 0) >= 2);
  });

  it('keeps Huawei keys, their alias and material across a restart with a state file, the material sealed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-state-'));
    const stateFile = path.join(dir, 'state.json');
    const material = randomBytes(32);
    let first: RunningEmulator | undefined;
    let second: RunningEmulator | undefined;
    try {
      first = await startEmulator({ stateFile });
      const created = await huaweiCall(first.url, PROJECT, 'create-key', { key_alias: 'survives-restart', origin: 'external' });
      const keyId = created.body.key_info.key_id;
      const params = (await huaweiCall(first.url, PROJECT, 'get-parameters-for-import', { key_id: keyId, wrapping_algorithm: 'RSAES_OAEP_SHA_256' })).body;
      const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: params.public_key, material }).toString('base64');
      assert.equal((await huaweiCall(first.url, PROJECT, 'import-key-material', { key_id: keyId, import_token: params.import_token, encrypted_key_material: wrapped })).status, 200);
      await first.close();
      first = undefined;
      const file = fs.readFileSync(stateFile, 'utf8');
      assert.equal(file.includes(material.toString('base64')) || file.includes(material.toString('hex')), false);

      second = await startEmulator({ stateFile });
      const info = (await huaweiCall(second.url, PROJECT, 'describe-key', { key_id: keyId })).body.key_info;
      assert.equal(info.key_alias, 'survives-restart');
      assert.equal(info.key_state, '2');
      const sealed = await huaweiCall(second.url, PROJECT, 'encrypt-data', { key_id: keyId, plain_text: 'after restart' });
      assert.equal(decryptLocally(sealed.body.cipher_text, material), 'after restart');
    } finally {
      await first?.close();
      await second?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never writes material, tokens or bodies to its log', async () => {
    const material = randomBytes(32);
    const keyId = await externalKey();
    const { params } = await importInto(keyId, material);
    const log = logLines.join('\n');
    assert.ok(logLines.length > 0);
    for (const secret of [material.toString('base64'), material.toString('hex'), params.body.import_token.slice(0, 40)]) {
      assert.equal(log.includes(secret), false);
    }
  });
});
