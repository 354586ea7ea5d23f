// A minimal Huawei KMS client: POST a JSON body to /v1.0/{project_id}/kms/<operation>, signed with SDK-HMAC-SHA256,
// on node:http/https (no SDK exists on npm). Retries throttling and 503 for every call, and failures whose outcome is
// unclear only for calls that are safe to repeat (retries.ts), with the backoff and jitter all our clients share
// (../retry), every attempt paced to Huawei's request quota (../pacer.ts). The cloud's time: clock.ts, from each reply's Date header.
import * as http from 'node:http';
import * as https from 'node:https';
import { ImportedKeyError } from '../../../core/errors';
import { parseErrorBody, toImportedKeyError } from './errors';
import { THROTTLING_RETRY_BUDGET, withRetries, type RetryPolicy, type ThrottlingBudget, type RetryVerdict } from '../retry';
import { pacingOf } from '../pacer';
import { ReplyDateClock } from './clock';
import { networkFailureKind, replyFailureKind, retryVerdict } from './retries';
import type { HuaweicloudSettings } from './settings';
import { signRequest } from '../../../core/signers/huaweicloud';

export interface ClientOptions {
  /** Per attempt: the longest the socket may stay silent before the call fails. */
  timeoutMs?: number;
  maxAttempts?: number;
  /** Ceiling of the first backoff; doubles on each retry (full jitter below it, as for Alibaba). */
  retryDelayMs?: number;
  /** The budget for throttled calls (default THROTTLING_RETRY_BUDGET: a quota shared by a whole `pulumi up` outlasts a blip). */
  throttling?: ThrottlingBudget;
}

const MAX_RETRY_DELAY_MS = 5000;

interface RawReply {
  status: number;
  text: string;
  /** The reply's Date header: the cloud's clock. */
  date?: string;
}

export class HuaweicloudKmsClient {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly throttling: ThrottlingBudget;
  /** The cloud's clock, from the latest reply's Date. */
  private readonly clock = new ReplyDateClock();

  constructor(private readonly settings: HuaweicloudSettings, options: ClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.throttling = options.throttling ?? THROTTLING_RETRY_BUDGET;
  }

  get projectId(): string {
    return this.settings.projectId;
  }

  /** Where this client's calls go (with projectId: one account's keys in one region). */
  get endpoint(): string {
    return this.settings.endpoint.href;
  }

  /** The cloud's time now, as its latest reply's Date header told; undefined before any reply. */
  cloudTime(): Date | undefined {
    return this.clock.now();
  }

  /** Calls `operation` and returns its parsed JSON reply; throws ImportedKeyError with Huawei's code on failure. */
  async call<T = Record<string, unknown>>(operation: string, body: Record<string, unknown>): Promise<T> {
    const payload = JSON.stringify(body);
    const policy: RetryPolicy = { maxAttempts: this.maxAttempts, baseDelayMs: this.retryDelayMs, maxDelayMs: MAX_RETRY_DELAY_MS, throttling: this.throttling };
    // Huawei counts one TPS for every API per user and region: each attempt waits for its turn (../pacer.ts).
    const place = this.settings.region ?? this.settings.endpoint.host;
    return withRetries(() => this.attempt<T>(operation, payload), (error) => retryable.get(error as object) ?? false, policy, undefined, pacingOf('huaweicloud', place, operation));
  }

  /** One request; a failure worth another attempt is marked in `retryable`. */
  private async attempt<T>(operation: string, payload: string): Promise<T> {
    let reply: RawReply;
    try {
      reply = await this.send(operation, payload);
    } catch (cause) {
      const error = new ImportedKeyError('CloudError', `huaweicloud ${operation} failed: ${(cause as Error).message}`, { cause });
      throw markRetryable(error, retryVerdict(operation, networkFailureKind(cause)));
    }
    this.clock.observe(reply.date);
    if (reply.status >= 200 && reply.status < 300) return parseSuccess<T>(operation, reply.text);
    const error = parseErrorBody(reply.text);
    throw markRetryable(toImportedKeyError(operation, reply.status, error), retryVerdict(operation, replyFailureKind(reply.status, error)));
  }

  private send(operation: string, payload: string): Promise<RawReply> {
    const { endpoint, projectId, credentials } = this.settings;
    const basePath = endpoint.pathname.replace(/\/+$/, '');
    const path = `${basePath}/v1.0/${encodeURIComponent(projectId)}/kms/${operation}`;
    const headers = signRequest(
      {
        method: 'POST',
        path,
        headers: { host: endpoint.host, 'content-type': 'application/json;charset=UTF-8', 'x-project-id': projectId },
        body: payload,
      },
      credentials,
    );
    const transport = endpoint.protocol === 'http:' ? http : https;
    return new Promise<RawReply>((resolve, reject) => {
      const req = transport.request(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port || undefined,
          method: 'POST',
          path,
          headers: { ...headers, 'content-length': Buffer.byteLength(payload) },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), date: res.headers.date }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no reply within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

function parseSuccess<T>(operation: string, text: string): T {
  try {
    return (text === '' ? {} : JSON.parse(text)) as T;
  } catch {
    throw new ImportedKeyError('CloudError', `huaweicloud ${operation} returned a reply that is not JSON`);
  }
}

/** Errors of one attempt that another attempt may cure (retryVerdictFor), keyed by the error itself. */
const retryable = new WeakMap<object, RetryVerdict>();

function markRetryable(error: ImportedKeyError, verdict: RetryVerdict): ImportedKeyError {
  if (verdict) retryable.set(error, verdict);
  return error;
}
