// Eventual consistency in the emulator (emulator/consistency.ts): per cloud, a change becomes visible to describes only
// some time after it is made — a key just created answers NotFound, an import, a deleted material, a scheduled
// deletion, an alias still show the old state — while every other operation sees the truth at once. Seen through each
// cloud's own client; plus the control API, the resetNext fault (the connection closed before any work) and what a
// stopped emulator still does (nothing).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, GetParametersForImportCommand, ImportKeyMaterialCommand, ListAliasesCommand,
  ListKeysCommand, ScheduleKeyDeletionCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import * as $Kms from '@alicloud/kms20160120';
import { startEmulator } from '../../emulator';
import { Consistency } from '../../emulator/consistency';
import { loadState } from '../../emulator/persistence';
import { wrapKeyMaterial } from '../../core/wrapping';
import { control, useEmulator } from '../support/emulator';
import { sdkClient, sdkFailure } from '../support/alicloud-client';
import { expectAwsError, kmsClient } from '../support/aws-client';
import { huaweiCall } from '../support/huaweicloud-client';

const DELAY = 300;
const PROJECT = '0123456789abcdef0123456789abcdef';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('emulator: eventual consistency (Consistency, unit)', () => {
  it('shows the newest copy already visible, NotFound for a key created too recently, the truth once all is visible', () => {
    let now = 1_000;
    const c = new Consistency(() => now);
    c.setDelay('aws', 100);
    const key = { id: 'k', cloud: 'aws', namespace: 'n', createdAt: 0, state: 'PendingImport', origin: 'EXTERNAL', external: true, keySpec: 'S', keyUsage: 'U', description: '', tags: {}, hasMaterial: false, attributes: {} } as const;
    const live = { ...key, tags: {}, attributes: {} } as never as Parameters<Consistency['afterKeyChange']>[1];
    c.beforeKeyChange('aws', 'k', undefined);
    c.afterKeyChange('aws', live);
    assert.deepEqual(c.keyView('k', live), { key: undefined, stale: true }, 'just created: not found');
    now += 60;
    c.beforeKeyChange('aws', 'k', live);
    (live as { state: string }).state = 'Enabled';
    c.afterKeyChange('aws', live);
    now += 50; // the creation is visible, the import not yet
    const seen = c.keyView('k', live);
    assert.equal(seen.stale, true);
    assert.equal(seen.key?.state, 'PendingImport');
    now += 100;
    assert.deepEqual(c.keyView('k', live), { key: live, stale: false }, 'everything visible: the truth itself');
    assert.deepEqual(c.keyView('other', undefined), { key: undefined, stale: false }, 'an untracked key is the truth');
  });

  it('records nothing while a cloud is consistent; delays are validated; clearing turns every cloud back', () => {
    const c = new Consistency(() => 0);
    const key = { id: 'k', cloud: 'alibaba', tags: {}, attributes: {} } as never;
    c.beforeKeyChange('alibaba', 'k', undefined);
    c.afterKeyChange('alibaba', key);
    assert.deepEqual(c.keyView('k', key), { key, stale: false });
    assert.throws(() => c.setDelay('aws', -1), /'delayMs' must be an integer from 0 to 600000/);
    assert.throws(() => c.setDelay('aws', 1.5), /'delayMs'/);
    c.setDelay('aws', 10);
    c.setDelay('huawei', 20);
    assert.deepEqual(c.list(), { aws: 10, huawei: 20 });
    c.setDelay('aws', 0);
    assert.deepEqual(c.list(), { huawei: 20 });
    c.clear();
    assert.deepEqual(c.list(), {});
  });
});

