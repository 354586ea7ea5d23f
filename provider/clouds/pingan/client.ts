// A minimal Ping An KMS client on node:http/https (no SDK exists): path "/", the lowercase `action` and the common
// parameters, signed with core/signers/pingan.ts under assumptions.ts's SIGNING_RULES, sent as a form POST (the
// default: the import token and wrapped material stay out of URLs and logs of proxies) or as a GET query. Each attempt
// is signed afresh (a new nonce and timestamp). Any reply whose `code` is not SUCCESS is a failure, whatever its HTTP
// status. Retries throttling and refusals before processing for every action, unclear failures only for repeatable
// ones (retries.ts), with the backoff all our clients share (../retry); every attempt is paced to the request quotas
// (../pacer.ts). The cloud's time: clock.ts.
import * as http from 'node:http';
import * as https from 'node:https';
import { ImportedKeyError } from '../../../core/errors';
import { signParameters, type PinganSigningRules } from '../../../core/signers/pingan';
import { THROTTLING_RETRY_BUDGET, withRetries, type RetryPolicy, type ThrottlingBudget, type RetryVerdict } from '../retry';
import { pace, pacingOf } from '../pacer';
import { isSuccess, readEnvelope, SIGNING_RULES } from './assumptions';
import { ReplyDateClock } from './clock';
import { redactor, toImportedKeyError } from './errors';
import { markUnclear, networkFailureKind, replyFailureKind, retryVerdict } from './retries';
import type { PinganSettings } from './settings';

export type HttpMethod = 'GET' | 'POST';

export interface ClientOptions {
  /** How requests are sent: POST with a form body (default) or GET with the parameters in the query. */
  method?: HttpMethod;
  /** Per attempt: the longest the socket may stay silent before the call fails. */
  timeoutMs?: number;
  maxAttempts?: number;
  /** Ceiling of the first backoff; doubles on each retry (full jitter below it). */
  retryDelayMs?: number;
  /** The budget for throttled calls (default THROTTLING_RETRY_BUDGET). */
  throttling?: ThrottlingBudget;
}

/** Per call: what the probe varies (adapter-probe.ts); the adapter uses the defaults. */
export interface CallOptions {
  method?: HttpMethod;
  /** Other signing rules than SIGNING_RULES (the probe tries the alternatives). */
  rules?: PinganSigningRules;
  /** The time to sign as (the probe signs 10 minutes behind); default: now. */
  now?: () => Date;
}

/** One reply as it came (the probe reads field names from it). */
export interface RawReply {
  status: number;
  /** The body parsed as a JSON object; undefined when it is not one. */
  body?: Record<string, unknown>;
  /** The reply's Date header: the cloud's clock. */
  date?: string;
}

/** Parameters whose values are secret in transit: cut out of every error message (a server may echo them). */
const SECRET_PARAMETERS = ['importToken', 'encryptedKeyMaterial', 'signature'];

const MAX_RETRY_DELAY_MS = 5000;

export class PinganKmsClient {
  private readonly method: HttpMethod;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly throttling: ThrottlingBudget;
  private readonly clock = new ReplyDateClock();

  constructor(private readonly settings: PinganSettings, options: ClientOptions = {}) {
    this.method = options.method ?? 'POST';
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.throttling = options.throttling ?? THROTTLING_RETRY_BUDGET;
  }

  /** Where this client's calls go. */
  get endpoint(): string {
    return this.settings.endpoint.href;
  }

  /** The cloud's time now, as its latest reply's Date header told; undefined before any reply. */
  cloudTime(): Date | undefined {
    return this.clock.now();
  }

