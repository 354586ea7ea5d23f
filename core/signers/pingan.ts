// Ping An Cloud KMS request signing (API 2017-01-01): every parameter but `signature` is percent-encoded, the string to
// sign is lowercased, sorted by name, joined with `&`, and HMAC-SHA1'd with the AccessKeySecret. Steps 1-3 are Ping
// An's published text; the separator and the key (the secret as it is, nothing appended) are assumptions, passed in
// by the caller (provider/clouds/pingan/assumptions.ts holds the provider's, with their evidence), so this file knows
// no assumption of its own. The emulator checks signatures with the same building blocks.
import { createHmac, randomBytes } from 'node:crypto';

/** The common parameters' fixed values (documented). */
export const API_VERSION = '2017-01-01';
export const SIGNATURE_METHOD = 'HMAC-SHA1';
export const SIGNATURE_VERSION = '1.0';

/** How the string to sign is built where Ping An's pages are silent (see the file comment). */
export interface PinganSigningRules {
  /** Joins `name=value` pairs. */
  readonly pairSeparator: string;
  /** Appended to the AccessKeySecret to make the HMAC key (Alibaba appends "&"). */
  readonly keySuffix: string;
  /** Whether the string to sign is lowercased after encoding. */
  readonly lowercase: boolean;
  /** Put before the pairs (Alibaba: "GET&%2F&"); "" for none. */
  readonly prefix: string;
}

/** Percent-encoding as Ping An's page says: UTF-8, space → %20, `*` → %2A, `~` kept (RFC 3986 unreserved kept). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The string to sign for `params` (every parameter but `signature`, which is ignored if present). */
export function stringToSign(params: Record<string, string>, rules: PinganSigningRules): string {
  const pairs = Object.keys(params)
    .filter((name) => name !== 'signature')
    .map((name) => {
      const pair = { name: percentEncode(name), value: percentEncode(params[name]) };
      return rules.lowercase ? { name: pair.name.toLowerCase(), value: pair.value.toLowerCase() } : pair;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .map((pair) => `${pair.name}=${pair.value}`);
  return rules.prefix + pairs.join(rules.pairSeparator);
}

/** base64(HMAC-SHA1(secret + keySuffix, stringToSign(params))). */
export function computeSignature(params: Record<string, string>, secret: string, rules: PinganSigningRules): string {
  return createHmac('sha1', secret + rules.keySuffix).update(stringToSign(params, rules), 'utf8').digest('base64');
}

export interface PinganCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

/**
 * The full parameter set of one request: `params` (action and its own parameters) plus the common parameters, and the
 * signature over all of them. `now` and `nonce` are for tests; a nonce is a random long by default.
 */
export function signParameters(
  params: Record<string, string>,
  credentials: PinganCredentials,
  rules: PinganSigningRules,
  options: { now?: Date; nonce?: string } = {},
): Record<string, string> {
  const signed: Record<string, string> = {
    ...params,
    version: API_VERSION,
    accessKeyId: credentials.accessKeyId,
    signatureMethod: SIGNATURE_METHOD,
    signatureVersion: SIGNATURE_VERSION,
    signatureNonce: options.nonce ?? randomNonce(),
    // Epoch milliseconds as a string (documented).
    timestamp: String((options.now ?? new Date()).getTime()),
  };
  return { ...signed, signature: computeSignature(signed, credentials.accessKeySecret, rules) };
}

/** A random positive long, as decimal digits (Ping An's signatureNonce is "a random long"). */
export function randomNonce(): string {
  return (randomBytes(8).readBigUInt64BE() >> 1n).toString();
}
