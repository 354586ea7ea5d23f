// Huawei Cloud's SDK-HMAC-SHA256 request signing (the APIG "AK/SK" scheme), written here rather than taken from
// @huaweicloud/huaweicloud-sdk-core: that package drags in log4js, moment, lodash and needs uuid beside it, to
// sign with ~60 lines of node:crypto. The same building blocks verify signatures in the emulator.
import { createHash, createHmac } from 'node:crypto';

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
export const DATE_HEADER = 'x-sdk-date';
/** A client may sign a literal payload hash (e.g. UNSIGNED-PAYLOAD) by sending it in this header. */
export const CONTENT_SHA256_HEADER = 'x-sdk-content-sha256';

export interface SignableRequest {
  method: string;
  /** The URI path as sent, e.g. /v1.0/<project>/kms/describe-key. */
  path: string;
  query?: Record<string, string | string[]>;
  /** Header names in any case; every header listed in `signedHeaders` must be here. */
  headers: Record<string, string>;
  body: Buffer | string;
}

/** RFC 3986 unreserved characters stay as they are; everything else is %XX (uppercase), as Huawei's signers do. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** YYYYMMDDTHHMMSSZ in UTC, the X-Sdk-Date format. */
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Parses an X-Sdk-Date value; undefined when it is not of the form YYYYMMDDTHHMMSSZ. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Each path segment decoded then encoded, always ending in "/" (Huawei signs "/v1.0/p/kms/op/"). */
export function canonicalUri(path: string): string {
  const encoded = path
    .split('/')
    .map((segment) => encodeRfc3986(safeDecode(segment)))
    .join('/');
  return encoded.endsWith('/') ? encoded : encoded + '/';
}

export function canonicalQueryString(query: Record<string, string | string[]> = {}): string {
  const pairs: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const values = ([] as string[]).concat(query[name]).sort();
    for (const value of values) pairs.push(`${encodeRfc3986(name)}=${encodeRfc3986(value)}`);
  }
  return pairs.join('&');
}

export function canonicalHeaders(headers: Record<string, string>, signedHeaders: readonly string[]): string {
  const byLowerName = lowerCaseKeys(headers);
  return signedHeaders.map((name) => `${name}:${(byLowerName[name] ?? '').trim()}\n`).join('');
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function canonicalRequest(request: SignableRequest, signedHeaders: readonly string[]): string {
  const payloadHash = lowerCaseKeys(request.headers)[CONTENT_SHA256_HEADER] ?? sha256Hex(request.body);
  return [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    canonicalQueryString(request.query),
    canonicalHeaders(request.headers, signedHeaders),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

export function computeSignature(secretKey: string, toSign: string): string {
  return createHmac('sha256', secretKey).update(toSign).digest('hex');
}

export interface Credentials {
  accessKey: string;
  secretKey: string;
  /** Temporary credentials carry a security token, sent (and signed) as X-Security-Token. */
  securityToken?: string;
}

/**
 * Adds X-Sdk-Date, (X-Security-Token) and Authorization to `request.headers` (which must already hold `host`)
 * and signs every header present. Returns the new header set.
 */
export function signRequest(request: SignableRequest, credentials: Credentials, now: Date = new Date()): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers, 'X-Sdk-Date': formatSdkDate(now) };
  if (credentials.securityToken) headers['X-Security-Token'] = credentials.securityToken;
  const signedHeaders = Object.keys(lowerCaseKeys(headers)).sort();
  const canonical = canonicalRequest({ ...request, headers }, signedHeaders);
  const signature = computeSignature(credentials.secretKey, stringToSign(headers['X-Sdk-Date'], canonical));
  headers.Authorization = `${SIGNING_ALGORITHM} Access=${credentials.accessKey}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return headers;
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** Reads `SDK-HMAC-SHA256 Access=..., SignedHeaders=a;b, Signature=hex`; undefined when malformed. */
export function parseAuthorization(value: string | undefined): ParsedAuthorization | undefined {
  if (!value || !value.startsWith(SIGNING_ALGORITHM + ' ')) return undefined;
  const fields: Record<string, string> = {};
  for (const part of value.slice(SIGNING_ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  if (!fields.Access || !fields.SignedHeaders || !/^[0-9a-f]{64}$/.test(fields.Signature ?? '')) return undefined;
  return { accessKey: fields.Access, signedHeaders: fields.SignedHeaders.toLowerCase().split(';'), signature: fields.Signature };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
