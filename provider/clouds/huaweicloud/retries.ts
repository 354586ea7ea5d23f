// What the Huawei client may send again, and what a failure tells about the work (../retry.ts FailureKind): the verdict
// client.ts's every call retries by, and whether a failed create-key may have made a key.

import { ImportedKeyError } from '../../../core/errors';
import { retryVerdictFor, type FailureKind, type RetryVerdict } from '../retry';
import type { HuaweicloudErrorBody } from './errors';

/**
 * Operations that may be sent again when their outcome is unclear (500, a connection closed mid-call, no reply in
 * time), because repeating them cannot do harm. Throttling and 503 (refused before any processing) are retried for
 * every operation, writes included (retryVerdictFor).
 * - describe-key, list-keys: reads.
 * - get-parameters-for-import: a fresh token is harmless (an unused one just expires).
 * - enable-key / disable-key: the same state again is accepted.
 * - schedule-key-deletion: "already pending deletion" (KMS.0210) is done (the adapter's scheduleDeletion).
 * - delete-imported-key-material: "already pending import" (KMS.2701) is done (the adapter's deleteMaterial).
 * - update-key-description: the same description again (creationDone).
 * Not create-key (a second key nobody would know of), nor import-key-material (into a key no longer pending import it
 * is refused, KMS.0310, which would hide a lost reply's success: the lifecycle asks describe-key instead, and after a
 * delete imports again with fresh parameters: provider/import-material.ts).
 */
const REPEATABLE: ReadonlySet<string> = new Set([
  'describe-key', 'list-keys', 'get-parameters-for-import', 'enable-key', 'disable-key', 'schedule-key-deletion', 'delete-imported-key-material',
  'update-key-description',
]);

/** Throttled by the API gateway (APIGW.0308) or KMS itself: safe to retry any operation, nothing was done. */
export function isThrottled(status: number, body: HuaweicloudErrorBody): boolean {
  return status === 429 || body.errorCode === 'APIGW.0308';
}

/** What a non-2xx reply tells: throttled, refused before any processing (503), unclear (other 5xx), or a refusal. */
export function replyFailureKind(status: number, body: HuaweicloudErrorBody): FailureKind {
  return isThrottled(status, body) ? 'throttled' : status === 503 ? 'unavailable' : status >= 500 ? 'unclear' : 'refused';
}

/** A request that failed below HTTP: refused connections never carried it; anything else (reset, timeout) may have. */
export function networkFailureKind(cause: unknown): FailureKind {
  const code = (cause as { code?: unknown }).code;
  return code === 'ECONNREFUSED' || code === 'EAI_AGAIN' ? 'unavailable' : 'unclear';
}

/** The verdict on a failed attempt at `operation` that failed as `kind` (../retry.ts retryVerdictFor). */
export function retryVerdict(operation: string, kind: FailureKind): RetryVerdict {
  return retryVerdictFor(kind, REPEATABLE.has(operation));
}

/**
 * Whether a create-key that failed may still have made its key: no answer (a lost reply, a reset, a timeout), or an
 * answer that is no refusal of KMS's (a 5xx). Not a connection that never opened, nor the API gateway's refusal
 * (throttling, authentication: APIGW.*), nor a refusal with a meaning (an invalid argument, …).
 */
export function mayHaveCreated(error: unknown): boolean {
  if (!(error instanceof ImportedKeyError)) return true;
  if (error.code !== 'CloudError') return false;
  if (error.cloudCode !== undefined) return !error.cloudCode.startsWith('APIGW.');
  return !/\b(ECONNREFUSED|EAI_AGAIN)\b/.test(error.message);
}
