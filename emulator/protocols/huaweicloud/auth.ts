// Checks Huawei's SDK-HMAC-SHA256 signature on a received request: recomputed from what arrived (method, path,
// query, the headers named in SignedHeaders, the body) with the configured secret, compared in constant time.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  canonicalRequest,
  computeSignature,
  DATE_HEADER,
  parseAuthorization,
  parseSdkDate,
  stringToSign,
} from '../../../core/signers/huaweicloud';
import type { Credentials, ProtocolRequest } from '../types';
import { signedWithinWindow } from '../signing-window';

/** Undefined when the signature is good; otherwise why not, for the APIGW.0301 message (no secrets in it). */
export function signatureProblem(request: ProtocolRequest, credentials: Credentials, nowMs: number = Date.now()): string | undefined {
  const auth = parseAuthorization(header(request.headers, 'authorization'));
  if (!auth) return 'the Authorization header is missing or is not SDK-HMAC-SHA256';
  if (auth.accessKey !== credentials.accessKey) return `access key ${auth.accessKey} does not exist`;
  const sdkDate = header(request.headers, DATE_HEADER);
  const date = sdkDate === undefined ? undefined : parseSdkDate(sdkDate);
  if (sdkDate === undefined || date === undefined) return 'X-Sdk-Date is missing or not of the form YYYYMMDDTHHMMSSZ';
  if (!auth.signedHeaders.includes(DATE_HEADER) || !auth.signedHeaders.includes('host')) {
    return 'SignedHeaders must include host and x-sdk-date';
  }
  // Huawei's API gateway refuses an X-Sdk-Date more than 15 minutes off (checked on real time).
  if (!signedWithinWindow(date.getTime(), nowMs)) return 'X-Sdk-Date is more than 15 minutes from the server time';
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) return `signed header ${name} is not in the request`;
    headers[name] = value;
  }
  const query: Record<string, string[]> = {};
  for (const [name, value] of request.query) (query[name] ??= []).push(value);
  const canonical = canonicalRequest(
    { method: request.method, path: request.rawUrl.split('?')[0], query, headers, body: request.body },
    auth.signedHeaders,
  );
  const expected = Buffer.from(computeSignature(credentials.secretKey, stringToSign(sdkDate, canonical)), 'hex');
  const given = Buffer.from(auth.signature, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'verify aksk signature fail';
  return undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
