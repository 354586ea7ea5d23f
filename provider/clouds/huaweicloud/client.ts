// A minimal Huawei KMS client: POST a JSON body to /v1.0/{project_id}/kms/<operation>, signed with SDK-HMAC-SHA256,
// on node:http/https (no SDK exists on npm). Retries throttling and 503 for every call, and failures whose outcome is
// unclear only for calls that are safe to repeat, with the backoff and jitter all our clients share (../retry).
import * as http from 'node:http';
import * as https from 'node:https';
import { ImportedKeyError } from '../../../core/errors';
import { isThrottled, parseErrorBody, toImportedKeyError } from './errors';
import { retryVerdictFor, THROTTLING_RETRY_BUDGET, withRetries, type FailureKind, type RetryBudget, type RetryPolicy, type RetryVerdict } from '../retry';
import type { HuaweiSettings } from './settings';
import { signRequest } from '../../../core/signers/huaweicloud';

export interface ClientOptions {
  /** Per attempt: the longest the socket may stay silent before the call fails. */
  timeoutMs?: number;
  maxAttempts?: number;
  /** Ceiling of the first backoff; doubles on each retry (full jitter below it, as for Alibaba). */
  retryDelayMs?: number;
  /** The budget for throttled calls (default THROTTLING_RETRY_BUDGET: a quota shared by a whole `pulumi up` outlasts a blip). */
  throttling?: RetryBudget;
}

const MAX_RETRY_DELAY_MS = 5000;

/**
 * Operations that may be sent again when their outcome is unclear (500, a connection closed mid-call, no reply in
 * time), because repeating them cannot do harm. Throttling and 503 (refused before any processing) are retried for
 * every operation, writes included (retryVerdictFor).
 * - describe-key, list-keys: reads.
 * - get-parameters-for-import: a fresh token is harmless (an unused one just expires).
 * - enable-key / disable-key: the same state again is accepted.
 * - schedule-key-deletion: "already pending deletion" (KMS.0210) is done (the adapter's scheduleDeletion).
 * - delete-imported-key-material: "already pending import" (KMS.2701) is done (the adapter's deleteMaterial).
 * - update-key-description: the same description again (creationDone).
 * Not create-key (a second key nobody would know of), nor import-key-material (into a key no longer pending import it
 * is refused, KMS.0310, which would hide a lost reply's success: the lifecycle asks describe-key instead, and after a
 * delete imports again with fresh parameters: provider/import-material.ts).
 */
const REPEATABLE = new Set([
  'describe-key', 'list-keys', 'get-parameters-for-import', 'enable-key', 'disable-key', 'schedule-key-deletion', 'delete-imported-key-material',
  'update-key-description',
]);

interface RawReply {
  status: number;
  text: string;
  /** The reply's Date header: the cloud's clock. */
  date?: string;
}

export class HuaweiKmsClient {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly throttling: RetryBudget;
  /** Cloud clock minus machine clock, from the latest reply's Date; undefined before any reply. */
  private clockOffsetMs: number | undefined;

  constructor(private readonly settings: HuaweiSettings, options: ClientOptions = {}) {
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
    return this.clockOffsetMs === undefined ? undefined : new Date(Date.now() + this.clockOffsetMs);
  }

  /** Calls `operation` and returns its parsed JSON reply; throws ImportedKeyError with Huawei's code on failure. */
  async call<T = Record<string, unknown>>(operation: string, body: Record<string, unknown>): Promise<T> {
    const payload = JSON.stringify(body);
    const policy: RetryPolicy = { maxAttempts: this.maxAttempts, baseDelayMs: this.retryDelayMs, maxDelayMs: MAX_RETRY_DELAY_MS, throttling: this.throttling };
    return withRetries(() => this.attempt<T>(operation, payload), (error) => retryable.get(error as object) ?? false, policy);
  }

  /** One request; a failure worth another attempt is marked in `retryable`. */
  private async attempt<T>(operation: string, payload: string): Promise<T> {
    let reply: RawReply;
    try {
      reply = await this.send(operation, payload);
    } catch (cause) {
      const error = new ImportedKeyError('CloudError', `huaweicloud ${operation} failed: ${(cause as Error).message}`, { cause });
      throw markRetryable(error, retryVerdictFor(networkFailureKind(cause), REPEATABLE.has(operation)));
    }
    const serverTime = reply.date === undefined ? NaN : Date.parse(reply.date);
    if (Number.isFinite(serverTime)) this.clockOffsetMs = serverTime - Date.now();
    if (reply.status >= 200 && reply.status < 300) return parseSuccess<T>(operation, reply.text);
    const error = parseErrorBody(reply.text);
    const kind: FailureKind = isThrottled(reply.status, error) ? 'throttled' : reply.status === 503 ? 'unavailable' : reply.status >= 500 ? 'unclear' : 'refused';
    const verdict = retryVerdictFor(kind, REPEATABLE.has(operation));
    throw markRetryable(toImportedKeyError(operation, reply.status, error), verdict);
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

/** A request that failed below HTTP: refused connections never carried it; anything else (reset, timeout) may have. */
function networkFailureKind(cause: unknown): FailureKind {
  const code = (cause as { code?: unknown }).code;
  return code === 'ECONNREFUSED' || code === 'EAI_AGAIN' ? 'unavailable' : 'unclear';
}

/** Errors of one attempt that another attempt may cure (retryVerdictFor), keyed by the error itself. */
const retryable = new WeakMap<object, RetryVerdict>();

function markRetryable(error: ImportedKeyError, verdict: RetryVerdict): ImportedKeyError {
  if (verdict) retryable.set(error, verdict);
  return error;
}
