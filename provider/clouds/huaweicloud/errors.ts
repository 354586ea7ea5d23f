// Huawei's error body → our ImportedKeyError, keeping Huawei's KMS.xxxx code in `cloudCode` for callers to match on.
import { ImportedKeyError, type ErrorCode } from '../../../core/errors';

/** What each documented KMS code means to us; codes not listed are a plain CloudError. */
const CODE_MEANING: Record<string, ErrorCode> = {
  'KMS.0202': 'InvalidArgument', // invalid JSON
  'KMS.0204': 'InvalidArgument', // parameters missing
  'KMS.0205': 'InvalidArgument', // invalid key id
  'KMS.1101': 'InvalidArgument', // invalid key_alias
  'KMS.2602': 'InvalidArgument', // expiry must be later than now
  'KMS.0207': 'KeyNotFound',
  'KMS.0209': 'InvalidKeyState', // disabled
  'KMS.0210': 'InvalidKeyState', // pending deletion
  'KMS.0309': 'InvalidKeyState', // not an external key
  'KMS.0310': 'InvalidKeyState', // not pending import
  'KMS.2701': 'InvalidKeyState', // material cannot be deleted in this state
  'KMS.2702': 'InvalidKeyState', // asymmetric material cannot be deleted
  'KMS.2601': 'ImportTokenRejected', // token expired
  'KMS.2603': 'ImportTokenRejected', // token of another key
  'KMS.2605': 'ImportTokenRejected', // token verification failed
  'KMS.2606': 'ImportFailed', // different material than the key holds
  'KMS.2604': 'InvalidKeyMaterial', // material must be 32 bytes
};

export interface HuaweicloudErrorBody {
  errorCode?: string;
  errorMsg?: string;
}

/** Reads `{"error": {"error_code", "error_msg"}}` and the API gateway's flat `{"error_code", "error_msg"}`. */
export function parseErrorBody(text: string): HuaweicloudErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object') return {};
  const outer = parsed as Record<string, unknown>;
  const inner = (outer.error && typeof outer.error === 'object' ? outer.error : outer) as Record<string, unknown>;
  return {
    errorCode: typeof inner.error_code === 'string' ? inner.error_code : undefined,
    errorMsg: typeof inner.error_msg === 'string' ? inner.error_msg : undefined,
  };
}

/** The error for a non-2xx reply to `operation`; the message carries Huawei's words, never our request body. */
export function toImportedKeyError(operation: string, status: number, body: HuaweicloudErrorBody): ImportedKeyError {
  const code: ErrorCode = (body.errorCode && CODE_MEANING[body.errorCode]) || (status === 404 ? 'KeyNotFound' : 'CloudError');
  const what = body.errorCode ? `${body.errorCode} ${body.errorMsg ?? ''}`.trim() : `HTTP ${status}`;
  return new ImportedKeyError(code, `huaweicloud ${operation} failed: ${what}`, { cloudCode: body.errorCode });
}
