// What the Alibaba Cloud client may send again, and what a failure tells about the work (../retry.ts FailureKind):
// the rule every call of the adapter goes through (retryVerdict), and whether a failed CreateKey may have made a key.

import { ImportedKeyError } from '../../../core/errors';
import { retryVerdictFor, type FailureKind, type RetryVerdict } from '../retry';
import { describeFailure, type AlicloudFailure } from './errors';

/**
 * Calls that may be sent again when their outcome is unclear (500, a connection closed mid-call), because repeating
 * them cannot do harm. Throttling and refusals before any processing (503, connection refused) are retried for every
 * call, writes included (../retry.ts retryVerdictFor).
 * - DescribeKey: a read.
 * - GetParametersForImport: a fresh token is harmless (an unused one just expires).
 * - EnableKey / DisableKey: the same state again is accepted.
 * - ScheduleKeyDeletion: "already pending deletion" is done (scheduleDeletion).
 * - DeleteKeyMaterial: "already pending import" is done (deleteMaterial).
 * - CreateAlias / UpdateAlias / TagResource: an alias already on this key is done (finishKey); the same tags again are the same tags.
 * - UpdateKeyDescription: the same description again; DeleteAlias: an alias already gone is done (creationDone).
 * - ListKeys / ListAliases: reads.
 * Never CreateKey: a second key nobody would know of (a key made by a CreateKey whose reply was lost is found by its
 * creation token, not by sending it again).
 */
const REPEATABLE_CALLS = new Set([
  'DescribeKey', 'GetParametersForImport', 'EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'DeleteKeyMaterial', 'CreateAlias', 'TagResource',
  'UpdateAlias', 'UpdateKeyDescription', 'DeleteAlias', 'ListKeys', 'ListAliases',
]);

/**
 * Whether `operation` may be sent again after `failure`, whose outcome is unclear. ImportKeyMaterial: after a 500 the
 * server answered, and Alibaba imports in place, so the same material again is harmless (as before); after a lost
 * connection it is not resent: the lifecycle asks DescribeKey whether it was done (provider/import-material.ts), which
 * is one read instead of an import whose token the lost attempt may have spent.
 */
function repeatableAfter(operation: string, failure: AlicloudFailure): boolean {
  if (operation === 'ImportKeyMaterial') return failure.networkCode === undefined;
  return REPEATABLE_CALLS.has(operation);
}

// Alibaba's answers that nothing was processed: the service (or its gateway) was unavailable.
const UNAVAILABLE_CODES = new Set(['ServiceUnavailableTemporary', 'ServiceUnavailable']);
// Connections that never carried the request: nothing was processed.
const UNAVAILABLE_NETWORK = new Set(['ECONNREFUSED', 'EAI_AGAIN']);
// A connection closed or silent mid-call (Node's keep-alive pool can hand out a socket the server is closing; a
// reply lost on its way): the request may have been processed or not.
const UNCLEAR_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** Alibaba's flow control (Throttling, Throttling.User, Throttling.Api, …, or a bare 429): nothing was done, any call may be sent again. */
export function isThrottled(failure: AlicloudFailure): boolean {
  return Boolean(failure.code?.startsWith('Throttling')) || failure.status === 429;
}

/** What the failure tells about the work (provider/clouds/retry.ts FailureKind). */
export function failureKind(failure: AlicloudFailure): FailureKind {
  if (isThrottled(failure)) return 'throttled';
  if ((failure.code !== undefined && UNAVAILABLE_CODES.has(failure.code)) || failure.status === 503) return 'unavailable';
  if (failure.networkCode !== undefined && UNAVAILABLE_NETWORK.has(failure.networkCode)) return 'unavailable';
  if (failure.status !== undefined && failure.status >= 500) return 'unclear';
  if (failure.code === 'InternalFailure' || failure.code === 'InternalError') return 'unclear';
  if (failure.networkCode !== undefined && UNCLEAR_NETWORK.has(failure.networkCode)) return 'unclear';
  return 'refused';
}

/**
 * Whether a CreateKey that failed may still have made its key (after `call` gave up): no answer at all (a lost reply,
 * a reset, a timeout) or a server fault (500). Not an answer that refused it, nor a connection that never opened.
 */
export function mayHaveCreated(error: unknown): boolean {
  if (!(error instanceof ImportedKeyError)) return true;
  if (error.cloudCode !== undefined) return /^Internal/.test(error.cloudCode);
  return !/\b(ECONNREFUSED|EAI_AGAIN)\b/.test(error.message) && error.code === 'CloudError';
}

/** The verdict on a failed attempt at `operation` (../retry.ts retryVerdictFor): what the adapter's every call retries by. */
export function retryVerdict(operation: string, error: unknown): RetryVerdict {
  const failure = describeFailure(error);
  return retryVerdictFor(failureKind(failure), repeatableAfter(operation, failure));
}
