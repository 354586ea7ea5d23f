// Every cloud's gateway refuses a request signed more than 15 minutes from its own time; one rule for all protocols.

export const SIGNING_WINDOW_MS = 15 * 60 * 1000;

/** True when a request signed at `signedAtMs` is on time for a server whose clock reads `nowMs`. */
export function signedWithinWindow(signedAtMs: number, nowMs: number): boolean {
  return Math.abs(nowMs - signedAtMs) <= SIGNING_WINDOW_MS;
}
