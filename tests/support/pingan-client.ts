// Test-only: a second Ping An KMS client, written from kms-apis.md alone with its OWN signer (it does not import
// core/signers/pingan), so the emulator is checked against an independent reading of Ping An's signature, not against
// the code it shares with the provider. Sends GET (parameters in the query) or form POST; every part of a request can
// be overridden or tampered with after signing.
import { constants, createDecipheriv, createHmac, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { request } from 'node:http';

export interface PinganReply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface PinganCallOptions {
  method?: 'GET' | 'POST';
  accessKeyId?: string;
  secret?: string;
  /** Appended to the secret to make the HMAC key (Alibaba's "&"); none by default, as kms-apis.md says. */
  keySuffix?: string;
  /** Epoch milliseconds the request claims; the real time by default. */
  timestamp?: number;
  nonce?: string;
  /** Changes the signed parameters before they are sent (tampering, leaving things out). */
  mutate?: (params: Record<string, string>) => Record<string, string>;
  /** With POST: these parameters go in the query string, the others in the form body. */
  inQuery?: readonly string[];
  /** Extra request headers (e.g. a Host naming a region: kms-cn-hongkong.yun.pingan.com). */
  headers?: Record<string, string>;
}

/** Step 1 of the signature: UTF-8 percent-encoding, space %20, `*` %2A, `~` kept (RFC 3986 unreserved stay). */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Steps 2-3: every parameter but `signature`, encoded, lowercased, sorted by name, `name=value` joined with `&`. */
export function pinganStringToSign(params: Record<string, string>): string {
  return Object.entries(params)
    .filter(([name]) => name !== 'signature')
    .map(([name, value]) => [encode(name).toLowerCase(), encode(value).toLowerCase()])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

export function pinganSignature(params: Record<string, string>, key: string): string {
  return createHmac('sha1', key).update(pinganStringToSign(params), 'utf8').digest('base64');
}

/** The full signed parameter set for one call. */
export function signedParams(action: string, params: Record<string, string>, options: PinganCallOptions = {}): Record<string, string> {
  const all: Record<string, string> = {
    action,
    ...params,
    version: '2017-01-01',
    accessKeyId: options.accessKeyId ?? 'test',
    signatureMethod: 'HMAC-SHA1',
    signatureVersion: '1.0',
    signatureNonce: options.nonce ?? BigInt(`0x${randomBytes(7).toString('hex')}`).toString(),
    timestamp: String(options.timestamp ?? Date.now()),
  };
  all.signature = pinganSignature(all, (options.secret ?? 'test') + (options.keySuffix ?? ''));
  return all;
}

/** Calls `action` at the emulator (path `/`), by GET with the query or by POST with a form body. */
export async function pinganCall(baseUrl: string, action: string, params: Record<string, string> = {}, options: PinganCallOptions = {}): Promise<PinganReply> {
  const signed = signedParams(action, params, options);
  const sent = options.mutate ? options.mutate({ ...signed }) : signed;
  const post = options.method === 'POST';
  const inQuery = post ? Object.entries(sent).filter(([name]) => options.inQuery?.includes(name)) : [];
  const form = new URLSearchParams(Object.entries(sent).filter(([name]) => !options.inQuery?.includes(name) || !post)).toString();
  const query = new URLSearchParams(inQuery).toString();
  const url = new URL(post ? `${baseUrl}/${query ? `?${query}` : ''}` : `${baseUrl}/?${form}`);
  const headers: Record<string, string> = { ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...options.headers };
  const { status, text } = await send(url, post ? 'POST' : 'GET', headers, post ? form : undefined);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status, body, text };
}

/** node:http rather than fetch, which would not let a test set the Host header. */
function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export type PinganWrapping = 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1' | 'RSAES_PKCS1_V1_5';

/**
 * Wraps material with the public key GetParametersForImport returned (hex of DER, SPKI or PKCS#1), as a client does:
 * node:crypto's publicEncrypt with the padding the wrapping algorithm names.
 */
export function wrapMaterial(publicKeyHex: string, algorithm: PinganWrapping, material: Buffer, type: 'spki' | 'pkcs1' = 'spki'): Buffer {
  const key = createPublicKey({ key: Buffer.from(publicKeyHex, 'hex'), format: 'der', type });
  if (algorithm === 'RSAES_PKCS1_V1_5') return publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, material);
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256' }, material);
}

/**
 * Opens a cipherTextBlob with the material we imported, outside the emulator (its blob: version 1, key-id length, key
 * id, 12-byte IV, 16-byte tag, AES-256-GCM body; the key id and the sorted encryption context are the AAD): proves the
 * key holds exactly that material.
 */
export function decryptLocally(cipherTextBlob: string, material: Buffer, context: Record<string, string> = {}): string {
  const blob = Buffer.from(cipherTextBlob, 'base64');
  const start = 2 + blob[1];
  const keyId = blob.subarray(2, start).toString('utf8');
  const decipher = createDecipheriv('aes-256-gcm', material, blob.subarray(start, start + 12));
  decipher.setAAD(Buffer.from(JSON.stringify([keyId, Object.entries(context).sort(([a], [b]) => (a < b ? -1 : 1))])));
  decipher.setAuthTag(blob.subarray(start + 12, start + 28));
  return Buffer.concat([decipher.update(blob.subarray(start + 28)), decipher.final()]).toString('utf8');
}
