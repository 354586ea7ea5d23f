// The KMSClient's pacing middleware (provider/clouds/aws/client-pacing.ts) against the emulator: every attempt waits
// for its turn — concurrent calls of one client and of separate clients alike, retries included — and a bad quota
// setting fails the call naming the variable.
import { strict as assert } from 'node:assert';
import { AwsKmsAdapter } from '../../../../provider/clouds/aws/adapter';
import { createKmsClient } from '../../../../provider/clouds/aws/client';
import { resetPacers } from '../../../../provider/clouds/pacer';
import { useEmulator } from '../../../support/emulator';
import { useAwsEnvironment } from '../../../support/aws-environment';

const MISSING = '00000000-0000-0000-0000-000000000000';

describe('provider/clouds/aws/client pacing', () => {
  const emu = useEmulator();
  useAwsEnvironment();
  const clients: Array<{ destroy(): void }> = [];
  afterEach(() => {
    clients.splice(0).forEach((c) => c.destroy());
    emu.running.faults.clear();
    resetPacers();
  });

  /** When each DescribeKey reached the emulator (ms), while `work` ran. */
  async function arrivals(work: () => Promise<unknown>): Promise<number[]> {
    const times: number[] = [];
    const { faults } = emu.running;
    const { decide } = faults;
    faults.decide = function (cloud, operation) {
      if (operation === 'DescribeKey') times.push(Date.now());
      return decide.call(this, cloud, operation);
    };
    try {
      await work();
    } finally {
      delete (faults as Partial<typeof faults>).decide;
    }
    return times;
  }

  function adapter(env: NodeJS.ProcessEnv): AwsKmsAdapter {
    const config = { region: 'us-east-1', endpoint: emu.url };
    const client = createKmsClient(config, { throttling: { baseDelayMs: 1, maxDelayMs: 1 } }, env);
    clients.push(client);
    return new AwsKmsAdapter(config, client);
  }

  it('spaces the attempts of concurrent calls, from separate clients too, 1/r apart (DescribeKey at 10 per second)', async () => {
    const env = { IMPORTED_KEY_QUOTAS: '{"aws:DescribeKey": 10}', IMPORTED_KEY_QUOTA_SCALE: '1' };
    const [a, b] = [adapter(env), adapter(env)];
    const times = await arrivals(() => Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).describeKey(MISSING))));
    assert.equal(times.length, 8);
    // 8 turns 100 ms apart span 700 ms (less the jitter of the first arrival: a new connection).
    assert.ok(times[7] - times[0] >= 600, `span ${times[7] - times[0]} ms`);
    const unpaced = await arrivals(() => Promise.all(Array.from({ length: 8 }, () => adapter({ IMPORTED_KEY_QUOTA_SCALE: '100000' }).describeKey(MISSING))));
    assert.ok(unpaced[7] - unpaced[0] < times[7] - times[0] - 200, `without a quota in the way they go at once (${unpaced[7] - unpaced[0]} ms)`);
  });

  it('paces retries too: a throttled attempt waits for a turn again', async () => {
    const env = { IMPORTED_KEY_QUOTAS: '{"aws:DescribeKey": 4}', IMPORTED_KEY_QUOTA_SCALE: '1' };
    const kms = adapter(env);
    // The emulator's deterministic throttle rate 1/2: every second request is refused.
    emu.running.faults.add({ target: 'aws:DescribeKey', throttleRate: 0.5 });
    const times = await arrivals(() => Promise.all([kms.describeKey(MISSING), kms.describeKey(MISSING)]));
    assert.ok(times.length >= 3, `${times.length} attempts (a retry among them)`);
    // Each attempt a turn (250 ms) after the one before, retries included.
    assert.ok(times[times.length - 1] - times[0] >= (times.length - 1) * 250 - 50, `${times.length} attempts over ${times[times.length - 1] - times[0]} ms`);
  });

  it('fails a call with InvalidArgument naming IMPORTED_KEY_QUOTAS when it is bad', async () => {
    const kms = adapter({ IMPORTED_KEY_QUOTAS: '{"aws:DescribeKey": -1}' });
    await assert.rejects(kms.describeKey(MISSING), (e: Error & { code?: string }) => e.code === 'InvalidArgument' && /IMPORTED_KEY_QUOTAS: "aws:DescribeKey" must be a number/.test(e.message));
  });
});
