// Test-only: two independent ways to talk Alibaba RPC to the emulator — the unmodified
// @alicloud/kms20160120 client, and a tiny hand-written signer that sends GET, form-body POST or both.

import { createHmac, randomUUID } from 'node:crypto';
import Kms from '@alicloud/kms20160120';

export function sdkClient(url: string, accessKeyId = 'test', accessKeySecret = 'test'): Kms {
  const { host, protocol } = new URL(url);
  // endpoint is host:port without a scheme; the SDK's default protocol is https.
  return new Kms({ endpoint: host, protocol: protocol.replace(':', ''), accessKeyId, accessKeySecret, regionId: 'cn-hangzhou' } as never);
}

/** RFC 3986 encoding, written here independently of the emulator's. */
const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function sign(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params).sort().map((k) => `${enc(k)}=${enc(params[k])}`).join('&');
  return createHmac('sha1', `${secret}&`).update(`${method}&${enc('/')}&${enc(canonical)}`).digest('base64');
}

export function commonParams(action: string, accessKeyId = 'test'): Record<string, string> {
  return {
    Action: action, Version: '2016-01-20', Format: 'JSON', AccessKeyId: accessKeyId, SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0', SignatureNonce: randomUUID(), Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

export type Shape = 'GET' | 'POST-form' | 'POST-mixed';

export interface RawReply {
  status: number;
  body: Record<string, any>;
}

/**
 * Sends `params` (already complete) in the given shape; signs them unless `signature` is given.
 * POST-mixed puts the common parameters in the query string and the action's in a form body.
 */
export async function rawCall(url: string, shape: Shape, params: Record<string, string>, secret = 'test', signature?: string): Promise<RawReply> {
  const method = shape === 'GET' ? 'GET' : 'POST';
  const all = { ...params, Signature: signature ?? sign(method, params, secret) };
  let query: Record<string, string> = {};
  let form: Record<string, string> | undefined;
  if (shape === 'GET') query = all;
  else if (shape === 'POST-form') form = all;
  else {
    const common = new Set(['Action', 'Version', 'Format', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature']);
    query = Object.fromEntries(Object.entries(all).filter(([k]) => common.has(k)));
    form = Object.fromEntries(Object.entries(all).filter(([k]) => !common.has(k)));
  }
  const target = `${url}/?${new URLSearchParams(query).toString()}`;
  const response = await fetch(target, {
    method,
    headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** The SDK's error as the adapter sees it: Alibaba Code and the HTTP status. */
export async function sdkFailure(promise: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { data?: { Code?: string; Message?: string }; message: string };
    return { code: String(e.data?.Code), status: Number(/code: (\d{3})/.exec(e.message)?.[1]), message: String(e.data?.Message) };
  }
  throw new Error('expected the call to fail');
}

/** Test-only signature V3 (ACS3-HMAC-SHA256) client, written from Alibaba's documentation. */
export async function acs3Call(
  url: string,
  action: string,
  params: Record<string, string>,
  options: { inBody?: boolean; accessKeyId?: string; secret?: string; date?: string; nonce?: string; tamperBody?: boolean } = {},
): Promise<RawReply> {
  const { createHash: hash, createHmac: hmac } = await import('node:crypto');
  const host = new URL(url).host;
  const query = options.inBody ? {} : params;
  const body = options.inBody ? Object.keys(params).map((k) => `${enc(k)}=${enc(params[k])}`).join('&') : '';
  const queryString = Object.keys(query).sort().map((k) => `${enc(k)}=${enc(query[k])}`).join('&');
  const headers: Record<string, string> = {
    host,
    'x-acs-action': action,
    'x-acs-version': '2016-01-20',
    'x-acs-date': options.date ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': options.nonce ?? randomUUID().replace(/-/g, ''),
    'x-acs-content-sha256': hash('sha256').update(body).digest('hex'),
    ...(options.inBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
  };
  const names = Object.keys(headers).sort();
  const canonical = ['POST', '/', queryString, names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), headers['x-acs-content-sha256']].join('\n');
  const signature = hmac('sha256', options.secret ?? 'test').update(`ACS3-HMAC-SHA256\n${hash('sha256').update(canonical).digest('hex')}`).digest('hex');
  const { host: _host, ...sent } = headers; // fetch sends Host itself, the same value
  const response = await fetch(`${url}/${queryString ? `?${queryString}` : ''}`, {
    method: 'POST',
    headers: { ...sent, authorization: `ACS3-HMAC-SHA256 Credential=${options.accessKeyId ?? 'test'},SignedHeaders=${names.join(';')},Signature=${signature}` },
    body: options.inBody ? (options.tamperBody ? `${body}&Extra=1` : body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}