describe('emulator: eventual consistency, through each cloud\'s client', () => {
  const emu = useEmulator();
  let kms: KMSClient;
  before(() => {
    kms = kmsClient(emu.url, { maxAttempts: 1 });
  });
  after(() => kms.destroy());
  afterEach(async () => {
    await emu.reset();
  });

  const awsState = async (keyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState;

  async function awsImport(keyId: string, material: Buffer): Promise<void> {
    const params = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
    const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: Buffer.from(params.PublicKey!), material });
    await kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
  }

  it('AWS: a new key is NotFound to DescribeKey for a moment (other calls see it at once), an import and a scheduled deletion show late', async () => {
    await control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'aws', delayMs: DELAY });
    const keyId = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: keyId })), 'NotFoundException', 404);
    assert.deepEqual((await kms.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyId), [keyId], 'not a describe: the truth');
    const created = Date.now();
    await sleep(DELAY / 2);
    await awsImport(keyId, randomBytes(32)); // GetParametersForImport and ImportKeyMaterial see the key at once
    const imported = Date.now();
    await sleep(Math.max(0, created + DELAY + 20 - Date.now()));
    if (Date.now() < imported + DELAY - 20) assert.equal(await awsState(keyId), 'PendingImport', 'the creation is visible, the import (made later) not yet');
    await sleep(Math.max(0, imported + DELAY + 20 - Date.now()));
    assert.equal(await awsState(keyId), 'Enabled');
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    assert.equal(await awsState(keyId), 'Enabled', 'the deletion is not visible yet');
    await sleep(DELAY + 50);
    assert.equal(await awsState(keyId), 'PendingDeletion');
  });

  it('AWS: a new alias is not found by DescribeKey or ListAliases for a moment', async () => {
    await control(emu.url, 'POST', '/_emulator/consistency', { cloud: '*', delayMs: DELAY });
    const keyId = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    await sleep(DELAY + 50);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/late', TargetKeyId: keyId }));
    await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: 'alias/late' })), 'NotFoundException', 404);
    assert.deepEqual((await kms.send(new ListAliasesCommand({}))).Aliases, []);
    await sleep(DELAY + 50);
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/late' }))).KeyMetadata!.KeyId, keyId);
    assert.deepEqual((await kms.send(new ListAliasesCommand({}))).Aliases!.map((a) => a.AliasName), ['alias/late']);
  });

  it('Alibaba: DescribeKey of a new key is Forbidden.KeyNotFound for a moment; DeleteKeyMaterial shows late; AWS stays consistent', async () => {
    await control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'alibaba', delayMs: DELAY });
    const client = sdkClient(emu.url);
    const keyId = (await client.createKey(new $Kms.CreateKeyRequest({ origin: 'EXTERNAL' }))).keyMetadata.keyId;
    const failure = await sdkFailure(client.describeKey(new $Kms.DescribeKeyRequest({ keyId })));
    assert.equal(failure.code, 'Forbidden.KeyNotFound');
    const material = randomBytes(32);
    const p = await client.getParametersForImport(new $Kms.GetParametersForImportRequest({ keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' }));
    const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: Buffer.from(p.publicKey, 'base64'), material });
    await client.importKeyMaterial(new $Kms.ImportKeyMaterialRequest({ keyId, importToken: p.importToken, encryptedKeyMaterial: wrapped.toString('base64'), keyMaterialExpireUnix: 0 }));
    await sleep(DELAY + 50);
    assert.equal((await client.describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata.keyState, 'Enabled');
    await client.deleteKeyMaterial(new $Kms.DeleteKeyMaterialRequest({ keyId }));
    assert.equal((await client.describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata.keyState, 'Enabled', 'the deletion is on its way');
    await sleep(DELAY + 50);
    assert.equal((await client.describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata.keyState, 'PendingImport');
    const awsKey = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    assert.equal(await awsState(awsKey), 'PendingImport', 'AWS has no delay');
  });

  it('Huawei: describe-key of a new key is KMS.0207 for a moment, then pending import', async () => {
    await control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'huawei', delayMs: DELAY });
    const created = await huaweiCall(emu.url, PROJECT, 'create-key', { key_alias: 'late-key', origin: 'external' });
    const keyId = created.body.key_info.key_id;
    const early = await huaweiCall(emu.url, PROJECT, 'describe-key', { key_id: keyId });
    assert.equal(early.status, 404);
    assert.equal(early.body.error.error_code, 'KMS.0207');
    await sleep(DELAY + 50);
    assert.equal((await huaweiCall(emu.url, PROJECT, 'describe-key', { key_id: keyId })).body.key_info.key_state, '5');
  });

  it('the control API: GET, POST per cloud or "*", DELETE; bad bodies name the field; reset turns it off', async () => {
    assert.deepEqual(await control(emu.url, 'GET', '/_emulator/consistency'), { delays: {} });
    assert.deepEqual(await control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'aws', delayMs: 2000 }), { delays: { aws: 2000 } });
    assert.deepEqual(await control(emu.url, 'POST', '/_emulator/consistency', { cloud: '*', delayMs: 500 }), { delays: { alibaba: 500, aws: 500, huawei: 500, pingan: 500 } });
    assert.deepEqual(await control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'alibaba', delayMs: 0 }), { delays: { aws: 500, huawei: 500, pingan: 500 } });
    await assert.rejects(control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'gcp', delayMs: 1 }), /400: .*'cloud' must be one of alibaba, aws, huawei, pingan, \*/);
    await assert.rejects(control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'aws', delayMs: -5 }), /400: .*'delayMs' must be an integer from 0 to 600000/);
    await assert.rejects(control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'aws', delayMs: 5, jitter: 1 }), /400: .*unknown field 'jitter'/);
    assert.equal(emu.running.consistency.delayOf('aws'), 500, 'the same switch in process');
    await emu.reset();
    assert.deepEqual(await control(emu.url, 'GET', '/_emulator/consistency'), { delays: {} });
    await control(emu.url, 'POST', '/_emulator/consistency', { cloud: 'huawei', delayMs: 5 });
    assert.deepEqual(await control(emu.url, 'DELETE', '/_emulator/consistency'), { delays: {} });
  });
});

