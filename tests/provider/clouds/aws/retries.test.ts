// The AWS client's retries: throttling on the budget every client of the provider shares (a whole `pulumi up` runs
// at once against one account quota), transient faults on the SDK's own 3 attempts (or AWS_MAX_ATTEMPTS).
import { strict as assert } from 'node:assert';
import { AwsKmsAdapter } from '../../../../provider/clouds/aws/adapter';
import { createKmsClient } from '../../../../provider/clouds/aws/client';
import { AwsRetryStrategy } from '../../../../provider/clouds/aws/retries';
import { THROTTLING_RETRY_BUDGET } from '../../../../provider/clouds/retry';
import { namespaceOf } from '../../../../emulator/protocols/aws/operations-keys';
import { useEmulator } from '../../../support/emulator';
import { useAwsEnvironment } from '../../../support/aws-environment';

type Token = Awaited<ReturnType<AwsRetryStrategy['acquireInitialRetryToken']>>;

/** Refreshes the token for each error type in turn; the number of retries granted before the strategy refused. */
async function retriesGranted(strategy: AwsRetryStrategy, errorTypes: string[]): Promise<{ granted: number; token: Token }> {
  let token = await strategy.acquireInitialRetryToken('');
  let granted = 0;
  for (const errorType of errorTypes) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType });
    } catch {
      break;
    }
    granted++;
  }
  return { granted, token };
}

describe('provider/clouds/aws/client retries', () => {
  it('grants throttled calls THROTTLING_RETRY_BUDGET attempts, far past the SDK default of 3', async () => {
    const { granted } = await retriesGranted(new AwsRetryStrategy(), Array(30).fill('THROTTLING'));
    assert.equal(granted, THROTTLING_RETRY_BUDGET.maxAttempts - 1);
  });

  it('keeps the SDK\'s 3 attempts for transient faults, none for client errors, and counts the two kinds apart', async () => {
    assert.equal((await retriesGranted(new AwsRetryStrategy(), Array(5).fill('TRANSIENT'))).granted, 2);
    assert.equal((await retriesGranted(new AwsRetryStrategy(), ['CLIENT_ERROR'])).granted, 0);
    assert.equal((await retriesGranted(new AwsRetryStrategy(), ['SERVER_ERROR'])).granted, 0);
    const mixed = await retriesGranted(new AwsRetryStrategy(), ['THROTTLING', 'THROTTLING', 'TRANSIENT', 'THROTTLING', 'TRANSIENT', 'TRANSIENT']);
    assert.equal(mixed.granted, 5, 'throttles do not use up the attempts a transient fault is given');
    assert.equal(mixed.token.getRetryCount(), 5);
  });

  it('draws full-jitter delays for the middleware to sleep, below each doubling ceiling', async () => {
    const strategy = new AwsRetryStrategy(undefined, undefined, () => 0.999);
    let token = await strategy.acquireInitialRetryToken('');
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
      delays.push(token.getRetryDelay());
    }
    assert.deepEqual(delays, [499, 999, 1998, 3996, 7992, 9990]);
  });

  it('is one stateless strategy for any number of calls at once: each call\'s count lives in its own token', async () => {
    const strategy = new AwsRetryStrategy(undefined, undefined, () => 0);
    const runs = await Promise.all(Array.from({ length: 20 }, () => retriesGranted(strategy, Array(30).fill('THROTTLING'))));
    assert.ok(runs.every((r) => r.granted === THROTTLING_RETRY_BUDGET.maxAttempts - 1));
  });

  describe('against the emulator', () => {
    const emu = useEmulator();
    useAwsEnvironment();
    const clients: Array<{ destroy(): void }> = [];
    after(() => clients.forEach((c) => c.destroy()));
    const fast = { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 20 };

    it('creates a key through 4 throttled CreateKey replies in a row (the SDK default gives up after 3 attempts)', async () => {
      const config = { region: 'us-east-1', endpoint: emu.url };
      const client = createKmsClient(config, { throttling: fast });
      clients.push(client);
      const adapter = new AwsKmsAdapter(config, client);
      // The emulator's deterministic throttle rate 4/5: the 1st request passes, the next 4 are throttled, the 6th passes.
      emu.running.faults.add({ target: 'aws:*', throttleRate: 0.8 });
      try {
        assert.equal(await adapter.describeKey('00000000-0000-0000-0000-000000000000'), undefined);
        const before = emu.running.requestCounts()['aws:CreateKey'] ?? 0;
        const keysBefore = emu.running.store.listKeys('aws', namespaceOf('us-east-1')).length;
        const key = await adapter.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
        assert.equal(key.keyState, 'PendingImport');
        assert.equal((emu.running.requestCounts()['aws:CreateKey'] ?? 0) - before, 5);
        assert.equal(emu.running.store.listKeys('aws', namespaceOf('us-east-1')).length, keysBefore + 1, 'one key made');
      } finally {
        emu.running.faults.clear();
      }
    });

    it('still gives up on transient faults after the SDK\'s 3 attempts', async () => {
      const config = { region: 'us-east-1', endpoint: emu.url };
      const client = createKmsClient(config, { throttling: fast });
      clients.push(client);
      const adapter = new AwsKmsAdapter(config, client);
      emu.running.faults.add({ target: 'aws:DescribeKey', failNext: 3, failStatus: 503 });
      const before = emu.running.requestCounts()['aws:DescribeKey'] ?? 0;
      try {
        await assert.rejects(adapter.describeKey('00000000-0000-0000-0000-000000000000'));
        assert.equal((emu.running.requestCounts()['aws:DescribeKey'] ?? 0) - before, 3);
      } finally {
        emu.running.faults.clear();
      }
    });
  });
});
