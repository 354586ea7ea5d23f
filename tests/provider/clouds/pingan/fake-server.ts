// A small Ping An KMS server for the adapter's unit tests, on 127.0.0.1, answering the shapes kms-apis.md documents
// (and, switched by `dialect`, the other shapes the adapter's readers accept). It is a fake *server*, not a mocked
// client: the adapter's real client signs and sends real HTTP to it. It checks the signature with its own few lines
// (not core/signers/pingan.ts), the timestamp window and nonces, and keeps keys in memory. The emulator's Ping An
// protocol (another module) replaces it in end-to-end tests.
import { createHmac, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
// Unwrapping only (Node refuses PKCS#1 v1.5 private decryption by itself): core's, as the emulator uses it.
import { unwrapKeyMaterial } from '../../../../core/wrapping';

export interface Dialect {
  keyState: 'names' | 'digits' | 'alibaba';
  publicKey: 'spki' | 'pkcs1';
  tokenExpireTime: 'date' | 'epochMillis';
  errorEnvelope: 'message' | 'msg';
  signatureKey: 'secret' | 'secretAmpersand';
  importParameterFields: 'assumed' | 'alibaba';
  timeZone: '+08:00' | 'UTC';
}

export const DEFAULT_DIALECT: Dialect = {
  keyState: 'names', publicKey: 'spki', tokenExpireTime: 'date', errorEnvelope: 'message', signatureKey: 'secret', importParameterFields: 'assumed', timeZone: '+08:00',
};

interface FakeKey {
  keyId: string;
  state: 'ENABLED' | 'DISABLED' | 'PENDING_IMPORT' | 'PENDING_DELETE';
  origin: number;
  alias?: string;
  description?: string;
  creationDate: number;
  material?: Buffer;
  /** Epoch seconds; undefined = never. */
  expireUnix?: number;
  deleteDate?: number;
}

export interface SeenRequest {
  method: string;
  action: string;
  params: Record<string, string>;
  contentType?: string;
}

export interface Fault {
  action: string;
  /** Answer this failure instead of acting. */
  status?: number;
  code?: string;
  /** Close the connection without an answer — after acting (a lost reply). */
  drop?: boolean;
  /** How many requests it applies to (default 1). */
  times?: number;
  /** Put every parameter's value into the error message (a server echoing a request back). */
  echo?: boolean;
}

const STATE_FORMS: Record<Dialect['keyState'], Record<FakeKey['state'], string>> = {
  names: { ENABLED: 'ENABLED', DISABLED: 'DISABLED', PENDING_IMPORT: 'PENDING_IMPORT', PENDING_DELETE: 'PENDING_DELETE' },
  digits: { ENABLED: '0', DISABLED: '1', PENDING_DELETE: '2', PENDING_IMPORT: '3' },
  alibaba: { ENABLED: 'Enabled', DISABLED: 'Disabled', PENDING_IMPORT: 'PendingImport', PENDING_DELETE: 'PendingDeletion' },
};

const ALGORITHMS = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'];

/** The signature as Ping An's page says it, written here on its own: encode, lowercase, sort, join with "&", HMAC-SHA1. */
function expectedSignature(params: Record<string, string>, secret: string, keySuffix: string): string {
  const encode = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const text = Object.entries(params)
    .filter(([name]) => name !== 'signature')
    .map(([name, value]) => `${encode(name).toLowerCase()}=${encode(value).toLowerCase()}`)
    .sort()
    .join('&');
  return createHmac('sha1', secret + keySuffix).update(text).digest('base64');
}

export class FakePinganKms {
  readonly keys = new Map<string, FakeKey>();
  readonly requests: SeenRequest[] = [];
  readonly faults: Fault[] = [];
  dialect: Dialect = { ...DEFAULT_DIALECT };
  /** Added to the server's clock (Date header, token expiry, timestamp check). */
  skewMs = 0;
  /** How far a request's timestamp may be from the server's clock. */
  windowMs = 15 * 60_000;
  private readonly nonces = new Set<string>();
  private readonly tokens = new Map<string, { keyId: string; algorithm: string; expires: number }>();
  private readonly wrapping: { privateKey: KeyObject; spki: Buffer; pkcs1: Buffer };
  private server?: http.Server;

  constructor(readonly accessKeyId = 'pingan-ak', readonly accessKeySecret = 'pingan-sk') {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.wrapping = {
      privateKey,
      spki: publicKey.export({ format: 'der', type: 'spki' }),
      pkcs1: publicKey.export({ format: 'der', type: 'pkcs1' }),
    };
  }

  now(): number {
    return Date.now() + this.skewMs;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  reset(): void {
    this.keys.clear();
    this.requests.length = 0;
    this.faults.length = 0;
    this.dialect = { ...DEFAULT_DIALECT };
    this.skewMs = 0;
    this.windowMs = 15 * 60_000;
  }

  actions(): string[] {
    return this.requests.map((r) => r.action);
  }

  /** A date-time string as the dialect writes it. */
  dateString(ms: number): string {
    const offset = this.dialect.timeZone === 'UTC' ? 0 : 8 * 3600_000;
    const iso = new Date(Math.floor(ms / 1000) * 1000 + offset).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (req.method === 'POST' && String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      Object.assign(params, Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    }
    const action = params.action ?? '';
    this.requests.push({ method: req.method ?? '', action, params, contentType: req.headers['content-type'] });
    res.sendDate = false;
    const send = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/json', date: new Date(this.now()).toUTCString() });
      res.end(JSON.stringify({ ...body, requestId: randomUUID() }));
    };
    const fail = (status: number, code: string, message: string) =>
      send(status, { code, [this.dialect.errorEnvelope === 'msg' ? 'msg' : 'message']: message });

    if (url.pathname !== '/') return fail(404, 'InvalidPath', `no such path ${url.pathname}`);
    // Authentication: common parameters, signature, timestamp window, nonce.
    for (const name of ['version', 'accessKeyId', 'signature', 'signatureMethod', 'signatureVersion', 'signatureNonce', 'timestamp']) {
      if (!params[name]) return fail(400, 'MissingParameter', `${name} is required`);
    }
    if (params.version !== '2017-01-01') return fail(400, 'InvalidVersion', 'version must be 2017-01-01');
    if (params.accessKeyId !== this.accessKeyId) return fail(403, 'InvalidAccessKeyId', 'unknown accessKeyId');
    const suffix = this.dialect.signatureKey === 'secretAmpersand' ? '&' : '';
    if (params.signature !== expectedSignature(params, this.accessKeySecret, suffix)) return fail(403, 'SignatureDoesNotMatch', 'the signature does not match');
    if (Math.abs(Number(params.timestamp) - this.now()) > this.windowMs) return fail(400, 'IllegalTimestamp', 'timestamp out of the window');
    if (this.nonces.has(params.signatureNonce)) return fail(400, 'SignatureNonceUsed', 'signatureNonce used before');
    this.nonces.add(params.signatureNonce);

    const fault = this.faults.find((f) => f.action === action && (f.times ?? 1) > 0);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.code !== undefined) {
        const echoed = fault.echo ? ` (${Object.values(params).join(' ')})` : '';
        return fail(fault.status ?? 200, fault.code, `injected ${fault.code}${echoed}`);
      }
    }
    let status = 200;
    let body: Record<string, unknown>;
    try {
      body = this.act(action, params);
    } catch (error) {
      const e = error as { status?: number; code?: string; message: string };
      if (!e.code) throw error;
      status = e.status ?? 200;
      body = { code: e.code, [this.dialect.errorEnvelope === 'msg' ? 'msg' : 'message']: e.message };
    }
    if (fault?.drop) {
      res.socket?.destroy();
      return;
    }
    send(status, body);
  }

  private act(action: string, p: Record<string, string>): Record<string, unknown> {
    const refuse = (code: string, message: string, status = 200) => Object.assign(new Error(message), { code, status });
    const key = (): FakeKey => {
      const found = this.keys.get(p.keyId ?? '');
      if (!found) throw refuse('KeyNotFound', `the key ${p.keyId} does not exist`, 404);
      return found;
    };
    switch (action) {
      case 'CreateCmk': {
        if (p.keyUsage !== '0') throw refuse('InvalidParameter', 'keyUsage must be 0');
        if (p.alias !== undefined && [...this.keys.values()].some((k) => k.alias === p.alias)) throw refuse('AliasAlreadyExists', 'alias in use');
        const made: FakeKey = {
          keyId: randomUUID(), state: p.origin === '1' ? 'PENDING_IMPORT' : 'ENABLED', origin: Number(p.origin ?? 0), alias: p.alias, description: p.description, creationDate: this.now(),
        };
        this.keys.set(made.keyId, made);
        return { code: 'SUCCESS', keyMetadata: this.metadata(made) };
      }
      case 'DescribeKey': {
        const k = key();
        this.expire(k);
        const meta = this.metadata(k);
        return { code: 'SUCCESS', keyMetadata: { ...meta, materialExpireTime: k.material && k.expireUnix ? this.dateString(k.expireUnix * 1000) : '' } };
      }
      case 'GetParametersForImport': {
        const k = key();
        if (k.origin !== 1) throw refuse('InvalidKeyState.NotExternal', 'not an external key');
        if (k.state === 'PENDING_DELETE') throw refuse('InvalidKeyState', 'pending deletion');
        if (!ALGORITHMS.includes(p.wrappingAlgorithm)) throw refuse('InvalidParameter.WrappingAlgorithm', 'bad wrappingAlgorithm');
        if (p.wrappingKeySpec !== 'RSA_2048') throw refuse('InvalidParameter.WrappingKeySpec', 'RSA_2048 only');
        const token = randomBytes(32).toString('hex');
        const expires = this.now() + 24 * 3600_000;
        this.tokens.set(token, { keyId: k.keyId, algorithm: p.wrappingAlgorithm, expires });
        const alibaba = this.dialect.importParameterFields === 'alibaba';
        return {
          code: 'SUCCESS',
          keyId: k.keyId,
          [alibaba ? 'PublicKey' : 'publicKey']: (this.dialect.publicKey === 'pkcs1' ? this.wrapping.pkcs1 : this.wrapping.spki).toString('hex'),
          [alibaba ? 'ImportToken' : 'importToken']: token,
          [alibaba ? 'TokenExpireTime' : 'tokenExpireTime']: this.dialect.tokenExpireTime === 'epochMillis' ? expires : this.dateString(expires),
        };
      }
      case 'ImportKeyMaterial': {
        const k = key();
        const token = this.tokens.get(p.importToken ?? '');
        if (!token || token.keyId !== k.keyId || token.expires < this.now()) throw refuse('InvalidImportToken', 'the import token is not valid for this key');
        if (!/^[0-9a-f]+$/i.test(p.encryptedKeyMaterial ?? '')) throw refuse('InvalidParameter.EncryptedKeyMaterial', 'encryptedKeyMaterial must be hex');
        let material: Buffer;
        try {
          material = unwrapKeyMaterial({ algorithm: token.algorithm, privateKey: this.wrapping.privateKey, wrapped: Buffer.from(p.encryptedKeyMaterial, 'hex') });
        } catch {
          throw refuse('InvalidParameter.EncryptedKeyMaterial', 'cannot decrypt encryptedKeyMaterial');
        }
        if (material.length !== 32) throw refuse('InvalidParameter.KeyMaterialLength', 'material must be 256 bits');
        this.expire(k);
        if (k.material && !k.material.equals(material)) throw refuse('KeyMaterialMismatch', 'other material than the key\'s');
        if (k.state === 'PENDING_DELETE') throw refuse('InvalidKeyState', 'pending deletion');
        if (!k.material && k.state !== 'PENDING_IMPORT') throw refuse('InvalidKeyState', 'not pending import');
        const expireUnix = p.keyMaterialExpireUnix !== undefined ? Number(p.keyMaterialExpireUnix) : undefined;
        if (expireUnix !== undefined && (!Number.isInteger(expireUnix) || expireUnix < 0 || expireUnix > 1e11)) throw refuse('InvalidParameter.KeyMaterialExpireUnix', 'seconds expected');
        if (expireUnix && expireUnix * 1000 < this.now()) throw refuse('InvalidParameter.KeyMaterialExpireUnix', 'in the past');
        this.tokens.delete(p.importToken);
        k.material = material;
        k.expireUnix = expireUnix || undefined;
        if (k.state === 'PENDING_IMPORT') k.state = 'ENABLED';
        return { code: 'SUCCESS' };
      }
      case 'DeleteKeyMaterial': {
        const k = key();
        if (k.origin !== 1) throw refuse('InvalidKeyState.NotExternal', 'not an external key');
        if (k.state === 'PENDING_IMPORT') throw refuse('InvalidKeyState', 'already pending import');
        k.material = undefined;
        k.expireUnix = undefined;
        if (k.state !== 'PENDING_DELETE') k.state = 'PENDING_IMPORT';
        return { code: 'SUCCESS' };
      }
      case 'EnableKey':
      case 'DisableKey': {
        const k = key();
        if (k.state === 'PENDING_IMPORT' || k.state === 'PENDING_DELETE') throw refuse('InvalidKeyState', `key is ${k.state}`);
        k.state = action === 'EnableKey' ? 'ENABLED' : 'DISABLED';
        return { code: 'SUCCESS' };
      }
      case 'ScheduleKeyDeletion': {
        const k = key();
        const days = Number(p.pendingWindowInDays);
        if (!Number.isInteger(days) || days < 7 || days > 30) throw refuse('InvalidParameter.PendingWindowInDays', '7-30 days');
        if (k.state === 'PENDING_DELETE') throw refuse('InvalidKeyState', 'already pending deletion');
        k.state = 'PENDING_DELETE';
        k.deleteDate = this.now() + days * 86_400_000;
        return { code: 'SUCCESS' };
      }
      default:
        throw refuse('InvalidAction', `unknown action ${action}`, 400);
    }
  }

  private expire(k: FakeKey): void {
    if (k.material && k.expireUnix && k.expireUnix * 1000 <= this.now()) {
      k.material = undefined;
      k.expireUnix = undefined;
      if (k.state !== 'PENDING_DELETE') k.state = 'PENDING_IMPORT';
    }
  }

  private metadata(k: FakeKey): Record<string, unknown> {
    return {
      keyId: k.keyId,
      alias: k.alias ?? '',
      keyUsage: 0,
      description: k.description ?? '',
      creationDate: this.dateString(k.creationDate),
      deleteDate: k.deleteDate ? this.dateString(k.deleteDate) : '',
      ownerId: '1234567890',
      keyState: STATE_FORMS[this.dialect.keyState][k.state],
      origin: k.origin,
    };
  }
}
