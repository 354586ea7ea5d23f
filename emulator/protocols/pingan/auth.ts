// Checks Ping An's signature (API 2017-01-01) on the parameters as received: every parameter but `signature`
// percent-encoded, the pairs lowercased, sorted and joined with "&", base64(HMAC-SHA1) with the secret as the key
// (or the secret + "&": dialect point `signatureKey`), compared in constant time; `timestamp` (epoch milliseconds)
// within 15 minutes of the machine's real time; `signatureNonce` used once. The building blocks are the shared signer's
// (core/signers/pingan); the rules where Ping An's pages are silent are the emulator's own, below.

import { timingSafeEqual } from 'node:crypto';
import { computeSignature, SIGNATURE_METHOD, SIGNATURE_VERSION, type PinganSigningRules } from '../../../core/signers/pingan';
import type { NonceCache } from '../nonces';
import { SIGNING_WINDOW_MS, signedWithinWindow } from '../signing-window';
import type { Credentials } from '../types';
import { pinganErrors } from './errors';
import type { Params, PinganDialect } from './wire';

/** The emulator's reading of kms-apis.md: "&" between pairs, the string lowercased, no prefix; the key per dialect. */
export const SIGNING_RULES: Record<PinganDialect['signatureKey'], PinganSigningRules> = {
  secret: { pairSeparator: '&', keySuffix: '', lowercase: true, prefix: '' },
  secretAmpersand: { pairSeparator: '&', keySuffix: '&', lowercase: true, prefix: '' },
};

/** A nonce is refused again for as long as its timestamp could still pass the window (both sides), plus a minute. */
export const NONCE_MEMORY_MS = 2 * SIGNING_WINDOW_MS + 60_000;

/** Epoch milliseconds below this are seconds sent by mistake (1e11 ms is 1973; 1e11 s is the year 5138). */
const SECONDS_LIMIT = 1e11;

/**
 * Throws the PinganError a gateway would answer, or returns when the request is authentic. `now`: the machine's real
 * time (clients sign with real time; tests move the emulator clock only to expire material and tokens).
 */
export function authenticate(params: Params, credentials: Credentials, nonces: NonceCache, now: number, signatureKey: PinganDialect['signatureKey']): void {
  if (!params.signatureMethod) throw pinganErrors.missingParameter('signatureMethod');
  if (params.signatureMethod !== SIGNATURE_METHOD) throw pinganErrors.badSignatureMethod();
  if (!params.signatureVersion) throw pinganErrors.missingParameter('signatureVersion');
  if (params.signatureVersion !== SIGNATURE_VERSION) throw pinganErrors.badSignatureMethod();
  if (!params.accessKeyId) throw pinganErrors.missingParameter('accessKeyId');
  const timestamp = params.timestamp;
  if (!timestamp) throw pinganErrors.missingParameter('timestamp');
  if (!/^\d{1,16}$/.test(timestamp)) throw pinganErrors.badTimestamp('epoch milliseconds as digits, such as 1542160932207');
  if (Number(timestamp) < SECONDS_LIMIT) throw pinganErrors.badTimestamp('epoch milliseconds (this looks like seconds)');
  if (!signedWithinWindow(Number(timestamp), now)) throw pinganErrors.expiredTimestamp();
  if (params.accessKeyId !== credentials.accessKey) throw pinganErrors.unknownAccessKey(params.accessKeyId);
  if (!params.signatureNonce) throw pinganErrors.missingParameter('signatureNonce');
  if (!params.signature) throw pinganErrors.missingParameter('signature');
  const expected = Buffer.from(computeSignature(params, credentials.secretKey, SIGNING_RULES[signatureKey]), 'utf8');
  const received = Buffer.from(params.signature, 'utf8');
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) throw pinganErrors.signatureMismatch();
  // Used only after the signature, so that unsigned requests cannot use up someone's nonce; kept apart from other
  // clouds' nonces.
  if (!nonces.use(`pingan:${params.signatureNonce}`, now, NONCE_MEMORY_MS)) throw pinganErrors.nonceUsed();
}
