// The Alibaba adapter's reply clock when many adapters work at once in one process, as the steps of one `pulumi up`
// do in the real engine's provider host: each adapter reads the Date of its own replies only (every HTTP reply of the
// process passes the one diagnostics channel), and no adapter leaves its clock listening once it is done — or once
// its constructor failed.
import { strict as assert } from 'node:assert';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { AlicloudKmsAdapter } from '../../../../provider/clouds/alicloud/adapter';
import { activeReplyClocks } from '../../../../provider/clouds/alicloud/clock';
import { ImportedKeyError } from '../../../../core/errors';
import { useEmulator } from '../../../support/emulator';

const DAY = 86_400_000;
const NO_KEY = '00000000-0000-0000-0000-000000000000';
const VARIABLES = [
  'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY',
  'ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION', 'ALIBABACLOUD_REGION_ID',
];

describe('provider/clouds/alicloud reply clock with many adapters at once', function () {
  this.timeout(30_000);
  const ahead = useEmulator({ accessKey: 'ali-ak', secretKey: 'ali-sk' });
  const behind = useEmulator({ accessKey: 'ali-ak', secretKey: 'ali-sk' });
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const name of VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'ali-ak';
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'ali-sk';
  });
  after(async () => {
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  afterEach(async () => {
    await ahead.setClock(new Date().toISOString());
    await behind.setClock(new Date().toISOString());
  });

  it('leaves no clock listening when the constructor throws (no region, a bad endpoint)', () => {
    const listening = activeReplyClocks();
    const invalid = (e: unknown) => e instanceof ImportedKeyError && e.code === 'InvalidArgument';
    for (let i = 0; i < 5; i++) {
      assert.throws(() => new AlicloudKmsAdapter({}), invalid);
      assert.throws(() => new AlicloudKmsAdapter({ endpoint: 'ftp://127.0.0.1:1' }), invalid);
    }
    assert.equal(activeReplyClocks(), listening, 'a failed construction left its clock listening (and the channel subscribed)');
  });

  it('gives each of 16 adapters calling at once the time of its own cloud (two clouds 7 days apart, AWS replies in between), and releases every clock on destroy', async () => {
    const listening = activeReplyClocks();
    const near = (told: Date | undefined, cloudNow: number) => told !== undefined && Math.abs(told.getTime() - cloudNow) < 2_000;
    await ahead.setClock(new Date(Date.now() + 5 * DAY).toISOString());
    await behind.setClock(new Date(Date.now() - 2 * DAY).toISOString());
    const emulators = [ahead, behind];
    const adapters = Array.from({ length: 16 }, (_, i) => ({
      emu: emulators[i % 2],
      adapter: new AlicloudKmsAdapter({ endpoint: emulators[i % 2].url }, { retryPolicy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }),
    }));
    assert.equal(activeReplyClocks(), listening + 16);
    // Replies that are not Alibaba's (the AWS SDK's, to the same servers) pass the same channel and must not count.
    const noise = emulators.map((e) => new KMSClient({ endpoint: e.url, region: 'us-east-1', credentials: { accessKeyId: 'ali-ak', secretAccessKey: 'ali-sk' }, maxAttempts: 1 }));
    try {
      for (let round = 0; round < 3; round++) {
        await Promise.all([
          ...adapters.map(({ adapter }) => adapter.describeKey(NO_KEY)),
          ...noise.map((client) => client.send(new DescribeKeyCommand({ KeyId: NO_KEY })).catch(() => undefined)),
        ]);
      }
      for (const [i, { emu, adapter }] of adapters.entries()) {
        assert.ok(near(adapter.cloudTime(), emu.running.clock.now()), `adapter ${i}: ${adapter.cloudTime()?.toISOString()} is not its cloud's ${new Date(emu.running.clock.now()).toISOString()}`);
      }

      // The clouds move; only the even adapters call again: they follow their cloud, the others keep what they were told.
      await ahead.setClock(new Date(Date.now() - 3 * DAY).toISOString());
      await behind.setClock(new Date(Date.now() + 9 * DAY).toISOString());
      const told = adapters.map(({ adapter }) => adapter.cloudTime()!.getTime() - Date.now());
      await Promise.all(adapters.filter((_, i) => i % 4 < 2).map(({ adapter }) => adapter.describeKey(NO_KEY)));
      for (const [i, { emu, adapter }] of adapters.entries()) {
        if (i % 4 < 2) assert.ok(near(adapter.cloudTime(), emu.running.clock.now()), `adapter ${i} follows its cloud`);
        else assert.ok(Math.abs(adapter.cloudTime()!.getTime() - Date.now() - told[i]) < 1_000, `adapter ${i} heard nothing new`);
      }
    } finally {
      noise.forEach((client) => client.destroy());
      adapters.forEach(({ adapter }) => adapter.destroy());
    }
    assert.equal(activeReplyClocks(), listening, 'destroy released every clock');
    assert.ok(adapters.every(({ adapter }) => adapter.cloudTime() === undefined));
  });
});
