// Retries with exponential backoff and full jitter, for cloud clients that do not retry by themselves (Alibaba's SDK,
// our Huawei client); the AWS client's retry strategy (aws/retries.ts) takes the same throttling budget. What each cloud
// may send again, and what its failures tell: <cloud>/retries.ts.
//
// Throttling has its own, longer budget: every step of one `pulumi up` runs at the same time in one provider process
// (the CLI's default --parallel is 4 per CPU) against one account quota, so a quota can keep refusing a client for
// many seconds — far longer than a transient fault lasts, and longer than the budget for faults covers.

export interface RetryBudget {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryPolicy extends RetryBudget {
  /** The budget when the cloud said "throttled" (nothing was done, so any call may be sent again); default: this policy's own. */
  throttling?: RetryBudget;
}

/**
 * Up to 20 attempts, delays drawn below 0.5, 1, 2, 4, 8, then 10 s: about 75 s of patience on average (at most 155 s)
 * before a step fails for throttling — the Terraform AWS provider allows 25 retries. Under a quota kept busy by the
 * other steps an attempt may well be refused again, and with full jitter some calls lose many times in a row.
 */
export const THROTTLING_RETRY_BUDGET: Readonly<RetryBudget> = Object.freeze({ maxAttempts: 20, baseDelayMs: 500, maxDelayMs: 10_000 });

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5000, throttling: THROTTLING_RETRY_BUDGET });

/** What a failed attempt deserves: no retry, a retry on the policy's budget, or one on its throttling budget. */
export type RetryVerdict = boolean | 'throttled';

/**
 * What a failed attempt tells about the work, whatever the cloud:
 * - `throttled`: refused by flow control, nothing done;
 * - `unavailable`: refused before any processing (503 / ServiceUnavailable, a connection refused, a DNS lookup that
 *   timed out), nothing done;
 * - `unclear`: the work may or may not be done (500 / InternalFailure, a connection closed mid-call, no reply in time);
 * - `refused`: a definite answer that another attempt would get again (4xx).
 */
export type FailureKind = 'throttled' | 'unavailable' | 'unclear' | 'refused';

/**
 * The one retry rule of the Alibaba and Huawei clients (each cloud says per call whether it is `repeatable`, next to
 * its list): a call that did nothing may always be sent again, writes included; a call whose outcome is unclear only
 * when sending it again cannot do harm — CreateKey never (a second key), ImportKeyMaterial not on a lost connection
 * (the lifecycle confirms it with DescribeKey: provider/import-material.ts).
 */
export function retryVerdictFor(kind: FailureKind, repeatable: boolean): RetryVerdict {
  if (kind === 'throttled') return 'throttled';
  if (kind === 'unavailable') return true;
  return kind === 'unclear' && repeatable;
}

/** Full jitter (AWS architecture blog): a uniform delay in [0, min(max, base·2^(n−1))] spreads retrying clients apart. */
export function backoffDelay(policy: RetryBudget, retryNumber: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.floor(random() * ceiling);
}

/** The budget that applies to a failure judged `verdict`. */
export function budgetFor(policy: RetryPolicy, verdict: RetryVerdict): RetryBudget {
  return verdict === 'throttled' && policy.throttling ? policy.throttling : policy;
}

export async function withRetries<T>(
  call: () => Promise<T>,
  shouldRetry: (error: unknown) => RetryVerdict,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  // Failures counted per budget: throttled attempts do not use up the attempts a transient fault is given, nor the reverse.
  const failures = { throttled: 0, other: 0 };
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const verdict = shouldRetry(error);
      if (!verdict) throw error;
      const budget = budgetFor(policy, verdict);
      const failed = budget === policy ? ++failures.other : ++failures.throttled;
      if (failed >= budget.maxAttempts) throw error;
      await sleep(backoffDelay(budget, failed));
    }
  }
}
