// The emulator's rate limit, for the fault switch `maxPerSecond` and the quota presets (quotas.ts). What a rate means
// is core/quota-rate.ts's (the provider's pacer counts alike):
//
// A rate r (requests per second, fractional allowed) lets through at most n = ceil(r) requests in any sliding window of
// n / r seconds, and throttles the rest:
// - r a whole number (5): at most 5 requests in any 1 s — what `maxPerSecond` has always meant;
// - r below 1 (0.25): at most 1 request in any 4 s, i.e. a request passes only when the last one let through is at
//   least 4 s old — AWS's "0.25 (1 in each 4-second interval)" for GetParametersForImport;
// - r above 1 and fractional (2.5): at most 3 requests in any 1.2 s.
// Over a long run every rate averages r exactly; the burst is ceil(r). Throttled requests do not count (a cloud that
// refuses a request has not served it), so a client that keeps retrying gets through as soon as the window allows.

import { rateShape } from '../core/quota-rate';

export { MAX_PER_SECOND, MIN_PER_SECOND } from '../core/quota-rate';

export class RateWindow {
  /** At most this many requests in any window. */
  readonly burst: number;
  /** The window's length in milliseconds. */
  readonly windowMs: number;
  /** When the requests still inside the window were let through (ms, oldest first). */
  private admitted: number[] = [];

  constructor(readonly perSecond: number) {
    ({ burst: this.burst, windowMs: this.windowMs } = rateShape(perSecond));
  }

  /** True (and the request is counted) when a request at `now` (ms) fits the window; false when it is throttled. */
  admit(now: number): boolean {
    let expired = 0;
    while (expired < this.admitted.length && now - this.admitted[expired] >= this.windowMs) expired += 1;
    if (expired > 0) this.admitted = this.admitted.slice(expired);
    if (this.admitted.length >= this.burst) return false;
    this.admitted.push(now);
    return true;
  }
}
