// Ping An's failure replies → our ImportedKeyError, keeping Ping An's code in `cloudCode`. No error code list is
// public, so a code's meaning is read from its words (assumptions.ts ERROR_CODE_PATTERNS), and the message is Ping
// An's own, with anything secret we sent cut out of it (a server may echo a parameter back).
import { ImportedKeyError, type ErrorCode } from '../../../core/errors';
import { ERROR_CODE_PATTERNS as P, TIMESTAMP_WINDOW_MS, type Envelope } from './assumptions';
import { ENV } from './settings';

/** What `code` (and the HTTP status) means to us; unknown codes are a plain CloudError. */
export function errorCodeFor(code: string | undefined, status: number): ErrorCode {
  if (code !== undefined) {
    if (P.notFound.test(code)) return 'KeyNotFound';
    // Before the rest: "SignatureDoesNotMatch" is no material mismatch, "IllegalTimestamp" no invalid argument.
    if (P.credentials.test(code) || P.clock.test(code) || P.throttled.test(code) || P.internal.test(code) || P.unavailable.test(code)) return 'CloudError';
    if (P.tokenRejected.test(code)) return 'ImportTokenRejected';
    if (P.materialMismatch.test(code)) return 'InvalidKeyMaterial';
    if (P.unwrapFailed.test(code)) return 'ImportFailed';
    if (P.parameter.test(code)) return 'InvalidArgument';
    if (P.keyState.test(code)) return 'InvalidKeyState';
    if (P.invalid.test(code)) return 'InvalidArgument';
  }
  return status === 404 ? 'KeyNotFound' : 'CloudError';
}

function hintFor(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  if (P.clock.test(code)) {
    return `check this machine's clock: Ping An refuses a request whose timestamp is more than ${TIMESTAMP_WINDOW_MS / 60_000} minutes off (assumed), or a nonce used before`;
  }
  if (P.credentials.test(code)) return `check the Ping An credentials (${ENV.accessKeyId[0]} / ${ENV.accessKeySecret[0]}) and their permissions`;
  if (P.materialMismatch.test(code)) return 'a key only ever accepts the material first imported into it; create a new key for new material';
  return undefined;
}

/** Cuts every value in `secrets` (import token, wrapped material, signature, …) out of `text`. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  // Short values could match innocent text; every secret we send is long (hex of ≥ 16 bytes, a 28-char signature).
  const cut = secrets.filter((s) => s.length >= 8).sort((a, b) => b.length - a.length);
  return (text) => cut.reduce((out, secret) => out.split(secret).join('<redacted>'), text);
}

/**
 * The error for a failed reply to `action`: Ping An's code and message (redacted), its requestId, and a hint where
 * the code says what to do. `status` alone when the body had no envelope.
 */
export function toImportedKeyError(action: string, status: number, envelope: Envelope, redact: (text: string) => string = (t) => t): ImportedKeyError {
  const code = envelope.code;
  const what = code !== undefined ? `${code}${envelope.message ? `: ${envelope.message}` : ''}` : `HTTP ${status}${envelope.message ? `: ${envelope.message}` : ''}`;
  const requestId = envelope.requestId ? ` (requestId ${envelope.requestId})` : '';
  const hint = hintFor(code);
  return new ImportedKeyError(errorCodeFor(code, status), redact(`pingan ${action} failed: ${what}${requestId}${hint ? ` — ${hint}` : ''}`), {
    ...(code !== undefined ? { cloudCode: code } : {}),
  });
}