  /**
   * Calls `action` and returns its reply (the whole flat JSON object), retried as retries.ts says; throws
   * ImportedKeyError with Ping An's code when the reply's code is not SUCCESS.
   */
  async call<T = Record<string, unknown>>(action: string, params: Record<string, string>, options: CallOptions = {}): Promise<T> {
    const policy: RetryPolicy = { maxAttempts: this.maxAttempts, baseDelayMs: this.retryDelayMs, maxDelayMs: MAX_RETRY_DELAY_MS, throttling: this.throttling };
    return withRetries(() => this.attempt<T>(action, params, options), (error) => retryable.get(error as object) ?? false, policy, undefined, pacingOf('pingan', this.place, action));
  }

  /**
   * One request, no retry and no judgement of the reply (for the probe, which reads the envelope itself). Only a
   * failure below HTTP throws (an ImportedKeyError with no secret in it).
   */
  async exchange(action: string, params: Record<string, string>, options: CallOptions = {}): Promise<RawReply> {
    await this.pace(action);
    const { reply } = await this.sendSigned(action, params, options);
    return reply;
  }

  /** Waits for an attempt's turn under Ping An's request quotas (../pacer.ts); resolves with the time waited (ms). */
  private pace(action: string): Promise<number> {
    return pace('pingan', this.place, action);
  }

  /** Where Ping An counts this client's requests: the region, else the endpoint's host. */
  private get place(): string {
    return this.settings.region ?? this.settings.endpoint.host;
  }

  private async attempt<T>(action: string, params: Record<string, string>, options: CallOptions): Promise<T> {
    const { reply, redact } = await this.sendSigned(action, params, options);
    const envelope = readEnvelope(reply.body);
    if (reply.body && isSuccess(envelope)) return reply.body as T;
    const kind = replyFailureKind(reply.status, envelope);
    const error = toImportedKeyError(action, reply.status, envelope, redact);
    throw markRetryable(markUnclear(error, kind), retryVerdict(action, kind));
  }

  private async sendSigned(action: string, params: Record<string, string>, options: CallOptions): Promise<{ reply: RawReply; redact: (t: string) => string }> {
    const signed = signParameters({ action, ...params }, this.settings.credentials, options.rules ?? SIGNING_RULES, options.now ? { now: options.now() } : {});
    const redact = redactor([...SECRET_PARAMETERS.map((name) => signed[name]).filter((v): v is string => v !== undefined), this.settings.credentials.accessKeySecret]);
    let reply: RawReply;
    try {
      reply = await this.send(signed, options.method ?? this.method);
    } catch (cause) {
      const kind = networkFailureKind(cause);
      const code = (cause as { code?: unknown }).code;
      // Node's message only: never the request (its query or body holds the token, the material, the signature).
      const error = new ImportedKeyError('CloudError', redact(`pingan ${action} failed: ${typeof code === 'string' ? `${code}: ` : ''}${(cause as Error).message}`));
      throw markRetryable(markUnclear(error, kind), retryVerdict(action, kind));
    }
    this.clock.observe(reply.date);
    return { reply, redact };
  }

  private send(params: Record<string, string>, method: HttpMethod): Promise<RawReply> {
    const { endpoint } = this.settings;
    const form = new URLSearchParams(params).toString();
    const base = `${endpoint.pathname.replace(/\/+$/, '')}/`;
    const path = method === 'GET' ? `${base}?${form}` : base;
    const headers: Record<string, string | number> =
      method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': Buffer.byteLength(form) } : {};
    const transport = endpoint.protocol === 'http:' ? http : https;
    return new Promise<RawReply>((resolve, reject) => {
      const req = transport.request(
        { protocol: endpoint.protocol, hostname: endpoint.hostname, port: endpoint.port || undefined, method, path, headers: { accept: 'application/json', ...headers }, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseObject(Buffer.concat(chunks).toString('utf8')), date: res.headers.date }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no reply within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(method === 'POST' ? form : undefined);
    });
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Errors of one attempt that another attempt may cure (retryVerdictFor), keyed by the error itself. */
const retryable = new WeakMap<object, RetryVerdict>();

function markRetryable(error: ImportedKeyError, verdict: RetryVerdict): ImportedKeyError {
  if (verdict) retryable.set(error, verdict);
  return error;
}
