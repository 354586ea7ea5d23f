// Ping An Cloud KMS wire format (API 2017-01-01): parameters from the query string, a form body or both (GET or POST,
// path `/`), lowerCamelCase names, flat JSON replies `{"code": "SUCCESS", "requestId", …fields}`, dates
// `yyyy-MM-dd HH:mm:ss`. Where the documentation is silent the emulator answers as assumed (kms-apis.md) and can be
// switched to answer otherwise, point by point (DIALECT, through POST /_emulator/dialect).

import { randomUUID } from 'node:crypto';
import { API_VERSION } from '../../../core/signers/pingan';
import type { DialectPoints } from '../../dialects';
import type { StoredKey, StoredKeyState } from '../../store';
import type { ProtocolContext, ProtocolRequest, ProtocolResponse } from '../types';
import { pinganErrors } from './errors';

export { API_VERSION };
export type Params = Record<string, string>;

/** The cloud's name: `cloud: 'pingan'`, request counters `pingan:<action>`, the store's cloud, fault targets. */
export const CLOUD = 'pingan';
/** Keys are kept per region: the one a `kms-<region>.yun.pingan.com` Host names, else this one. */
export const DEFAULT_REGION = 'cn-shanghai';
/** The account id the emulator answers as `ownerId` (made up). */
export const OWNER_ID = '1000000000000001';
export const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The points where the emulator can answer differently from an assumption; each point's first variant is the
 * assumed default (kms-apis.md's assumptions; the README's emulator section lists them):
 * - keyState: names ENABLED… | digits "0" enabled, "1" disabled, "2" pending deletion, "3" pending import (the last
 *   ours) | alibaba Enabled, Disabled, PendingImport, PendingDeletion;
 * - publicKey: hex of DER SPKI | hex of PKCS#1 RSAPublicKey;
 * - tokenExpireTime: a date string | epoch milliseconds (a JSON number);
 * - errorEnvelope: the message under `message` | under `msg`;
 * - signatureKey: the HMAC key is the secret | the secret + "&" (Alibaba's);
 * - importParameterFields: publicKey, importToken, tokenExpireTime | PublicKey, ImportToken, TokenExpireTime;
 * - timeZone: date strings in China Standard Time (+08:00) | in UTC.
 */
export const DIALECT = {
  keyState: ['names', 'digits', 'alibaba'],
  publicKey: ['spki', 'pkcs1'],
  tokenExpireTime: ['date', 'epochMillis'],
  errorEnvelope: ['message', 'msg'],
  signatureKey: ['secret', 'secretAmpersand'],
  importParameterFields: ['assumed', 'alibaba'],
  timeZone: ['+08:00', 'UTC'],
} as const satisfies DialectPoints;

export type PinganDialect = { -readonly [P in keyof typeof DIALECT]: (typeof DIALECT)[P][number] };

/** The variants in force at this emulator (the Dialects control validated them against DIALECT). */
export function dialectOf(context: ProtocolContext | undefined): PinganDialect {
  const chosen = context?.dialects.of(CLOUD) ?? {};
  const out = {} as Record<string, string>;
  for (const [point, variants] of Object.entries(DIALECT)) out[point] = chosen[point] ?? variants[0];
  return out as PinganDialect;
}

const KEY_STATES: Record<PinganDialect['keyState'], Record<StoredKeyState, string>> = {
  names: { Enabled: 'ENABLED', Disabled: 'DISABLED', PendingImport: 'PENDING_IMPORT', PendingDeletion: 'PENDING_DELETE' },
  digits: { Enabled: '0', Disabled: '1', PendingDeletion: '2', PendingImport: '3' },
  alibaba: { Enabled: 'Enabled', Disabled: 'Disabled', PendingImport: 'PendingImport', PendingDeletion: 'PendingDeletion' },
};

export function keyStateOf(state: StoredKeyState, dialect: PinganDialect): string {
  return KEY_STATES[dialect.keyState][state];
}

const ZONE_OFFSET_MS: Record<PinganDialect['timeZone'], number> = { '+08:00': 8 * 3600_000, UTC: 0 };

/** `yyyy-MM-dd HH:mm:ss`, in China Standard Time unless the dialect says UTC (the zone is not documented). */
export function dateString(ms: number, dialect: PinganDialect): string {
  return new Date(ms + ZONE_OFFSET_MS[dialect.timeZone]).toISOString().slice(0, 19).replace('T', ' ');
}

/** CreateCmk's documented keyMetadata, plus the assumed materialExpireTime ('' = never expires, or no material). */
export function keyMetadata(key: StoredKey, dialect: PinganDialect): Record<string, unknown> {
  return {
    keyId: key.id,
    alias: String(key.attributes.alias ?? ''),
    keyUsage: 0,
    description: key.description,
    creationDate: dateString(key.createdAt, dialect),
    deleteDate: key.state === 'PendingDeletion' && key.deletionDate !== undefined ? dateString(key.deletionDate, dialect) : '',
    ownerId: OWNER_ID,
    keyState: keyStateOf(key.state, dialect),
    origin: key.external ? 1 : 0,
    materialExpireTime: key.hasMaterial && key.materialExpiresAt !== undefined ? dateString(key.materialExpiresAt, dialect) : '',
  };
}

/** A success reply: `{"code": "SUCCESS", "requestId", …fields}`. */
export function ok(fields: Record<string, unknown>): ProtocolResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    body: JSON.stringify({ code: 'SUCCESS', requestId: randomUUID(), ...fields }),
  };
}

