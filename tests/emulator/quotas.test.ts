// The quota switch (quotas.ts): the `published` preset throttles each cloud's operations at its published rates, times
// `scale`, on a clock the test moves; through /_emulator/quotas (GET, POST, DELETE, reset) and startEmulator's option;
// and over HTTP each cloud answers an over-quota request with its own throttling error, through its own client.

import assert from 'node:assert/strict';
import * as $Kms from '@alicloud/kms20160120';
import { CreateKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { startEmulator } from '../../emulator';
import { Quotas } from '../../emulator/quotas';
import { control, useEmulator } from '../support/emulator';
import { expectAwsError, kmsClient } from '../support/aws-client';
import { sdkClient as alibabaClient, sdkFailure } from '../support/alicloud-client';
import { huaweiCall } from '../support/huaweicloud-client';
import { pinganCall } from '../support/pingan-client';

describe('emulator / quotas', () => {
  describe('the published preset on a clock the test moves', () => {
    let now: number;
    let quotas: Quotas;
    beforeEach(() => {
      now = 5_000_000;
      quotas = new Quotas(() => now);
    });

    it('is off until set: nothing is throttled', () => {
      for (let i = 0; i < 10; i++) assert.equal(quotas.admit('aws', 'GetParametersForImport'), true);
      assert.deepEqual(quotas.list(), { preset: null, quotas: [] });
    });

    it('AWS GetParametersForImport at 0.25 per second: one in each 4-second interval', () => {
      quotas.set({ preset: 'published' });
      assert.equal(quotas.admit('aws', 'GetParametersForImport'), true);
      now += 3_999;
      assert.equal(quotas.admit('aws', 'GetParametersForImport'), false);
      now += 1;
      assert.equal(quotas.admit('aws', 'GetParametersForImport'), true);
      // CreateKey and ImportKeyMaterial have their own quotas (5 per second each), untouched by GetParametersForImport's.
      for (let i = 0; i < 5; i++) assert.equal(quotas.admit('aws', 'CreateKey'), true);
      assert.equal(quotas.admit('aws', 'CreateKey'), false);
      for (let i = 0; i < 5; i++) assert.equal(quotas.admit('aws', 'ImportKeyMaterial'), true);
      assert.equal(quotas.admit('aws', 'ImportKeyMaterial'), false);
    });

    it('scale multiplies every quota: AWS GetParametersForImport × 10 = 2.5 per second (3 in any 1.2 s)', () => {
      quotas.set({ preset: 'published', scale: 10 });
      assert.deepEqual([1, 2, 3, 4].map(() => quotas.admit('aws', 'GetParametersForImport')), [true, true, true, false]);
      now += 1_200;
      assert.equal(quotas.admit('aws', 'GetParametersForImport'), true);
      const shown = quotas.list();
      assert.equal(shown.scale, 10);
      const gpfi = shown.quotas.find((q) => q.cloud === 'aws' && q.name === 'GetParametersForImport request rate')!;
      assert.equal(gpfi.perSecond, 2.5);
      assert.equal(gpfi.publishedPerSecond, 0.25);
      assert.match(gpfi.source, /^https:\/\/docs\.aws\.amazon\.com\//);
    });

    it("Alibaba's read quota is shared: DescribeKey spends what GetParametersForImport would have had", () => {
      quotas.set({ preset: 'published', scale: 0.02 }); // 50 × 0.02 = 1 per second
      assert.equal(quotas.admit('alicloud', 'DescribeKey'), true);
      assert.equal(quotas.admit('alicloud', 'GetParametersForImport'), false);
      assert.equal(quotas.admit('alicloud', 'CreateKey'), true, 'CreateKey has its own quota');
    });

    it("Huawei's one TPS covers every operation; Ping An's (ours) group like Alibaba's", () => {
      quotas.set({ preset: 'published', scale: 0.05 }); // Huawei 20 × 0.05 = 1 per second
      assert.equal(quotas.admit('huaweicloud', 'create-key'), true);
      assert.equal(quotas.admit('huaweicloud', 'get-parameters-for-import'), false);
      now += 1_000;
      assert.equal(quotas.admit('huaweicloud', 'describe-key'), true);
      const pingan = quotas.list().quotas.filter((q) => q.cloud === 'pingan');
      assert.ok(pingan.length > 0 && pingan.every((q) => q.ours === true), 'every Ping An figure is marked as ours');
    });

    it('operations under no quota pass; set() again starts fresh counts; clear() turns it off', () => {
      quotas.set({ preset: 'published' });
      for (let i = 0; i < 20; i++) assert.equal(quotas.admit('aws', 'Unknown'), true);
      assert.equal(quotas.admit('aws', 'GetParametersForImport'), true);
      quotas.set({ preset: 'published' });
      assert.equal(quotas.admit('aws', 'GetParametersForImport'), true, 'fresh counts');
      quotas.clear();
      assert.equal(quotas.admit('aws', 'GetParametersForImport'), true);
    });
  });

  describe('over HTTP', () => {
    const emu = useEmulator();
    afterEach(() => emu.reset());

    it('POST /_emulator/quotas switches the preset on, GET shows it, DELETE and reset switch it off; clearing faults leaves it', async () => {
      const set = (await control(emu.url, 'POST', '/_emulator/quotas', { preset: 'published', scale: 10 })) as { preset: string; scale: number; quotas: Array<{ cloud: string }> };
      assert.equal(set.preset, 'published');
      assert.equal(set.scale, 10);
      assert.deepEqual([...new Set(set.quotas.map((q) => q.cloud))].sort(), ['alicloud', 'aws', 'huaweicloud', 'pingan']);
      await control(emu.url, 'DELETE', '/_emulator/faults');
      assert.equal(((await control(emu.url, 'GET', '/_emulator/quotas')) as { preset: string }).preset, 'published');
      assert.deepEqual(await control(emu.url, 'DELETE', '/_emulator/quotas'), { preset: null, quotas: [] });
      await control(emu.url, 'POST', '/_emulator/quotas', { preset: 'published' });
      await emu.reset();
      assert.deepEqual(await control(emu.url, 'GET', '/_emulator/quotas'), { preset: null, quotas: [] });
    });

    it('refuses a bad setting with a 400 naming the field and what is allowed', async () => {
      await assert.rejects(control(emu.url, 'POST', '/_emulator/quotas', { preset: 'aws' }), /'preset' must be one of published/);
      await assert.rejects(control(emu.url, 'POST', '/_emulator/quotas', { preset: 'published', scale: 0 }), /'scale' must be a number from 0\.001 to 100000/);
      await assert.rejects(control(emu.url, 'POST', '/_emulator/quotas', { preset: 'published', scale: '10' }), /'scale'/);
      await assert.rejects(control(emu.url, 'POST', '/_emulator/quotas', { preset: 'published', rate: 1 }), /unknown field 'rate'/);
    });

    // scale 0.001: every quota at a thousandth, so the second request of each cloud is over quota for many seconds.
    const overQuota = async (): Promise<void> => {
      await control(emu.url, 'POST', '/_emulator/quotas', { preset: 'published', scale: 0.001 });
    };

    it('AWS: ThrottlingException, 400, through the AWS SDK; the throttled CreateKey made nothing', async () => {
      await overQuota();
      const kms = kmsClient(emu.url, { maxAttempts: 1 });
      await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
      await expectAwsError(kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' })), 'ThrottlingException', 400);
      assert.equal((await kms.send(new ListKeysCommand({}))).Keys!.length, 1, 'the throttled CreateKey made nothing');
    });

    it('Alibaba: Throttling.User, 400, through the Alibaba SDK', async () => {
      await overQuota();
      const client = alibabaClient(emu.url);
      await client.createKey(new $Kms.CreateKeyRequest({ origin: 'EXTERNAL' }));
      const failure = await sdkFailure(client.createKey(new $Kms.CreateKeyRequest({ origin: 'EXTERNAL' })));
      assert.equal(failure.code, 'Throttling.User');
      assert.equal(failure.status, 400);
    });

    it("Huawei: 429 APIGW.0308 from the API gateway, signed by Huawei's SDK signer", async () => {
      await overQuota();
      const project = '0123456789abcdef0123456789abcdef';
      await huaweiCall(emu.url, project, 'list-keys', {});
      const reply = await huaweiCall(emu.url, project, 'describe-key', { key_id: '00000000-0000-0000-0000-000000000000' });
      assert.equal(reply.status, 429);
      assert.equal(reply.body.error_code, 'APIGW.0308');
    });

    it('Ping An: 429 with code Throttling (the emulator\'s own code; Ping An publishes none)', async () => {
      await overQuota();
      await pinganCall(emu.url, 'CreateCmk', { origin: '1', keyUsage: '0' });
      const reply = await pinganCall(emu.url, 'CreateCmk', { origin: '1', keyUsage: '0' });
      assert.equal(reply.status, 429);
      assert.equal((reply.body as { code: string }).code, 'Throttling');
    });
  });

  it('startEmulator({quotas}) starts with the preset on; a bad setting fails before listening', async () => {
    const emu = await startEmulator({ quotas: { preset: 'published', scale: 2 } });
    try {
      const shown = (await control(emu.url, 'GET', '/_emulator/quotas')) as { preset: string; scale: number };
      assert.deepEqual([shown.preset, shown.scale], ['published', 2]);
    } finally {
      await emu.close();
    }
    await assert.rejects(startEmulator({ quotas: { preset: 'published', scale: -1 } }), /'scale'/);
  });
});
