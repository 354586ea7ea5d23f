// Alibaba RPC signature, version 1.0 (HMAC-SHA1), as the POP gateway computes it: the emulator
// recomputes it from the received parameters and compares in constant time; Timestamp within 15
// minutes, SignatureNonce used once. Signature V3 (ACS3) is in auth-acs3.ts.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Credentials } from '../types';
import type { NonceCache } from '../nonces';
import { alibabaErrors } from './errors';
import { signedWithinWindow } from '../signing-window';

// Alibaba's gateway refuses a nonce again for about 31 minutes; by then the Timestamp check refuses the replay anyway.
export const NONCE_MEMORY_MS = 31 * 60 * 1000;
const TIMESTAMP_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/** RFC 3986 percent-encoding as Alibaba specifies it: encodeURIComponent plus ! ' ( ) *. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** METHOD&%2F&encode(sorted k=v pairs), every parameter but Signature. */
export function stringToSign(method: string, params: Record<string, string>): string {
  const canonical = Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name])}`)
    .join('&');
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
}

/** base64(HMAC-SHA1(secret + "&", stringToSign)). */
export function computeSignature(method: string, params: Record<string, string>, secret: string): string {
  return createHmac('sha1', `${secret}&`).update(stringToSign(method, params), 'utf8').digest('base64');
}

/** Constant-time comparison of the received Signature with the one computed from the parameters. */
export function signatureMatches(method: string, params: Record<string, string>, secret: string): boolean {
  const received = Buffer.from(params.Signature ?? '', 'utf8');
  const expected = Buffer.from(computeSignature(method, params, secret), 'utf8');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/**
 * Throws the AlibabaError the gateway would return, or returns when the request is authentic.
 * `now` is the machine's real time, not the emulator clock: clients sign with real time, and tests
 * move the emulator clock only to expire material and tokens.
 */
export function authenticate(method: string, params: Record<string, string>, credentials: Credentials, nonces: NonceCache, now: number): void {
  if (params.SignatureMethod === undefined) throw alibabaErrors.missingParameter('SignatureMethod');
  if (params.SignatureMethod !== 'HMAC-SHA1' || (params.SignatureVersion ?? '1.0') !== '1.0') throw alibabaErrors.badSignatureMethod();
  if (!params.AccessKeyId) throw alibabaErrors.missingParameter('AccessKeyId');
  const timestamp = params.Timestamp;
  if (!timestamp) throw alibabaErrors.missingTimestamp();
  if (!TIMESTAMP_FORMAT.test(timestamp) || Number.isNaN(Date.parse(timestamp))) throw alibabaErrors.badTimestamp();
  if (!signedWithinWindow(Date.parse(timestamp), now)) throw alibabaErrors.expiredTimestamp();
  if (params.AccessKeyId !== credentials.accessKey) throw alibabaErrors.unknownAccessKey();
  if (!params.Signature) throw alibabaErrors.missingParameter('Signature');
  if (!signatureMatches(method, params, credentials.secretKey)) throw alibabaErrors.signatureMismatch();
  // Checked after the signature, so that unsigned requests cannot use up someone's nonce.
  if (!params.SignatureNonce) throw alibabaErrors.missingParameter('SignatureNonce');
  if (!nonces.use(params.SignatureNonce, now, NONCE_MEMORY_MS)) throw alibabaErrors.nonceUsed();
}
