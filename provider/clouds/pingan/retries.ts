// What the Ping An client may send again, and what a failure tells about the work (../retry.ts FailureKind): the
// verdict client.ts's every call retries by, and whether a failed CreateCmk may have made a key.
import { ImportedKeyError } from '../../../core/errors';
import { retryVerdictFor, type FailureKind, type RetryVerdict } from '../retry';
import { ERROR_CODE_PATTERNS, type Envelope } from './assumptions';

/**
 * Actions that may be sent again when their outcome is unclear (5xx, a connection closed mid-call, no reply in time),
 * because repeating them cannot do harm. Throttling and refusals before any processing are retried for every action,
 * writes included (retryVerdictFor).
 * - DescribeKey: a read.
 * - GetParametersForImport: a fresh token is harmless (an unused one just expires).
 * - EnableKey / DisableKey: the same state again.
 * - ScheduleKeyDeletion: a key already pending deletion is done (the adapter's scheduleDeletion describes it).
 * - DeleteKeyMaterial: a key already pending import is done (the adapter's deleteMaterial describes it).
 * - CancelKeyDeletion: a key no longer pending deletion is what was asked.
 * Never CreateCmk: Ping An has no list operation, so a second key could never be found again (nor the first: the
 * adapter says so). Nor ImportKeyMaterial: the lifecycle confirms a lost import with DescribeKey
 * (provider/import-material.ts) rather than spend another token blind.
 */
export const REPEATABLE: ReadonlySet<string> = new Set([
  'DescribeKey', 'GetParametersForImport', 'EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'DeleteKeyMaterial', 'CancelKeyDeletion',
]);

/** Flow control (HTTP 429, or a code that says throttling): nothing was done. */
export function isThrottled(status: number, envelope: Envelope): boolean {
  return status === 429 || (envelope.code !== undefined && ERROR_CODE_PATTERNS.throttled.test(envelope.code));
}

/**
 * What a failed reply tells, whatever its HTTP status (Ping An may answer a failure with 200): throttled; refused
 * before any processing (503 or a "service unavailable" code); unclear (another 5xx, an internal-error code, or a 2xx
 * that is not the documented envelope); or a refusal.
 */
export function replyFailureKind(status: number, envelope: Envelope): FailureKind {
  if (isThrottled(status, envelope)) return 'throttled';
  const code = envelope.code;
  if (status === 503 || (code !== undefined && ERROR_CODE_PATTERNS.unavailable.test(code))) return 'unavailable';
  if (status >= 500 || (code !== undefined && ERROR_CODE_PATTERNS.internal.test(code))) return 'unclear';
  if (code === undefined && status >= 200 && status < 300) return 'unclear';
  return 'refused';
}

/** A request that failed below HTTP: refused connections never carried it; anything else (reset, timeout) may have. */
export function networkFailureKind(cause: unknown): FailureKind {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'EAI_AGAIN' ? 'unavailable' : 'unclear';
}

/** The verdict on a failed attempt at `action` that failed as `kind` (../retry.ts retryVerdictFor). */
export function retryVerdict(action: string, kind: FailureKind): RetryVerdict {
  return retryVerdictFor(kind, REPEATABLE.has(action));
}

/**
 * Whether a CreateCmk that failed may still have made its key: no answer (a lost reply, a reset, a timeout), or an
 * answer that is a server fault (5xx, an internal-error code). Not a refusal with a meaning, nor throttling, nor a
 * connection that never opened.
 */
export function mayHaveCreated(error: unknown): boolean {
  if (!(error instanceof ImportedKeyError)) return true;
  return unclearFailures.has(error);
}

/** Errors whose outcome was unclear (marked by the client as it makes them). */
const unclearFailures = new WeakSet<object>();

export function markUnclear(error: ImportedKeyError, kind: FailureKind): ImportedKeyError {
  if (kind === 'unclear') unclearFailures.add(error);
  return error;
}