describe('emulator: resetNext (the connection closed before any work) and a stopped emulator', () => {
  const emu = useEmulator();
  afterEach(async () => {
    await emu.reset();
  });

  it('resetNext closes the connection without doing the work; the SDK\'s retry then goes through, once', async () => {
    const once = kmsClient(emu.url, { maxAttempts: 1 });
    const retrying = kmsClient(emu.url);
    try {
      await emu.addFault({ target: 'aws:CreateKey', resetNext: 1 });
      await assert.rejects(once.send(new CreateKeyCommand({ Origin: 'EXTERNAL' })), /socket hang up|ECONNRESET|closed/i);
      assert.deepEqual((await once.send(new ListKeysCommand({}))).Keys, [], 'nothing was done');
      await emu.addFault({ target: 'aws:CreateKey', resetNext: 1 });
      await retrying.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
      assert.equal((await once.send(new ListKeysCommand({}))).Keys!.length, 1, 'one key: the lost request did nothing');
      assert.equal((await emu.requestCounts())['aws:CreateKey'], 3);
      assert.deepEqual(((await control(emu.url, 'GET', '/_emulator/faults')) as { faults: unknown[] }).faults, [], 'spent rules are gone');
      await assert.rejects(emu.addFault({ target: 'aws:CreateKey', resetNext: 0 }), /'resetNext' must be an integer from 1/);
    } finally {
      once.destroy();
      retrying.destroy();
    }
  });

  it('one request meets one one-shot fault: resetNext then dropNext on one operation fire on consecutive requests', async () => {
    const once = kmsClient(emu.url, { maxAttempts: 1 });
    try {
      await emu.addFault({ target: 'aws:CreateKey', resetNext: 1 });
      await emu.addFault({ target: 'aws:CreateKey', dropNext: 1 });
      await assert.rejects(once.send(new CreateKeyCommand({ Origin: 'EXTERNAL' })));
      assert.equal((await once.send(new ListKeysCommand({}))).Keys!.length, 0, 'the first request was lost: no work');
      await assert.rejects(once.send(new CreateKeyCommand({ Origin: 'EXTERNAL' })));
      assert.equal((await once.send(new ListKeysCommand({}))).Keys!.length, 1, 'the second did the work, its reply was lost');
      await once.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
      assert.equal((await once.send(new ListKeysCommand({}))).Keys!.length, 2);
    } finally {
      once.destroy();
    }
  });

  it('Faults.remove disarms one rule', () => {
    const rule = emu.running.faults.add({ target: 'aws:*', latencyMs: 5 });
    emu.running.faults.add({ target: 'huawei:*', latencyMs: 5 });
    assert.equal(emu.running.faults.remove(rule.id), true);
    assert.equal(emu.running.faults.remove(rule.id), false);
    assert.deepEqual(emu.running.faults.list().map((r) => r.target), ['huawei:*']);
  });

  it('a request still waiting (latency) when the emulator stops does nothing, and the state file is not written after close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-emulator-stop-'));
    const stateFile = path.join(dir, 'state.json');
    const lines: string[] = [];
    const emulator = await startEmulator({ stateFile, log: (line) => lines.push(line) });
    const client = kmsClient(emulator.url, { maxAttempts: 1 });
    try {
      emulator.faults.add({ target: 'aws:CreateKey', latencyMs: 300 });
      const pending = client.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
      while (!emulator.requestCounts()['aws:CreateKey']) await sleep(5);
      const before = fs.readFileSync(stateFile, 'utf8');
      await emulator.close();
      await assert.rejects(pending);
      await sleep(400);
      assert.equal(fs.readFileSync(stateFile, 'utf8'), before, 'the state file is as it was at close');
      assert.deepEqual(loadState(stateFile, 'test')!.snapshot.keys, []);
      assert.ok(lines.some((l) => /aws CreateKey - abandoned/.test(l)), lines.join('\n'));
    } finally {
      client.destroy();
      await emulator.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
