// What "N requests per second" means, once, for the emulator's rate limits (emulator/rate-window.ts) and the provider's
// pacer (provider/clouds/pacer.ts), so that both count a quota alike.
//
// A rate r (requests per second, fractional allowed) lets through at most n = ceil(r) requests in any sliding window of
// n / r seconds:
// - r a whole number (5): at most 5 requests in any 1 s;
// - r below 1 (0.25): at most 1 request in any 4 s — AWS's "0.25 (1 in each 4-second interval)" for GetParametersForImport;
// - r above 1 and fractional (2.5): at most 3 requests in any 1.2 s.
// Over a long run every rate averages r exactly; the burst is ceil(r).

export const MIN_PER_SECOND = 0.001;
export const MAX_PER_SECOND = 1_000_000;

export interface RateShape {
  /** At most this many requests in any window. */
  burst: number;
  /** The window's length in milliseconds. */
  windowMs: number;
}

/** The burst and window of rate `perSecond`; a RangeError outside MIN_PER_SECOND…MAX_PER_SECOND. */
export function rateShape(perSecond: number): RateShape {
  if (!(perSecond >= MIN_PER_SECOND && perSecond <= MAX_PER_SECOND)) throw new RangeError(`a rate must be from ${MIN_PER_SECOND} to ${MAX_PER_SECOND} per second`);
  const burst = Math.ceil(perSecond);
  return { burst, windowMs: (1000 * burst) / perSecond };
}

/**
 * The least time `requests` requests take under rate `perSecond` from the first to the last, spaced evenly as the
 * provider's pacer spaces them: (requests − 1) / rate — for AWS's 0.25 GetParametersForImport per second, 4 s a key
 * after the first. (A client that used each window's whole burst at once could save one window over the run.)
 */
export function minimumSpanMs(requests: number, perSecond: number): number {
  if (requests <= 0) return 0;
  rateShape(perSecond);
  return ((requests - 1) * 1000) / perSecond;
}
