// ISO 8601 durations for `expiresIn` and `renewBefore`: weeks, days, hours, minutes and seconds.
// Years and months are refused: their length varies (28–31 days, 365 or 366), so "P1M" would not say
// how long the material lives, and a rolling period must be the same length at every renewal.

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

export const EXAMPLES = 'e.g. P90D, P2W, PT36H, P1DT12H';

/** Milliseconds in an ISO 8601 duration; throws an Error saying what is allowed (the caller names the field). */
export function parseDuration(text: string): number {
  // Before the "T" an M means months (after it, minutes).
  if (/^P[^T]*\d[YM]/.test(text)) {
    throw new Error(`${JSON.stringify(text.slice(0, 40))} counts years or months, whose length varies; use weeks, days or hours instead (${EXAMPLES})`);
  }
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    throw new Error(`${JSON.stringify(text.slice(0, 40))} is not an ISO 8601 duration of whole weeks, days, hours, minutes or seconds (${EXAMPLES})`);
  }
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  const ms = weeks * WEEK_MS + days * DAY_MS + hours * HOUR_MS + minutes * MINUTE_MS + seconds * SECOND_MS;
  if (!Number.isSafeInteger(ms)) throw new Error(`${JSON.stringify(text.slice(0, 40))} is too long`);
  return ms;
}

/** A short human reading of a duration for messages: "30 days", "1 day 12 hours", "45 minutes". */
export function describeDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / SECOND_MS) * SECOND_MS;
  for (const [unit, size] of [['day', DAY_MS], ['hour', HOUR_MS], ['minute', MINUTE_MS], ['second', SECOND_MS]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.length > 0 ? parts.join(' ') : '0 seconds';
}
