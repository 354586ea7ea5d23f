// Reads an Alibaba RPC request (parameters from the query string, a form body, or both; GET or POST)
// and authenticates it as Alibaba's gateway does: HMAC-SHA1 signature over every parameter,
// Timestamp within 15 minutes, SignatureNonce used once.

import type { Credentials, ProtocolRequest } from './types';
import { alibabaErrors } from './alibaba-errors';
import { signatureMatches } from './alibaba-signature';
import { signedWithinWindow } from './signing-window';

export const ALIBABA_KMS_VERSION = '2016-01-20';
// Alibaba's gateway refuses a nonce again for about 31 minutes; by then the Timestamp check refuses the replay anyway.
const NONCE_MEMORY_MS = 31 * 60 * 1000;
const TIMESTAMP_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

export function isFormBody(request: ProtocolRequest): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(String(request.headers['content-type'] ?? '')) && request.body.length > 0;
}

/** Query parameters, then form-body parameters (the first occurrence of a name wins). */
export function readParams(request: ProtocolRequest): Record<string, string> {
  const params: Record<string, string> = {};
  const add = (source: URLSearchParams): void => {
    for (const [name, value] of source) if (!(name in params)) params[name] = value;
  };
  add(request.query);
  if (isFormBody(request)) add(new URLSearchParams(request.body.toString('utf8')));
  return params;
}

/** Remembers used SignatureNonce values for one emulator (keyed by its store), on the real clock. */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  /** False when the nonce was already used. */
  use(nonce: string, now: number): boolean {
    if (this.seen.size > 1000) for (const [n, until] of this.seen) if (until <= now) this.seen.delete(n);
    const until = this.seen.get(nonce);
    if (until !== undefined && until > now) return false;
    this.seen.set(nonce, now + NONCE_MEMORY_MS);
    return true;
  }
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
  if (!nonces.use(params.SignatureNonce, now)) throw alibabaErrors.nonceUsed();
}

/** The region a request addresses: RegionId when sent, else the public host name, else the emulator default. */
export function regionOf(params: Record<string, string>, host: string | undefined, fallback: string): string {
  if (params.RegionId) return params.RegionId;
  const match = /^kms(?:-vpc)?\.([a-z0-9-]+)\.aliyuncs\.com(?::\d+)?$/i.exec(host ?? '');
  return match ? match[1].toLowerCase() : fallback;
}

export function requireParam(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw alibabaErrors.missingParameter(name);
  return value;
}

export function optionalInteger(params: Record<string, string>, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) throw alibabaErrors.invalidParameter(name, 'it must be an integer');
  return Number(value);
}
