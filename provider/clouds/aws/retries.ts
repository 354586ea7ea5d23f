// What the AWS client retries, and what a failure tells about the work. The SDK classifies failures itself
// (THROTTLING, TRANSIENT, CLIENT_ERROR, SERVER_ERROR); this strategy decides how often each kind is sent again.
// Throttling takes the time budget every client of this provider shares (../retry.ts), leaving out the time each
// attempt waited in the pacer (client-pacing.ts records it on the attempt's error).

import { backoffDelay, THROTTLING_RETRY_BUDGET, ThrottleClock, throttleBudgetMs, type RetryBudget, type ThrottlingBudget } from '../retry';
import { pacedMsOf } from './client-pacing';

/** The SDK's own default for transient faults (5xx, timeouts, a corrected clock skew): 3 attempts, 100 ms doubling. */
const SDK_TRANSIENT_ATTEMPTS = 3;

/**
 * CreateKey's attempts on a transient fault: one. After a 5xx or a lost reply the key may exist, so CreateKey is never
 * sent again (a second key nobody would know of): the adapter looks for the key by its creation token instead.
 * Throttling is retried (a throttled call did nothing).
 */
export const CREATE_KEY_TRANSIENT_ATTEMPTS = 1;

/** The parts of the SDK's retry token and error info (RetryStrategyV2, @smithy/types) this strategy uses. */
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}
interface RetryErrorInfo {
  errorType: string;
  retryAfterHint?: Date;
  /** The attempt's error (the SDK's middleware passes it). */
  error?: unknown;
}

/**
 * Our tokens count the failures of each kind (throttling does not use up the attempts of transient faults) and carry
 * the call's throttling clock.
 */
interface CountingToken extends RetryToken {
  throttled: number;
  transient: number;
  clock?: ThrottleClock;
}

function retryToken(throttled: number, transient: number, delayMs: number, clock?: ThrottleClock): CountingToken {
  return { throttled, transient, clock, getRetryCount: () => throttled + transient, getRetryDelay: () => delayMs };
}

/**
 * The SDK's standard retries (throttling and transient faults; never client errors), with throttling on the time
 * budget every client of this provider shares (../retry.ts) instead of the SDK's 3 attempts (at most ~3 s): a quota
 * someone else keeps full can refuse a call for far longer. Transient faults keep the SDK's 3 attempts (or
 * AWS_MAX_ATTEMPTS). Stateless between calls, so one strategy serves any number of concurrent calls.
 */
export class AwsRetryStrategy {
  constructor(
    private readonly transient: RetryBudget = { maxAttempts: SDK_TRANSIENT_ATTEMPTS, baseDelayMs: 100, maxDelayMs: 20_000 },
    private readonly throttling: ThrottlingBudget = THROTTLING_RETRY_BUDGET,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return retryToken(0, 0, 0);
  }

  /** The next attempt's token (the SDK's middleware sleeps its delay first), or a throw: no more attempts. */
  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const { throttled = 0, transient = 0 } = previous as Partial<CountingToken>;
    const kind = info.errorType === 'THROTTLING' ? 'throttled' : info.errorType === 'TRANSIENT' ? 'transient' : undefined;
    if (kind === undefined) throw new Error('no retry token available: not a retryable error');
    const clock = (previous as Partial<CountingToken>).clock ?? new ThrottleClock(this.throttling.budgetMs ?? throttleBudgetMs(this.env), this.now);
    clock.waited(pacedMsOf(info.error));
    let delay: number;
    if (kind === 'throttled') {
      const failed = throttled + 1;
      const left = clock.throttled();
      if (left <= 0) throw new Error('no retry token available: the throttling time budget is spent');
      if (this.throttling.maxAttempts !== undefined && failed >= this.throttling.maxAttempts) throw new Error('no retry token available: attempts used up');
      delay = Math.min(left, this.withHint(backoffDelay(this.throttling, failed, this.random), info));
      return retryToken(failed, transient, delay, clock);
    }
    const failed = transient + 1;
    if (failed >= this.transient.maxAttempts) throw new Error('no retry token available: attempts used up');
    delay = this.withHint(backoffDelay(this.transient, failed, this.random), info);
    return retryToken(throttled, failed, delay, clock);
  }

  /** A Retry-After the service sent is honoured, up to 5 s beyond our own delay (as the SDK does). */
  private withHint(delay: number, info: RetryErrorInfo): number {
    return info.retryAfterHint instanceof Date ? Math.max(delay, Math.min(info.retryAfterHint.getTime() - this.now(), delay + 5_000)) : delay;
  }

  recordSuccess(_token: RetryToken): void {
    // No retry quota to refill: each step has its own client.
  }
}

export interface AwsRetryOptions {
  /** The budget for throttled calls; default THROTTLING_RETRY_BUDGET (time, no attempt cap). */
  throttling?: ThrottlingBudget;
  /** Attempts for transient faults (5xx, lost connections); default the SDK's 3 or AWS_MAX_ATTEMPTS. */
  transientAttempts?: number;
}

/** AWS_MAX_ATTEMPTS (the SDK's own variable), when it is a whole number ≥ 1. */
function configuredAttempts(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number(env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** The strategy a client is built with: `options`, else AWS_MAX_ATTEMPTS, else the SDK's 3 attempts for transient faults; throttling on the time budget. */
export function awsRetryStrategy(options: AwsRetryOptions = {}, env: NodeJS.ProcessEnv = process.env): AwsRetryStrategy {
  const attempts = configuredAttempts(env);
  return new AwsRetryStrategy(
    { maxAttempts: options.transientAttempts ?? attempts ?? SDK_TRANSIENT_ATTEMPTS, baseDelayMs: 100, maxDelayMs: 20_000 },
    options.throttling ?? THROTTLING_RETRY_BUDGET,
    Math.random,
    Date.now,
    env,
  );
}

/**
 * Whether a CreateKey that failed may still have made its key: anything but an answer from KMS that refused it
 * (the SDK's $fault "client": a 4xx). No answer (a lost reply) or a 5xx may have made one.
 */
export function mayHaveCreated(error: unknown): boolean {
  return (error as { $fault?: string }).$fault !== 'client';
}
