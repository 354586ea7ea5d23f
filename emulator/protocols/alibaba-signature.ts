// Alibaba RPC signature, version 1.0 (HMAC-SHA1), as the POP gateway computes it: the emulator
// recomputes it from the received parameters and compares in constant time.

import { createHmac, timingSafeEqual } from 'node:crypto';

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
