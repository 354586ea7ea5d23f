// The AWS client's retries: throttling on the time budget every client of the provider shares (no attempt cap; time
// queued in the pacer left out), transient faults on the SDK's own 3 attempts (or AWS_MAX_ATTEMPTS).
import { strict as assert } from 'node:assert';
import { AwsKmsAdapter } from '../../../../provider/clouds/aws/adapter';
import { createKmsClient } from '../../../../provider/clouds/aws/client';
import { AwsRetryStrategy } from '../../../../provider/clouds/aws/retries';
import { recordPacedMs as pacedFor } from '../../../../provider/clouds/aws/client-pacing';
import { namespaceOf } from '../../../../emulator/protocols/aws/operations-keys';
import { useEmulator } from '../../../support/emulator';
import { useAwsEnvironment } from '../../../support/aws-environment';

type Token = Awaited<ReturnType<AwsRetryStrategy['acquireInitialRetryToken']>>;

/** Refreshes the token for each error type in turn; the number of retries granted before the strategy refused. */
async function retriesGranted(strategy: AwsRetryStrategy, errorTypes: string[], between: (i: number) => { error?: unknown } = () => ({})): Promise<{ granted: number; token: Token }> {
  let token = await strategy.acquireInitialRetryToken('');
  let granted = 0;
  for (const [i, errorType] of errorTypes.entries()) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType, ...between(i) });
    } catch {
      break;
    }
    granted++;
  }
  return { granted, token };
}

describe('provider/clouds/aws/client retries', () => {
  it('retries throttling with no attempt cap until the time budget is spent (IMPORTED_KEY_THROTTLE_BUDGET_SECONDS)', async () => {
    let now = 0;
    const strategy = new AwsRetryStrategy(undefined, undefined, () => 0.5, () => now, { IMPORTED_KEY_THROTTLE_BUDGET_SECONDS: '60' });
    // Each throttled reply 1 s after the one before: 60 s of budget grant 60 retries, far past the SDK's 3 attempts.
    const { granted } = await retriesGranted(strategy, Array(200).fill('THROTTLING'), () => ((now += 1000), {}));
    assert.equal(granted, 60);
  });

  it('leaves time queued in the pacer out of the throttling budget', async () => {
    let now = 0;
    const strategy = new AwsRetryStrategy(undefined, undefined, () => 0.5, () => now, { IMPORTED_KEY_THROTTLE_BUDGET_SECONDS: '60' });
    // Each attempt waited 10 s in the pacer, then was throttled 1 s later: only the 1 s counts.
    const { granted } = await retriesGranted(strategy, Array(200).fill('THROTTLING'), () => {
      now += 11_000;
      const error = new Error('throttled');
      pacedFor(error, 10_000);
      return { error };
    });
    assert.equal(granted, 60);
  });

  it('refuses a bad IMPORTED_KEY_THROTTLE_BUDGET_SECONDS, naming it', async () => {
    const strategy = new AwsRetryStrategy(undefined, undefined, Math.random, Date.now, { IMPORTED_KEY_THROTTLE_BUDGET_SECONDS: 'soon' });
    await assert.rejects(strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(''), { errorType: 'THROTTLING' }), /IMPORTED_KEY_THROTTLE_BUDGET_SECONDS must be a number of seconds/);
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
    const strategy = new AwsRetryStrategy(undefined, { baseDelayMs: 500, maxDelayMs: 10_000, maxAttempts: 20 }, () => 0);
    const runs = await Promise.all(Array.from({ length: 20 }, () => retriesGranted(strategy, Array(30).fill('THROTTLING'))));
    assert.ok(runs.every((r) => r.granted === 19));
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
