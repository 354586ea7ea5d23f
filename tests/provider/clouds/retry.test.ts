// The shared retry policy of the cloud clients that do not retry by themselves (Alibaba's SDK, our Huawei client).

import { strict as assert } from 'node:assert';
import { backoffDelay, withRetries } from '../../../provider/clouds/retry';

describe('provider/clouds/retry', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 };

  it('draws each delay uniformly below a doubling ceiling capped at maxDelayMs (full jitter)', () => {
    assert.equal(backoffDelay(policy, 1, () => 0.999999), 99);
    assert.equal(backoffDelay(policy, 2, () => 0.999999), 199);
    assert.equal(backoffDelay(policy, 3, () => 0.999999), 249);
    assert.equal(backoffDelay(policy, 9, () => 0), 0);
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(policy, 3)));
    assert.ok(seen.size > 10, 'delays are spread, not fixed');
  });

  it('retries until success, sleeping between attempts', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await withRetries(async () => {
      calls++;
      if (calls < 3) throw new Error('transient');
      return 'done';
    }, () => true, policy, async (ms) => { sleeps.push(ms); });
    assert.equal(result, 'done');
    assert.equal(calls, 3);
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[0] < 100 && sleeps[1] < 200);
  });

  it('gives up after maxAttempts with the last error, and at once on errors not worth retrying', async () => {
    let calls = 0;
    await assert.rejects(withRetries(async () => { calls++; throw new Error(`attempt ${calls}`); }, () => true, policy, async () => undefined), /attempt 4/);
    assert.equal(calls, 4);
    calls = 0;
    await assert.rejects(withRetries(async () => { calls++; throw new Error('final'); }, () => false, policy, async () => undefined), /final/);
    assert.equal(calls, 1);
  });
});
