// The Alibaba adapter against the emulator, through the unmodified @alicloud/kms20160120 client.

import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { useEmulator } from '../../../support/emulator';
import { AlicloudKmsAdapter } from '../../../../provider/clouds/alicloud/adapter';
import { ImportedKeyError } from '../../../../core/errors';
import { wrapKeyMaterial } from '../../../../core/wrapping';

const FAST_RETRIES = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const CREDENTIAL_NAMES = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY'];

describe('provider/clouds/alicloud adapter against the emulator', () => {
  const emu = useEmulator({ accessKey: 'ali-ak', secretKey: 'ali-sk' });
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const name of CREDENTIAL_NAMES) saved[name] = process.env[name];
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'ali-ak';
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'ali-sk';
  });
  after(() => {
    for (const name of CREDENTIAL_NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const adapter = () => new AlicloudKmsAdapter({ endpoint: emu.url, region: 'cn-hangzhou' }, { retryPolicy: FAST_RETRIES });
  const count = async (op: string) => (await emu.requestCounts())[`alibaba:${op}`] ?? 0;

  async function importInto(a: AlicloudKmsAdapter, keyId: string, material: Buffer, expiresAt?: string): Promise<void> {
    const p = await a.getImportParameters(keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    await a.importMaterial({ keyId, importToken: p.importToken, encryptedKeyMaterial: wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: p.publicKey, material }), expiresAt });
  }

  it('creates an EXTERNAL Aliyun_AES_256 key that waits for material', async () => {
    const key = await adapter().createKey({ keySpec: 'Aliyun_AES_256', description: 'test' });
    assert.equal(key.keyState, 'PendingImport');
    assert.equal(key.origin, 'EXTERNAL');
    assert.equal(key.keyUsage, 'ENCRYPT/DECRYPT');
    assert.match(key.arn, /^acs:kms:cn-hangzhou:\d+:key\//);
    assert.equal(key.expirationModel, undefined);
  });

  it('carries the import token as the UTF-8 bytes of Alibaba\'s string and the public key as DER', async () => {
    const a = adapter();
    const { keyId } = await a.createKey({ keySpec: 'Aliyun_AES_256' });
    const p = await a.getImportParameters(keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    assert.equal(p.keyId, keyId);
    assert.match(p.importToken.toString('utf8'), /^[A-Za-z0-9+/]+=*$/);
    assert.equal(p.publicKey[0], 0x30, 'DER SEQUENCE');
    assert.match(p.parametersValidTo, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });

  it('imports with an expiry (KeyMaterialExpireUnix) and without (0 = never), and reimports in place', async () => {
    const a = adapter();
    const material = randomBytes(32);
    const { keyId } = await a.createKey({ keySpec: 'Aliyun_AES_256' });
    const expiresAt = new Date(emu.running.clock.now() + 10 * 86_400_000).toISOString();
    await importInto(a, keyId, material, expiresAt);
    let live = await a.describeKey(keyId);
    assert.equal(live?.keyState, 'Enabled');
    assert.equal(live?.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.ok(Math.abs(Date.parse(live!.validTo!) - Date.parse(expiresAt)) < 1000);
    await importInto(a, keyId, material);
    live = await a.describeKey(keyId);
    assert.equal(live?.expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(live?.validTo, undefined);
  });

  it('imports SM2PKE-wrapped material into an Aliyun_SM4 key (created HSM)', async () => {
    const a = adapter();
    const { keyId } = await a.createKey({ keySpec: 'Aliyun_SM4' });
    const p = await a.getImportParameters(keyId, 'SM2PKE', 'EC_SM2');
    await a.importMaterial({ keyId, importToken: p.importToken, encryptedKeyMaterial: wrapKeyMaterial({ algorithm: 'SM2PKE', publicKey: p.publicKey, material: randomBytes(16) }) });
    assert.equal((await a.describeKey(keyId))?.keyState, 'Enabled');
  });

  it('creates an Aliyun_AES_256 key SOFTWARE by default and HSM when asked; the HSM key takes SM2PKE (EC_SM2)', async () => {
    const a = adapter();
    const soft = await a.createKey({ keySpec: 'Aliyun_AES_256' });
    assert.equal(soft.protectionLevel, 'SOFTWARE');
    await assert.rejects(a.getImportParameters(soft.keyId, 'SM2PKE', 'EC_SM2'), (e: unknown) => e instanceof ImportedKeyError && e.code === 'InvalidArgument');
    const hsm = await a.createKey({ keySpec: 'Aliyun_AES_256', protectionLevel: 'HSM' });
    assert.equal(hsm.protectionLevel, 'HSM');
    assert.equal(emu.running.store.findKey('alibaba', 'cn-hangzhou', hsm.keyId)?.attributes.protectionLevel, 'HSM');
    const p = await a.getImportParameters(hsm.keyId, 'SM2PKE', 'EC_SM2');
    await a.importMaterial({ keyId: hsm.keyId, importToken: p.importToken, encryptedKeyMaterial: wrapKeyMaterial({ algorithm: 'SM2PKE', publicKey: p.publicKey, material: randomBytes(32) }) });
    const live = await a.describeKey(hsm.keyId);
    assert.deepEqual([live?.keyState, live?.protectionLevel], ['Enabled', 'HSM']);
  });

  it('refuses an Aliyun_SM4 key with protectionLevel SOFTWARE before calling Alibaba', async () => {
    const before = await count('CreateKey');
    await assert.rejects(adapter().createKey({ keySpec: 'Aliyun_SM4', protectionLevel: 'SOFTWARE' }), (e: unknown) =>
      e instanceof ImportedKeyError && e.code === 'InvalidArgument' && /protectionLevel for Aliyun_SM4 keys must be HSM/.test(e.message));
    assert.equal(await count('CreateKey'), before);
  });

  describe('cloudTime: Alibaba\'s clock from the Date header of the replies to this adapter', () => {
    afterEach(() => emu.setClock(new Date().toISOString()));

    it('is undefined before a reply, then the emulator\'s time (set 5 days off real time), per adapter, also from error replies', async () => {
      const ahead = Date.now() + 5 * 86_400_000;
      await emu.setClock(new Date(ahead).toISOString());
      const a = adapter();
      const idle = adapter();
      assert.equal(a.cloudTime(), undefined);
      assert.equal(await a.describeKey('00000000-0000-0000-0000-000000000000'), undefined); // a 404 reply
      const told = a.cloudTime()!.getTime();
      assert.ok(Math.abs(told - emu.running.clock.now()) < 2000, `cloudTime is ${told - emu.running.clock.now()} ms off the emulator clock`);
      assert.equal(idle.cloudTime(), undefined, 'another adapter\'s replies do not count');

      await emu.setClock(new Date(Date.now() - 2 * 86_400_000).toISOString());
      await a.createKey({ keySpec: 'Aliyun_AES_256' });
      assert.ok(Math.abs(a.cloudTime()!.getTime() - emu.running.clock.now()) < 2000, 'the latest reply wins');
      a.destroy();
      idle.destroy();
      assert.equal(a.cloudTime(), undefined, 'stopped');
    });
  });

  it('finishKey sets the alias and tags after CreateKey; repeated it is done', async () => {
    const a = adapter();
    const key = await a.createKey({ keySpec: 'Aliyun_AES_256', alias: 'alias/adapter-test', tags: { team: 'sec' } });
    assert.equal(await a.describeKey('alias/adapter-test'), undefined, 'CreateKey itself sets no alias');
    const before = await count('UpdateAlias');
    await a.finishKey(key.keyId, { alias: 'alias/adapter-test', tags: { team: 'sec' } });
    await a.finishKey(key.keyId, { alias: 'alias/adapter-test', tags: { team: 'sec' } });
    assert.equal((await a.describeKey('alias/adapter-test'))?.keyId, key.keyId);
    assert.equal(await count('UpdateAlias'), before, 'an alias already on this key is not moved');
    assert.deepEqual(emu.running.store.findKey('alibaba', 'cn-hangzhou', key.keyId)?.tags, { team: 'sec' });
  });

  // This used to fail with EntityAlreadyExists.Alias, so a replacement (create before delete) of an aliased key failed
  // until the old key was deleted; the alias now moves, as the AWS adapter's does.
  it('finishKey moves an alias another key has to this key (UpdateAlias): a replacement keeps its alias, and the old key\'s deletion leaves it', async () => {
    const a = adapter();
    const old = await a.createKey({ keySpec: 'Aliyun_AES_256' });
    await a.finishKey(old.keyId, { alias: 'alias/replaced' });
    const next = await a.createKey({ keySpec: 'Aliyun_AES_256' });
    await a.finishKey(next.keyId, { alias: 'alias/replaced' });
    assert.equal((await a.describeKey('alias/replaced'))?.keyId, next.keyId);
    await a.scheduleDeletion(old.keyId, 7);
    emu.running.clock.advance(8 * 86_400);
    assert.equal(await a.describeKey(old.keyId), undefined, 'the old key is gone');
    assert.equal((await a.describeKey('alias/replaced'))?.keyId, next.keyId);
  });

  describe('interrupted creates (creation token in the description, marker alias)', () => {
    afterEach(() => emu.clearFaults());
    const token = () => randomBytes(16).toString('hex');
    const keys = () => emu.running.store.listKeys('alibaba', 'cn-hangzhou');
    const stored = (keyId: string) => emu.running.store.findKey('alibaba', 'cn-hangzhou', keyId)!;

    it('a lost CreateKey reply makes no second key: the key is found by the token in its description and gets its marker', async () => {
      const a = adapter();
      const t = token();
      const before = keys().length;
      const sent = await count('CreateKey');
      await emu.addFault({ target: 'alibaba:CreateKey', dropNext: 1 });
      const key = await a.createKey({ keySpec: 'Aliyun_AES_256', description: 'payments', creationToken: t });
      assert.equal(await count('CreateKey'), sent + 1, 'CreateKey is not sent again');
      assert.equal(keys().length, before + 1, 'exactly one key');
      assert.equal(stored(key.keyId).description, `imported-key:creation ${t}`);
      assert.equal((await a.findCreated(t))?.keyId, key.keyId, 'the marker alias was made after the scan');
      await importInto(a, key.keyId, randomBytes(32));
      await a.creationDone(t, { keyId: key.keyId, description: 'payments' });
      assert.equal(stored(key.keyId).description, 'payments');
      assert.equal(stored(key.keyId).state, 'Enabled');
    });

    it('a 500 from CreateKey that made no key fails the step, having looked (no key taken, none made)', async () => {
      const a = adapter();
      const before = keys().length;
      await emu.addFault({ target: 'alibaba:CreateKey', failNext: 1, failStatus: 500 });
      const listed = await count('ListKeys');
      await assert.rejects(a.createKey({ keySpec: 'Aliyun_AES_256', creationToken: token() }), (e: unknown) => e instanceof ImportedKeyError && e.cloudCode === 'InternalFailure' &&
        /the cloud may still have made the key, and no key with its creation token was found: the next `pulumi up` looks for it by that token again/.test(e.message));
      assert.equal(await count('ListKeys'), listed + 1, 'the keys were read for the token');
      assert.equal(keys().length, before);
    });

    it('a second create with the token of an interrupted one finds its key by the marker alias (one DescribeKey), not another', async () => {
      const a = adapter();
      const t = token();
      const first = await a.createKey({ keySpec: 'Aliyun_AES_256', creationToken: t });
      const described = await count('DescribeKey');
      const found = await adapter().findCreated(t);
      assert.equal(found?.keyId, first.keyId);
      assert.equal(found?.keyState, 'PendingImport');
      assert.equal(await count('DescribeKey'), described + 1);
      assert.equal(await a.findCreated(token()), undefined, 'another token finds nothing');
    });

    it('a key pending deletion is not taken', async () => {
      const a = adapter();
      const t = token();
      const first = await a.createKey({ keySpec: 'Aliyun_AES_256', creationToken: t });
      await a.scheduleDeletion(first.keyId, 7);
      assert.equal(await a.findCreated(t), undefined);
    });

    it('creationDone puts the description asked for (or none) in place of the token and removes the marker alias', async () => {
      const a = adapter();
      for (const description of ['payments key', undefined]) {
        const t = token();
        const key = await a.createKey({ keySpec: 'Aliyun_AES_256', description, creationToken: t });
        assert.equal(stored(key.keyId).description, `imported-key:creation ${t}`, 'the token, not the description, while creating');
        await importInto(a, key.keyId, randomBytes(32));
        await a.creationDone(t, { keyId: key.keyId, description });
        assert.equal(stored(key.keyId).description, description ?? '');
        assert.equal(await a.findCreated(t), undefined, 'the marker alias is gone');
        assert.deepEqual(emu.running.store.listAliases('alibaba', 'cn-hangzhou', key.keyId), []);
      }
    });
  });

  it('answers undefined for a key that does not exist', async () => {
    assert.equal(await adapter().describeKey('00000000-0000-0000-0000-000000000000'), undefined);
  });

  it('deletes material (key back to PendingImport) and refuses other material with InvalidKeyMaterial, never quoting it', async () => {
    const a = adapter();
    const material = randomBytes(32);
    const other = randomBytes(32);
    const { keyId } = await a.createKey({ keySpec: 'Aliyun_AES_256' });
    await importInto(a, keyId, material);
    await a.deleteMaterial(keyId);
    assert.equal((await a.describeKey(keyId))?.keyState, 'PendingImport');
    await assert.rejects(importInto(a, keyId, other), (e: unknown) => {
      assert.ok(e instanceof ImportedKeyError);
      assert.equal(e.code, 'InvalidKeyMaterial');
      assert.equal(e.cloudCode, 'InvalidParameter.KeyMaterialMismatch');
      const seen = `${e.message} ${JSON.stringify(e)}`;
      for (const m of [material, other]) assert.ok(!seen.includes(m.toString('hex')) && !seen.includes(m.toString('base64')));
      return true;
    });
  });

  it('reports a token of another key as ImportTokenRejected (the lifecycle retries once)', async () => {
    const a = adapter();
    const [k1, k2] = [(await a.createKey({ keySpec: 'Aliyun_AES_256' })).keyId, (await a.createKey({ keySpec: 'Aliyun_AES_256' })).keyId];
    const p = await a.getImportParameters(k1, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: p.publicKey, material: randomBytes(32) });
    await assert.rejects(a.importMaterial({ keyId: k2, importToken: p.importToken, encryptedKeyMaterial: wrapped }),
      (e: unknown) => e instanceof ImportedKeyError && e.code === 'ImportTokenRejected' && e.cloudCode === 'InvalidParameter.ImportToken');
  });

  it('schedules deletion, and counts "already pending" and "already gone" as done', async () => {
    const a = adapter();
    const { keyId } = await a.createKey({ keySpec: 'Aliyun_AES_256' });
    await a.scheduleDeletion(keyId, 7);
    await a.scheduleDeletion(keyId, 7);
    const live = await a.describeKey(keyId);
    assert.equal(live?.keyState, 'PendingDeletion');
    assert.ok(live?.deletionDate);
    await a.scheduleDeletion('00000000-0000-0000-0000-000000000000', 30);
  });

  it('refuses a deletion window outside 7–366 before calling Alibaba', async () => {
    const before = await count('ScheduleKeyDeletion');
    for (const days of [6, 367, 7.5]) {
      await assert.rejects(adapter().scheduleDeletion('any', days), (e: unknown) => e instanceof ImportedKeyError && e.code === 'InvalidArgument' && /pendingWindowInDays.*7 to 366/.test(e.message));
    }
    assert.equal(await count('ScheduleKeyDeletion'), before);
  });

  it('disables and enables a key', async () => {
    const a = adapter();
    const { keyId } = await a.createKey({ keySpec: 'Aliyun_AES_256' });
    await importInto(a, keyId, randomBytes(32));
    await a.disableKey(keyId);
    assert.equal((await a.describeKey(keyId))?.keyState, 'Disabled');
    await a.enableKey(keyId);
    assert.equal((await a.describeKey(keyId))?.keyState, 'Enabled');
  });

  describe('retries (the SDK does not)', () => {
    afterEach(() => emu.clearFaults());

    it('retries 503s and 500s until the call succeeds', async () => {
      const { keyId } = await adapter().createKey({ keySpec: 'Aliyun_AES_256' });
      await emu.addFault({ target: 'alibaba:DescribeKey', failNext: 2, failStatus: 503 });
      const before = await count('DescribeKey');
      assert.equal((await adapter().describeKey(keyId))?.keyId, keyId);
      assert.equal(await count('DescribeKey'), before + 3);
      await emu.clearFaults();
      await emu.addFault({ target: 'alibaba:DescribeKey', failNext: 1, failStatus: 500 });
      assert.equal((await adapter().describeKey(keyId))?.keyId, keyId);
      assert.equal(await count('DescribeKey'), before + 5);
    });

    it('retries throttling, then gives up with the Alibaba code after maxAttempts', async () => {
      await emu.addFault({ target: 'alibaba:CreateKey', throttleRate: 1 });
      const before = await count('CreateKey');
      await assert.rejects(adapter().createKey({ keySpec: 'Aliyun_AES_256' }),
        (e: unknown) => e instanceof ImportedKeyError && e.code === 'CloudError' && e.cloudCode === 'Throttling.User');
      assert.equal(await count('CreateKey'), before + FAST_RETRIES.maxAttempts);
    });

    it('retries throttling on its own budget, past maxAttempts (a quota shared by the whole run), and makes one key', async () => {
      const a = new AlicloudKmsAdapter({ endpoint: emu.url, region: 'cn-hangzhou' }, {
        retryPolicy: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20, throttling: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 20 } },
      });
      // Deterministic throttle rate 4/5: the 1st request passes, the next 4 are throttled, the 6th passes.
      await emu.addFault({ target: 'alibaba:*', throttleRate: 0.8 });
      assert.equal(await a.describeKey('00000000-0000-0000-0000-000000000000'), undefined);
      const before = await count('CreateKey');
      const keys = emu.running.store.listKeys('alibaba', 'cn-hangzhou').length;
      assert.equal((await a.createKey({ keySpec: 'Aliyun_AES_256' })).keyState, 'PendingImport');
      assert.equal(await count('CreateKey'), before + 5);
      assert.equal(emu.running.store.listKeys('alibaba', 'cn-hangzhou').length, keys + 1);
      a.destroy();
    });

    it('does not retry a CreateKey that failed with 500 (it may have made a key)', async () => {
      await emu.addFault({ target: 'alibaba:CreateKey', failNext: 1, failStatus: 500 });
      const before = await count('CreateKey');
      await assert.rejects(adapter().createKey({ keySpec: 'Aliyun_AES_256' }), (e: unknown) => e instanceof ImportedKeyError && e.cloudCode === 'InternalFailure');
      assert.equal(await count('CreateKey'), before + 1);
    });

    it('sends DescribeKey, GetParametersForImport and DeleteKeyMaterial again after a connection closed mid-call (repeating them is harmless)', async () => {
      const a = adapter();
      const { keyId } = await a.createKey({ keySpec: 'Aliyun_AES_256' });
      await emu.addFault({ target: 'alibaba:DescribeKey', resetNext: 1 });
      const describes = await count('DescribeKey');
      assert.equal((await a.describeKey(keyId))?.keyState, 'PendingImport');
      assert.equal(await count('DescribeKey'), describes + 2);
      await emu.addFault({ target: 'alibaba:GetParametersForImport', resetNext: 1 });
      const params = await count('GetParametersForImport');
      await importInto(a, keyId, randomBytes(32));
      assert.equal(await count('GetParametersForImport'), params + 2);
      // The reply lost after the work: the second DeleteKeyMaterial meets a key already pending import — done.
      await emu.addFault({ target: 'alibaba:DeleteKeyMaterial', dropNext: 1 });
      const deletes = await count('DeleteKeyMaterial');
      await a.deleteMaterial(keyId);
      assert.equal(await count('DeleteKeyMaterial'), deletes + 2);
      assert.equal((await a.describeKey(keyId))?.keyState, 'PendingImport');
      a.destroy();
    });

    it('never sends CreateKey again after a connection closed mid-call (it may have made a key), nor ImportKeyMaterial (DescribeKey settles it)', async () => {
      const a = adapter();
      await emu.addFault({ target: 'alibaba:CreateKey', resetNext: 1 });
      const creates = await count('CreateKey');
      await assert.rejects(a.createKey({ keySpec: 'Aliyun_AES_256' }), (e: unknown) => e instanceof ImportedKeyError && e.code === 'CloudError' && /ECONNRESET|socket hang up/.test(e.message));
      assert.equal(await count('CreateKey'), creates + 1);
      const { keyId } = await a.createKey({ keySpec: 'Aliyun_AES_256' });
      await emu.addFault({ target: 'alibaba:ImportKeyMaterial', resetNext: 1 });
      const imports = await count('ImportKeyMaterial');
      await assert.rejects(importInto(a, keyId, randomBytes(32)), (e: unknown) => e instanceof ImportedKeyError && e.code === 'CloudError');
      assert.equal(await count('ImportKeyMaterial'), imports + 1);
      a.destroy();
    });

    it('sends a write again after a 503 (nothing was processed): CreateKey, EnableKey', async () => {
      const a = adapter();
      await emu.addFault({ target: 'alibaba:CreateKey', failNext: 1, failStatus: 503 });
      const creates = await count('CreateKey');
      const keys = emu.running.store.listKeys('alibaba', 'cn-hangzhou').length;
      await a.createKey({ keySpec: 'Aliyun_AES_256' });
      assert.equal(await count('CreateKey'), creates + 2);
      assert.equal(emu.running.store.listKeys('alibaba', 'cn-hangzhou').length, keys + 1, 'one key');
      a.destroy();
    });

    it('waits longer than the SDK\'s default 3 s for a slow reply', async () => {
      const { keyId } = await adapter().createKey({ keySpec: 'Aliyun_AES_256' });
      await emu.addFault({ target: 'alibaba:DescribeKey', latencyMs: 3_500 });
      const before = await count('DescribeKey');
      assert.equal((await adapter().describeKey(keyId))?.keyId, keyId);
      assert.equal(await count('DescribeKey'), before + 1);
    });

    it('does not retry errors that would fail again', async () => {
      const before = await count('EnableKey');
      await assert.rejects(adapter().enableKey('00000000-0000-0000-0000-000000000000'), (e: unknown) => e instanceof ImportedKeyError && e.code === 'KeyNotFound');
      assert.equal(await count('EnableKey'), before + 1);
    });
  });

  describe('credentials', () => {
    it('fails with SignatureDoesNotMatch and a hint when the secret is wrong', async () => {
      process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'wrong';
      try {
        await assert.rejects(adapter().describeKey('x'), (e: unknown) =>
          e instanceof ImportedKeyError && e.code === 'CloudError' && e.cloudCode === 'SignatureDoesNotMatch' && /ALIBABA_CLOUD_ACCESS_KEY_SECRET/.test(e.message));
      } finally {
        process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'ali-sk';
      }
    });

    it('takes the Terraform/Pulumi names ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY', async () => {
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
      process.env.ALICLOUD_ACCESS_KEY = 'ali-ak';
      process.env.ALICLOUD_SECRET_KEY = 'ali-sk';
      try {
        assert.equal(await adapter().describeKey('00000000-0000-0000-0000-000000000000'), undefined);
      } finally {
        process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'ali-ak';
        process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'ali-sk';
        delete process.env.ALICLOUD_ACCESS_KEY;
        delete process.env.ALICLOUD_SECRET_KEY;
      }
    });
  });

  it('reports an unreachable endpoint as CloudError after retrying', async () => {
    const a = new AlicloudKmsAdapter({ endpoint: 'http://127.0.0.1:9' }, { retryPolicy: FAST_RETRIES });
    await assert.rejects(a.describeKey('k'), (e: unknown) => e instanceof ImportedKeyError && e.code === 'CloudError' && /ECONNREFUSED/.test(e.message));
  });
});
