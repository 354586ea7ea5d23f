// Paces calls to each cloud's request quotas inside the provider host. Every step of one `pulumi up` runs at the same
// time in ONE dynamic-provider host process, against one account quota per region: without pacing, eight steps at
// once (the CLI's default --parallel on two CPUs) meet AWS's 0.25 GetParametersForImport per second and most are
// throttled. So each attempt of every call (retries too, reads too) first takes a turn from the pacer of its cloud,
// region and quota — one per process, shared by every step (a module-level registry) — and goes out only when the
// quota has room, as the cloud counts it (core/quota-rate.ts: ceil(r) requests in any ceil(r)/r s window): turns are
// spaced evenly 1/r apart, stretched by a small margin against jitter.
//
// Which quota, at what rate: quota-settings.ts (the published figures, IMPORTED_KEY_QUOTAS, IMPORTED_KEY_QUOTA_SCALE).
// A turn is reserved at once, in call order (first come, first served), so a waiting step is never overtaken; the
// wait is one timer that ends with the turn: nothing is left scheduled once the work ends.

import { rateShape } from '../../core/quota-rate';
import { quotaFor, quotaSettings, type PacedQuota } from './quota-settings';

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: PacerClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Each window is stretched by this much beyond the quota's, against jitter (a request the pacer released on time that
 * reaches the cloud a little late beside the next one arriving early): 2 % of the window, at least 25 ms. Small, as it
 * is what a bulk run loses against the quota-bound minimum (the goal is at most 10 %).
 */
export function safetyMarginMs(windowMs: number): number {
  return Math.max(0.02 * windowMs, 25);
}

/** The most the margin grows to after throttled replies: 10 % of the window (or the initial margin, if larger). */
const MAX_MARGIN_SHARE = 0.1;

export class Pacer {
  readonly burst: number;
  /** The quota's own window (ms). */
  readonly quotaWindowMs: number;
  /** The safety margin in force (ms): grows a little with each throttled reply (throttled()). */
  private marginMs: number;
  private readonly maxMarginMs: number;
  /** The start time given to the latest attempt (ms); turns never go back. */
  private lastTurn = -Infinity;

  constructor(readonly perSecond: number, private readonly clock: PacerClock = REAL_CLOCK, margin: (windowMs: number) => number = safetyMarginMs) {
    const shape = rateShape(perSecond);
    this.burst = shape.burst;
    this.quotaWindowMs = shape.windowMs;
    this.marginMs = margin(shape.windowMs);
    this.maxMarginMs = Math.max(this.marginMs, MAX_MARGIN_SHARE * shape.windowMs);
  }

  /** The window turns are spaced by: the quota's, stretched by the margin (ms). */
  get windowMs(): number {
    return this.quotaWindowMs + this.marginMs;
  }

  /**
   * The cloud throttled an attempt this pacer let go: the jitter between here and the cloud is larger than the margin
   * (a busy machine, a far region), so the margin grows by 1 % of the window (at least 10 ms), up to 10 %. Each
   * throttled reply costs a whole turn of the quota, more than the margin it saves.
   */
  throttled(): void {
    this.marginMs = Math.min(this.maxMarginMs, this.marginMs + Math.max(0.01 * this.quotaWindowMs, 10));
  }

  /**
   * Reserves the next turn: the earliest time from `now` at least 1/r (stretched by the margin) after the turn before.
   * Evenly spaced turns keep every window of the cloud's (any ceil(r) + 1 of them span a whole window) without the
   * bursts a window would allow: requests released together queue behind each other on their way out and reach the
   * cloud spread over tens of milliseconds on a busy machine, and against the previous burst's spread some would be
   * refused. What this gives up is the first burst: (N − 1) / r for N requests instead of one window less.
   */
  reserve(now: number = this.clock.now()): number {
    const at = Math.max(now, this.lastTurn + this.windowMs / this.burst);
    this.lastTurn = at;
    return at;
  }

  /** Waits for this attempt's turn; resolves with how long it waited (ms). */
  async acquire(): Promise<number> {
    const now = this.clock.now();
    const wait = this.reserve(now) - now;
    if (wait > 0) await this.clock.sleep(wait);
    return wait;
  }
}

/** The pacers of this process by cloud, place (region, else endpoint) and quota; replaced when the rate in force changes. */
const pacers = new Map<string, Pacer>();

/** The pacer an attempt at `operation` on `cloud` in `place` waits on; undefined when no quota limits it. */
export function pacerFor(cloud: string, place: string, operation: string, env: NodeJS.ProcessEnv = process.env): Pacer | undefined {
  const quota: PacedQuota | undefined = quotaFor(cloud, operation, quotaSettings(env));
  if (!quota) return undefined;
  const key = `${cloud}|${place}|${quota.id}`;
  let pacer = pacers.get(key);
  if (!pacer || pacer.perSecond !== quota.perSecond) pacers.set(key, (pacer = new Pacer(quota.perSecond)));
  return pacer;
}

/**
 * Waits for an attempt's turn under its quota; resolves with the time waited (ms), which the throttling budget does
 * not count (retry.ts). Throws (InvalidArgument) when IMPORTED_KEY_QUOTAS or IMPORTED_KEY_QUOTA_SCALE is bad.
 */
export async function pace(cloud: string, place: string, operation: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const pacer = pacerFor(cloud, place, operation, env);
  return pacer ? pacer.acquire() : 0;
}

/** An attempt at `operation` was throttled: its pacer widens its margin (Pacer.throttled). */
export function paceThrottled(cloud: string, place: string, operation: string, env: NodeJS.ProcessEnv = process.env): void {
  pacerFor(cloud, place, operation, env)?.throttled();
}

/** withRetries' hooks for `operation` on `cloud` in `place`: every attempt paced, every throttled reply told. */
export function pacingOf(cloud: string, place: string, operation: string): { pace: () => Promise<number>; throttled: () => void } {
  return { pace: () => pace(cloud, place, operation), throttled: () => paceThrottled(cloud, place, operation) };
}

/** Forgets every pacer (tests that need a fresh quota). */
export function resetPacers(): void {
  pacers.clear();
}
