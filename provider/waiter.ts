// Waiting for a change the provider made to show in DescribeKey. KMS is eventually consistent: right after CreateKey a
// DescribeKey may answer NotFound, and right after ImportKeyMaterial (or a deleted material, a scheduled deletion) it
// may still show the old state. So the DescribeKey that confirms a change is asked again, with backoff, until it shows
// the change or a named timeout passes — as terraform-provider-aws's KMS waiters do (waitKeyMaterialImported,
// waitKeyValidToPropagated; its KMS propagationTimeout is 2 minutes). While the cloud is consistent this costs nothing
// more than the one DescribeKey it always took.

import type { KeyDescription, KmsAdapter } from './clouds/adapter';

export interface WaitPolicy {
  /** Stop waiting once this long (ms) has passed since the first describe; the describe at the deadline is the last. */
  timeoutMs: number;
  /** The first pause between two describes (ms); it doubles after each, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** How long a change the provider made may take to show in DescribeKey: 2 minutes, terraform-provider-aws's KMS propagationTimeout. */
export const PROPAGATION_TIMEOUT_MS = 120_000;

/** Describes at 0, 0.25, 0.75, 1.75, 3.75, 7.75 s, … then every 5 s, until PROPAGATION_TIMEOUT_MS. */
export const PROPAGATION_POLICY: Readonly<WaitPolicy> = Object.freeze({ timeoutMs: PROPAGATION_TIMEOUT_MS, initialDelayMs: 250, maxDelayMs: 5_000 });

export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The machine's clock and timers (tests pass a fake one). */
export const REAL_CLOCK: WaitClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface WaitResult {
  /** The last answer (undefined: the key was not found). */
  live: KeyDescription | undefined;
  /** True when `settled` accepted `live`; false when the time ran out first. */
  settled: boolean;
  /** DescribeKey calls made. */
  describes: number;
  /** Time from the first describe to the last answer (ms). */
  waitedMs: number;
}

/**
 * Describes `keyId` until `settled(answer)` is true (the change shows, or the caller has seen enough to stop) or the
 * policy's timeout passes. A failed describe (after the client's own retries) ends the wait with that error.
 */
export async function waitForKey(
  adapter: Pick<KmsAdapter, 'describeKey'>,
  keyId: string,
  settled: (live: KeyDescription | undefined) => boolean,
  policy: WaitPolicy = PROPAGATION_POLICY,
  clock: WaitClock = REAL_CLOCK,
): Promise<WaitResult> {
  const started = clock.now();
  let delay = policy.initialDelayMs;
  for (let describes = 1; ; describes++) {
    const live = await adapter.describeKey(keyId);
    const waitedMs = clock.now() - started;
    if (settled(live)) return { live, settled: true, describes, waitedMs };
    if (waitedMs >= policy.timeoutMs) return { live, settled: false, describes, waitedMs };
    await clock.sleep(Math.min(delay, policy.timeoutMs - waitedMs));
    delay = Math.min(delay * 2, policy.maxDelayMs);
  }
}

/**
 * How long a NotFound for a key the stack recorded is asked again before it is believed: 15 s. Right after a create
 * (`pulumi up --refresh`, a `preview --refresh` just after an `up`) a describe can miss a key that exists; AWS documents
 * that changes take "a few seconds" to be seen everywhere, and 15 s leaves that a margin of several times. Not the 2
 * minutes given to a change this step made: a key that is really gone costs this whole wait in every refresh and
 * preview, and a key deleted for good is rare (deleted keys answer PendingDeletion, believed at once, for 7 to 30 days).
 */
export const NOT_FOUND_TIMEOUT_MS = 15_000;

/** Describes at 0, 0.25, 0.75, 1.75, 3.75, 7.75, 12.75 and 15 s while the key is not found. */
export const NOT_FOUND_POLICY: Readonly<WaitPolicy> = Object.freeze({ timeoutMs: NOT_FOUND_TIMEOUT_MS, initialDelayMs: 250, maxDelayMs: 5_000 });

/**
 * DescribeKey for a key the stack recorded (refresh, diff, update): a NotFound may be a describe that has not seen the
 * key yet, so it is believed only once it persists for NOT_FOUND_TIMEOUT_MS. Any answer that finds the key — pending
 * deletion included — is taken at once; a key that exists costs nothing more than the one describe.
 */
export async function describeRecordedKey(
  adapter: Pick<KmsAdapter, 'describeKey'>, keyId: string, policy: WaitPolicy = NOT_FOUND_POLICY, clock: WaitClock = REAL_CLOCK,
): Promise<KeyDescription | undefined> {
  return (await waitForKey(adapter, keyId, (live) => live !== undefined, policy, clock)).live;
}
