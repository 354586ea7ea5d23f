// Turns what @alicloud/kms20160120 throws into ImportedKeyError, keeping Alibaba's Code in `cloudCode`.
// The SDK throws a ResponseError whose `code` is "<Code>Error", whose `data` is the reply body and
// whose message carries the HTTP status ("code: 404, …"); network failures are plain Node errors.

import { ImportedKeyError, type ErrorCode } from '../../../core/errors';
import { retryVerdictFor, type FailureKind } from '../retry';

export interface AlibabaFailure {
  /** Alibaba's Code, e.g. Forbidden.KeyNotFound; undefined for network failures. */
  code?: string;
  status?: number;
  message: string;
  requestId?: string;
  /** Node's errno code (ECONNREFUSED, …) for failures below HTTP. */
  networkCode?: string;
}

export function describeFailure(error: unknown): AlibabaFailure {
  const e = (error ?? {}) as { code?: unknown; data?: Record<string, unknown>; message?: unknown };
  const data = e.data && typeof e.data === 'object' ? e.data : undefined;
  const text = typeof e.message === 'string' ? e.message : String(error);
  const bodyCode = data && typeof data.Code === 'string' ? data.Code : undefined;
  if (bodyCode !== undefined || (typeof e.code === 'string' && /Error$/.test(e.code) && /code: \d{3}/.test(text))) {
    const code = bodyCode ?? String(e.code).replace(/Error$/, '');
    const status = Number(/code: (\d{3})/.exec(text)?.[1]) || undefined;
    const message = data && typeof data.Message === 'string' ? data.Message : text;
    const requestId = data && typeof data.RequestId === 'string' ? data.RequestId : undefined;
    return { code, status, message, requestId };
  }
  const networkCode = typeof e.code === 'string' ? e.code : undefined;
  return { message: withoutQueries(text), networkCode };
}

/** The SDK's network errors quote the whole request URL: its query holds the import token, the wrapped material, the signature. */
function withoutQueries(text: string): string {
  return text.replace(/(https?:\/\/[^\s?]+)\?\S*/g, '$1?<query omitted>');
}

// Alibaba's answers that nothing was processed: the service (or its gateway) was unavailable.
const UNAVAILABLE_CODES = new Set(['ServiceUnavailableTemporary', 'ServiceUnavailable']);
// Connections that never carried the request: nothing was processed.
const UNAVAILABLE_NETWORK = new Set(['ECONNREFUSED', 'EAI_AGAIN']);
// A connection closed or silent mid-call (Node's keep-alive pool can hand out a socket the server is closing; a
// reply lost on its way): the request may have been processed or not.
const UNCLEAR_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** Alibaba's flow control (Throttling, Throttling.User, Throttling.Api, …, or a bare 429): nothing was done, any call may be sent again. */
export function isThrottled(failure: AlibabaFailure): boolean {
  return Boolean(failure.code?.startsWith('Throttling')) || failure.status === 429;
}

/** What the failure tells about the work (provider/clouds/retry.ts FailureKind). */
export function failureKind(failure: AlibabaFailure): FailureKind {
  if (isThrottled(failure)) return 'throttled';
  if ((failure.code !== undefined && UNAVAILABLE_CODES.has(failure.code)) || failure.status === 503) return 'unavailable';
  if (failure.networkCode !== undefined && UNAVAILABLE_NETWORK.has(failure.networkCode)) return 'unavailable';
  if (failure.status !== undefined && failure.status >= 500) return 'unclear';
  if (failure.code === 'InternalFailure' || failure.code === 'InternalError') return 'unclear';
  if (failure.networkCode !== undefined && UNCLEAR_NETWORK.has(failure.networkCode)) return 'unclear';
  return 'refused';
}

/**
 * Whether another attempt may be sent: always for throttling and refusals before any processing (503, connection
 * refused); for a failure whose outcome is unclear (500, a connection closed mid-call) only when the call is
 * `repeatable` — see the adapter's REPEATABLE_CALLS.
 */
export function isRetryable(failure: AlibabaFailure, repeatable = true): boolean {
  return retryVerdictFor(failureKind(failure), repeatable) !== false;
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

const NOT_FOUND = new Set(['Forbidden.KeyNotFound', 'EntityNotExist.Key', 'Forbidden.AliasNotFound']);
const TOKEN_REJECTED = new Set(['InvalidParameter.ImportToken', 'InvalidParameter.ImportTokenExpired']);
const CREDENTIALS = /^(SignatureDoesNotMatch|InvalidAccessKeyId|IncompleteSignature|InvalidSecurityToken|Forbidden\.RAM|Forbidden\.NoPermission|NoPermission)/;

function errorCodeFor(code: string): ErrorCode {
  if (NOT_FOUND.has(code)) return 'KeyNotFound';
  if (TOKEN_REJECTED.has(code)) return 'ImportTokenRejected';
  // As the AWS adapter: the cloud could not unwrap → ImportFailed; other material than the key's → InvalidKeyMaterial.
  if (code === 'InvalidParameter.EncryptedKeyMaterial') return 'ImportFailed';
  if (code === 'InvalidParameter.KeyMaterialMismatch' || code === 'InvalidParameter.KeyMaterial') return 'InvalidKeyMaterial';
  if (code.startsWith('Rejected.')) return 'InvalidKeyState';
  if (code.startsWith('InvalidParameter') || code.startsWith('MissingParameter')) return 'InvalidArgument';
  return 'CloudError';
}

const HINTS: Array<[RegExp, string]> = [
  [CREDENTIALS, 'check the Alibaba Cloud credentials (ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET) and their RAM permissions'],
  [/^InvalidParameter\.KeyMaterialMismatch$/, 'a key only ever accepts the material first imported into it; create a new key for new material'],
  [/^Rejected\.PendingDeletion$/, 'the key is pending deletion; cancel the deletion (CancelKeyDeletion) or use another key'],
  [/^(IllegalTimestamp|InvalidTimeStamp)/, 'check this machine\'s clock'],
];

/**
 * `operation` names the call, e.g. "ImportKeyMaterial"; `keyId` the key it was about.
 * The SDK's own error is not attached as `cause`: it can hold the last request (token, wrapped material, access key id).
 */
export function toImportedKeyError(operation: string, keyId: string | undefined, error: unknown): ImportedKeyError {
  if (error instanceof ImportedKeyError) return error;
  const failure = describeFailure(error);
  const where = `Alibaba Cloud KMS ${operation}${keyId ? ` on key ${keyId}` : ''}`;
  if (!failure.code) {
    return new ImportedKeyError('CloudError', `${where} failed: ${failure.networkCode ? `${failure.networkCode}: ` : ''}${failure.message}`);
  }
  const hint = HINTS.find(([pattern]) => pattern.test(failure.code as string))?.[1];
  const requestId = failure.requestId ? ` (RequestId ${failure.requestId})` : '';
  return new ImportedKeyError(
    errorCodeFor(failure.code),
    `${where} failed: ${failure.code}: ${failure.message}${requestId}${hint ? ` — ${hint}` : ''}`,
    { cloudCode: failure.code },
  );
}
