// Turns what @alicloud/kms20160120 throws into ImportedKeyError, keeping Alibaba's Code in `cloudCode`.
// The SDK throws a ResponseError whose `code` is "<Code>Error", whose `data` is the reply body and
// whose message carries the HTTP status ("code: 404, …"); network failures are plain Node errors.

import { ImportedKeyError, type ErrorCode } from '../../../core/errors';

export interface AlicloudFailure {
  /** Alibaba's Code, e.g. Forbidden.KeyNotFound; undefined for network failures. */
  code?: string;
  status?: number;
  message: string;
  requestId?: string;
  /** Node's errno code (ECONNREFUSED, …) for failures below HTTP. */
  networkCode?: string;
}

export function describeFailure(error: unknown): AlicloudFailure {
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
