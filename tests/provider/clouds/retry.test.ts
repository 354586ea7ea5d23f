// The shared retry policy of the cloud clients that do not retry by themselves (Alibaba's SDK, our Huawei client).

import { strict as assert } from 'node:assert';
import { backoffDelay, DEFAULT_RETRY_POLICY, retryVerdictFor, throttleBudgetMs, THROTTLING_RETRY_BUDGET, withRetries, type RetryVerdict } from '../../../provider/clouds/retry';

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

  it('retryVerdictFor: throttling (own budget) and refusals before processing for every call; an unclear outcome only for a repeatable call; never a refusal', () => {
    for (const repeatable of [true, false]) {
      assert.equal(retryVerdictFor('throttled', repeatable), 'throttled');
      assert.equal(retryVerdictFor('unavailable', repeatable), true, 'a 503 or a refused connection did nothing: writes too');
      assert.equal(retryVerdictFor('refused', repeatable), false);
    }
    assert.equal(retryVerdictFor('unclear', true), true);
    assert.equal(retryVerdictFor('unclear', false), false, 'CreateKey after a reset may have made a key');
  });

  describe('throttling: a throttled call gets its own budget, of time (not attempts) by default', () => {
    const withThrottling = { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10, throttling: { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 4000 } };
    /** A call that fails as `script` says, one entry per attempt, then succeeds. */
    const scripted = (script: RetryVerdict[]) => {
      let calls = 0;
      const call = async () => {
        if (calls < script.length) throw Object.assign(new Error(`attempt ${++calls}`), { verdict: script[calls - 1] });
        calls++;
        return 'done';
      };
      return { call, verdict: (e: unknown) => (e as { verdict: RetryVerdict }).verdict, calls: () => calls };
    };

    it('retries throttling past the policy\'s maxAttempts, on the throttling budget\'s delays', async () => {
      const sleeps: number[] = [];
      const s = scripted(['throttled', 'throttled', 'throttled', 'throttled', 'throttled']);
      assert.equal(await withRetries(s.call, s.verdict, withThrottling, async (ms) => { sleeps.push(ms); }), 'done');
      assert.equal(s.calls(), 6);
      assert.equal(sleeps.length, 5);
      assert.ok(sleeps.every((ms, i) => ms < Math.min(4000, 1000 * 2 ** i)), `delays ${sleeps}`);
    });

    it('gives up when the throttling budget is spent, with the last error', async () => {
      const s = scripted(Array(10).fill('throttled'));
      await assert.rejects(withRetries(s.call, s.verdict, withThrottling, async () => undefined), /attempt 6/);
    });

    it('counts throttled and other failures apart: throttling does not use up the attempts a fault is given', async () => {
      const s = scripted(['throttled', 'throttled', true, 'throttled', 'throttled']);
      assert.equal(await withRetries(s.call, s.verdict, withThrottling, async () => undefined), 'done');
      const twoFaults = scripted(['throttled', true, 'throttled', true]);
      await assert.rejects(withRetries(twoFaults.call, twoFaults.verdict, withThrottling, async () => undefined), /attempt 4/);
    });

    it('without a throttling budget, throttling spends the policy\'s own attempts (as before)', async () => {
      const s = scripted(['throttled', 'throttled', 'throttled', 'throttled', 'throttled']);
      await assert.rejects(withRetries(s.call, s.verdict, policy, async () => undefined), /attempt 4/);
    });

    it('by default has no attempt cap: a time budget (IMPORTED_KEY_THROTTLE_BUDGET_SECONDS, default 300 s), and nobody can change the shared defaults', () => {
      assert.equal(DEFAULT_RETRY_POLICY.throttling, THROTTLING_RETRY_BUDGET);
      assert.equal(THROTTLING_RETRY_BUDGET.maxAttempts, undefined);
      assert.equal(throttleBudgetMs({}), 300_000);
      assert.equal(throttleBudgetMs({ IMPORTED_KEY_THROTTLE_BUDGET_SECONDS: '1200' }), 1_200_000);
      for (const bad of ['0', '-5', 'soon', '1e9']) {
        assert.throws(() => throttleBudgetMs({ IMPORTED_KEY_THROTTLE_BUDGET_SECONDS: bad }), /IMPORTED_KEY_THROTTLE_BUDGET_SECONDS must be a number of seconds above 0/);
      }
      assert.ok(Object.isFrozen(DEFAULT_RETRY_POLICY) && Object.isFrozen(THROTTLING_RETRY_BUDGET));
      assert.equal(DEFAULT_RETRY_POLICY.maxAttempts, 5, 'faults keep their 5 attempts');
    });

    /** A fake clock: sleeps and pacer waits move it. */
    const fakeTime = () => {
      let now = 0;
      return { now: () => now, sleep: async (ms: number) => { now += ms; }, advance: (ms: number) => { now += ms; } };
    };

    it('retries throttling far past any attempt count until the time budget is spent, then fails with the last error', async () => {
      const t = fakeTime();
      const s = scripted(Array(10_000).fill('throttled'));
      const policy = { ...DEFAULT_RETRY_POLICY, throttling: { baseDelayMs: 500, maxDelayMs: 10_000, budgetMs: 120_000 } };
      await assert.rejects(withRetries(s.call, s.verdict, policy, t.sleep, { now: t.now }), /attempt \d+/);
      assert.ok(s.calls() > 20, `${s.calls()} attempts, past the old cap of 20`);
      assert.ok(t.now() <= 120_000 && t.now() > 100_000, `gave up after ${t.now()} ms of a 120 s budget`);
    });

    it('leaves time queued in the pacer out of the budget, paces every attempt, retries included, and tells the pacer of each throttled reply', async () => {
      const t = fakeTime();
      let paced = 0;
      const s = scripted(Array(30).fill('throttled'));
      const policy = { ...DEFAULT_RETRY_POLICY, throttling: { baseDelayMs: 100, maxDelayMs: 100, budgetMs: 10_000 } };
      // Each attempt queues 60 s for its turn: 30 attempts spend 30 minutes queued, far past the 10 s budget.
      const pace = async () => { paced++; t.advance(60_000); return 60_000; };
      let told = 0;
      assert.equal(await withRetries(s.call, s.verdict, policy, t.sleep, { now: t.now, pace, throttled: () => told++ }), 'done');
      assert.equal(paced, 31, 'every attempt waited for its turn');
      assert.equal(told, 30, 'the pacer heard of every throttled reply');
      assert.ok(t.now() > 30 * 60_000);
    });

    it('reads the budget from IMPORTED_KEY_THROTTLE_BUDGET_SECONDS, and refuses a bad value naming it', async () => {
      const t = fakeTime();
      const s = scripted(Array(10_000).fill('throttled'));
      const policy = { ...DEFAULT_RETRY_POLICY, throttling: { baseDelayMs: 500, maxDelayMs: 1000 } };
      await assert.rejects(withRetries(s.call, s.verdict, policy, t.sleep, { now: t.now, env: { IMPORTED_KEY_THROTTLE_BUDGET_SECONDS: '30' } }), /attempt/);
      assert.ok(t.now() <= 30_000 && t.now() > 25_000, `${t.now()} ms`);
      await assert.rejects(withRetries(s.call, s.verdict, policy, t.sleep, { env: { IMPORTED_KEY_THROTTLE_BUDGET_SECONDS: 'x' } }), /IMPORTED_KEY_THROTTLE_BUDGET_SECONDS/);
    });
  });
});
