// Retries with exponential backoff and full jitter, for cloud clients that do not retry by themselves (Alibaba's SDK,
// our Huawei and Ping An clients); the AWS client's retry strategy (aws/retries.ts) takes the same throttling budget.
// What each cloud may send again, and what its failures tell: <cloud>/retries.ts. Every attempt, retries included,
// first waits for its turn under the cloud's request quota (pacer.ts).
//
// Throttling is retried without an attempt cap, on a time budget: the pacer keeps this host within the published
// quotas, so a throttled reply means someone else shares the quota (another `pulumi up`, another tool, a lower quota
// than published) — which may last seconds or minutes, not a number of attempts. The budget counts from the first
// throttled reply and leaves out the time queued in the pacer: with 200 keys behind AWS's 0.25 GetParametersForImport
// per second the last one legitimately queues ~800 s, and that is pacing, not throttling.

import { ImportedKeyError } from '../../core/errors';

export const THROTTLE_BUDGET_VARIABLE = 'IMPORTED_KEY_THROTTLE_BUDGET_SECONDS';
/**
 * Default throttling budget: 5 minutes. Long enough to outlast another client's burst on a shared quota (and the
 * Terraform AWS provider's 25 retries, about as long), short enough that a quota that stays full — a quota far lower
 * than published, a wrong IMPORTED_KEY_QUOTA_SCALE — fails the step with the cloud's throttling error within minutes
 * rather than hanging the deployment.
 */
export const DEFAULT_THROTTLE_BUDGET_SECONDS = 300;
const MAX_THROTTLE_BUDGET_SECONDS = 86_400;

/** The throttling budget in `env` (seconds, > 0, at most a day), in ms; an ImportedKeyError naming the variable when bad. */
export function throttleBudgetMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[THROTTLE_BUDGET_VARIABLE];
  if (raw === undefined || raw.trim() === '') return DEFAULT_THROTTLE_BUDGET_SECONDS * 1000;
  const seconds = Number(raw);
  if (!(Number.isFinite(seconds) && seconds > 0 && seconds <= MAX_THROTTLE_BUDGET_SECONDS)) {
    throw new ImportedKeyError('InvalidArgument',
      `${THROTTLE_BUDGET_VARIABLE} must be a number of seconds above 0 and at most ${MAX_THROTTLE_BUDGET_SECONDS} (how long a call keeps retrying throttled replies; default ${DEFAULT_THROTTLE_BUDGET_SECONDS}), not ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return seconds * 1000;
}

/** How the delays between attempts grow: full jitter below baseDelayMs·2^(n−1), capped at maxDelayMs. */
export interface Backoff {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The budget for faults: a number of attempts. */
export interface RetryBudget extends Backoff {
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

/** The budget for throttled replies: time, not attempts. */
export interface ThrottlingBudget extends Backoff {
  /** How long a call keeps retrying after its first throttled reply, time queued in the pacer left out; default IMPORTED_KEY_THROTTLE_BUDGET_SECONDS, else 300 s. */
  budgetMs?: number;
  /** Optional cap on throttled attempts, the first included (tests that want a quick failure); default none. */
  maxAttempts?: number;
}

export interface RetryPolicy extends RetryBudget {
  /** The budget when the cloud said "throttled" (nothing was done, so any call may be sent again); default: this policy's own attempts. */
  throttling?: ThrottlingBudget;
}

/**
 * Throttling: delays drawn below 0.5, 1, 2, 4, 8, then 10 s, for as long as the time budget lasts (throttleBudgetMs).
 * Under a quota someone else keeps busy an attempt may well be refused again, and with full jitter some calls lose
 * many times in a row: a cap of attempts would fail them early for no reason.
 */
export const THROTTLING_RETRY_BUDGET: Readonly<ThrottlingBudget> = Object.freeze({ baseDelayMs: 500, maxDelayMs: 10_000 });

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
export function backoffDelay(policy: Backoff, retryNumber: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The throttling clock of one call: counts from its first throttled reply, leaving out the time its attempts then
 * wait in the pacer (pacing is not throttling). Shared by withRetries and the AWS retry strategy.
 */
export class ThrottleClock {
  private since: number | undefined;
  private paced = 0;

  constructor(private readonly budgetMs: number, private readonly now: () => number = Date.now) {}

  /** An attempt waited `ms` in the pacer. */
  waited(ms: number): void {
    if (this.since !== undefined) this.paced += ms;
  }

  /** A throttled reply came: the time left (ms, ≤ 0 when spent). */
  throttled(): number {
    const now = this.now();
    this.since ??= now;
    return this.budgetMs - (now - this.since - this.paced);
  }
}

export interface RetryOptions {
  /** Waits for the attempt's turn under its quota (pacer.ts pace); resolves with the time waited (ms). */
  pace?: () => Promise<number>;
  /** Told when an attempt was throttled (pacer.ts paceThrottled: the pacer widens its margin). */
  throttled?: () => void;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

export async function withRetries<T>(
  call: () => Promise<T>,
  shouldRetry: (error: unknown) => RetryVerdict,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  options: RetryOptions = {},
): Promise<T> {
  const throttling = policy.throttling;
  const clock = throttling ? new ThrottleClock(throttling.budgetMs ?? throttleBudgetMs(options.env), options.now) : undefined;
  // Failures counted per budget: throttled attempts do not use up the attempts a transient fault is given, nor the reverse.
  const failures = { throttled: 0, other: 0 };
  for (;;) {
    if (options.pace) clock?.waited(await options.pace());
    try {
      return await call();
    } catch (error) {
      const verdict = shouldRetry(error);
      if (verdict === 'throttled') options.throttled?.();
      if (!verdict) throw error;
      let delay: number;
      if (verdict === 'throttled' && throttling && clock) {
        const failed = ++failures.throttled;
        const left = clock.throttled();
        if (left <= 0 || (throttling.maxAttempts !== undefined && failed >= throttling.maxAttempts)) throw error;
        delay = Math.min(left, backoffDelay(throttling, failed));
      } else {
        const failed = ++failures.other;
        if (failed >= policy.maxAttempts) throw error;
        delay = backoffDelay(policy, failed);
      }
      await sleep(delay);
    }
  }
}
