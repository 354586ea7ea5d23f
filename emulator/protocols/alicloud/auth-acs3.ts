// Alibaba's signature V3 (ACS3-HMAC-SHA256), which Alibaba's current documentation and newer SDKs use:
// Action and Version travel in x-acs-action / x-acs-version headers, and the signature covers the
// method, the query string, the signed headers and the SHA-256 of the body.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Credentials, ProtocolRequest } from '../types';
import { alibabaErrors } from './errors';
import { NONCE_MEMORY_MS, percentEncode } from './auth';
import type { NonceCache } from '../nonces';
import { signedWithinWindow } from '../signing-window';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';
const DATE_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** Headers that must be signed when present (Alibaba: every common header but Authorization). */
const MUST_SIGN = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

export interface Acs3Authorization {
  credential: string;
  signedHeaders: string[];
  signature: string;
}

export function isAcs3(request: ProtocolRequest): boolean {
  return String(request.headers.authorization ?? '').startsWith(`${ACS3_ALGORITHM} `);
}

export function parseAuthorization(value: string): Acs3Authorization | undefined {
  const match = /^ACS3-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/.exec(value.trim());
  if (!match) return undefined;
  return { credential: match[1], signedHeaders: match[2].split(';'), signature: match[3] };
}

function header(request: ProtocolRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value.join(',') : value ?? '').trim();
}

/** The canonical request of Alibaba's V3 signature, from the request as received. */
export function canonicalRequest(request: ProtocolRequest, signedHeaders: string[]): string {
  const query = [...request.query.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
  const headers = signedHeaders.map((name) => `${name}:${header(request, name)}\n`).join('');
  return [request.method, request.path || '/', query, headers, signedHeaders.join(';'), header(request, 'x-acs-content-sha256')].join('\n');
}

export function acs3Signature(canonical: string, secret: string): string {
  const stringToSign = `${ACS3_ALGORITHM}\n${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('hex');
}

/** Throws the AlibabaError the gateway would return, or returns when the V3-signed request is authentic. `now`: real time. */
export function authenticateAcs3(request: ProtocolRequest, credentials: Credentials, nonces: NonceCache, now: number): void {
  const auth = parseAuthorization(header(request, 'authorization'));
  if (!auth) throw alibabaErrors.invalidParameter('Authorization', `expected "${ACS3_ALGORITHM} Credential=…,SignedHeaders=…,Signature=<64 hex>"`);
  const date = header(request, 'x-acs-date');
  if (!date) throw alibabaErrors.missingParameter('x-acs-date');
  if (!DATE_FORMAT.test(date) || Number.isNaN(Date.parse(date))) throw alibabaErrors.badTimestamp();
  if (!signedWithinWindow(Date.parse(date), now)) throw alibabaErrors.expiredTimestamp();
  if (auth.credential !== credentials.accessKey) throw alibabaErrors.unknownAccessKey();
  const sorted = [...auth.signedHeaders].sort();
  for (const name of MUST_SIGN) {
    if (request.headers[name] !== undefined && !auth.signedHeaders.includes(name)) {
      throw alibabaErrors.invalidParameter('Authorization', `the header ${name} must be signed`);
    }
  }
  if (sorted.join(';') !== auth.signedHeaders.join(';')) throw alibabaErrors.invalidParameter('Authorization', 'SignedHeaders must be sorted');
  // The body is covered through its hash: it must be the hash of what arrived.
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  if (header(request, 'x-acs-content-sha256') !== bodyHash) throw alibabaErrors.signatureMismatch();
  const expected = Buffer.from(acs3Signature(canonicalRequest(request, auth.signedHeaders), credentials.secretKey), 'utf8');
  const received = Buffer.from(auth.signature, 'utf8');
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) throw alibabaErrors.signatureMismatch();
  const nonce = header(request, 'x-acs-signature-nonce');
  if (!nonce) throw alibabaErrors.missingParameter('x-acs-signature-nonce');
  if (!nonces.use(nonce, now, NONCE_MEMORY_MS)) throw alibabaErrors.nonceUsed();
}