export function isFormBody(request: ProtocolRequest): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(String(request.headers['content-type'] ?? '')) && request.body.length > 0;
}

/**
 * The request's parameters, from the query and a form body. A name given twice is refused: the signature covers
 * every parameter as sent, and two values for one name would leave open which one was meant.
 */
export function readParams(request: ProtocolRequest): Params {
  const params: Params = {};
  const add = (source: URLSearchParams): void => {
    for (const [name, value] of source) {
      if (Object.prototype.hasOwnProperty.call(params, name)) throw pinganErrors.duplicateParameter(name);
      params[name] = value;
    }
  };
  add(request.query);
  if (isFormBody(request)) add(new URLSearchParams(request.body.toString('utf8')));
  return params;
}

/** Whether a request is Ping An's: path `/`, GET or POST, a lowercase `action` and `version=2017-01-01`. Never throws. */
export function isPinganRequest(request: ProtocolRequest): boolean {
  if ((request.method !== 'GET' && request.method !== 'POST') || request.path !== '/') return false;
  const first = (name: string): string | null => {
    const fromQuery = request.query.get(name);
    if (fromQuery !== null || !isFormBody(request)) return fromQuery;
    return new URLSearchParams(request.body.toString('utf8')).get(name);
  };
  // Lowercase names only: Alibaba's RPC requests say Action / Version (2016-01-20) and stay Alibaba's.
  return first('version') === API_VERSION && Boolean(first('action'));
}

/** The action for counters and faults; never throws. */
export function actionOf(request: ProtocolRequest): string {
  return request.query.get('action') ?? (isFormBody(request) ? new URLSearchParams(request.body.toString('utf8')).get('action') : null) ?? 'Unknown';
}

/** The region a request addresses: the one in a `kms-<region>.yun.pingan.com` Host, else DEFAULT_REGION. */
export function regionOf(host: string | undefined): string {
  const match = /^kms-([a-z0-9-]+)\.yun\.pingan\.com(?::\d+)?$/i.exec(host ?? '');
  return match ? match[1].toLowerCase() : DEFAULT_REGION;
}

export function requireParam(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw pinganErrors.missingParameter(name);
  return value;
}

/** A whole number within [min, max], or undefined when absent or empty. */
export function optionalInteger(params: Params, name: string, min: number, max: number, allowed: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,16}$/.test(value)) throw pinganErrors.invalidParameter(name, allowed);
  const n = Number(value);
  if (n < min || n > max) throw pinganErrors.invalidParameter(name, allowed);
  return n;
}

export function oneOf<T extends string>(params: Params, name: string, allowed: readonly T[], fallback?: T): T {
  const value = params[name];
  if ((value === undefined || value === '') && fallback !== undefined) return fallback;
  if (value === undefined || value === '') throw pinganErrors.missingParameter(name);
  if (!(allowed as readonly string[]).includes(value)) throw pinganErrors.invalidParameter(name, `one of ${allowed.join(', ')}`);
  return value as T;
}

/** Hexadecimal (documented for keys and tokens; assumed for the wrapped material), or base64 (accepted too). */
export function hexOrBase64(params: Params, name: string): Buffer {
  const value = requireParam(params, name);
  if (/^(?:[0-9a-fA-F]{2})+$/.test(value)) return Buffer.from(value, 'hex');
  // Base64 of 256 bytes (RSA-2048) ends in "==", so it is never mistaken for hex.
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0) return Buffer.from(value, 'base64');
  throw pinganErrors.invalidParameter(name, 'hexadecimal (or base64)');
}

export function hexParam(params: Params, name: string, allowed: string): Buffer {
  const value = requireParam(params, name);
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(value)) throw pinganErrors.invalidParameter(name, allowed);
  return Buffer.from(value, 'hex');
}

/** `encryptionContext`: a JSON object of strings, or absent. */
export function encryptionContext(params: Params): Record<string, string> | undefined {
  const raw = params.encryptionContext;
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw pinganErrors.invalidParameter('encryptionContext', 'a JSON object of string values, such as {"purpose":"test"}');
  }
  return parsed as Record<string, string>;
}
