// The contract between the emulator's one HTTP server and each cloud's protocol module.
//
// How to add a cloud (Alibaba, Huawei, ...):
//   1. Write emulator/protocols/<cloud>/ with the same files as the others — protocol.ts (the `Protocol` object:
//      recognises, authenticates, routes), operations.ts (the operations on the store), wire.ts (requests and
//      replies), auth.ts (the signature), errors.ts (the cloud's error codes and envelopes). The module is
//      stateless: everything it needs, per-emulator state included, arrives in `ProtocolContext`.
//   2. Add it to the list in emulator/protocols/index.ts (one line).
// The server does the rest: body reading and size cap, request counting as `<cloud>:<operation>`,
// faults (latency, throttling, fail-next-N, dropped replies) and the one-line request log.
//
// A protocol: recognises its requests (`matches`), names the operation (`operation`, used for
// counting and fault targets BEFORE `handle` runs, so it must not throw), checks the signature
// against `context.credentials`, parses the wire format, calls the shared `context.store` (which
// enforces the key rules: states, tokens, same material, expiry) and maps `StoreError.kind` to its
// cloud's error names and statuses. It never logs and never puts material or tokens in a message.

import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorClock } from '../clock';
import type { DialectPoints, Dialects } from '../dialects';
import type { KeyStore } from '../store';
import type { NonceCache } from './nonces';

export interface ProtocolRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The request target as received (path + query), e.g. `/v1.0/abc/kms/create-key?x=1`. */
  readonly rawUrl: string;
  /** Decoded path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Node's lower-cased headers. */
  readonly headers: IncomingHttpHeaders;
  /** Raw body bytes (empty when `bodyTooLarge`). */
  readonly body: Buffer;
  /** Set when the body exceeded the server's cap: the server answers with `errorResponse('tooLarge')`. */
  readonly bodyTooLarge: boolean;
}

export interface ProtocolResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface Credentials {
  accessKey: string;
  secretKey: string;
}

export interface ProtocolContext {
  readonly store: KeyStore;
  readonly clock: EmulatorClock;
  /** The one access key / secret every cloud's signature is checked against. */
  readonly credentials: Credentials;
  /** Signature nonces already used at this emulator (Alibaba refuses a SignatureNonce twice). */
  readonly nonces: NonceCache;
  /** The variants chosen through POST /_emulator/dialect, per cloud (see dialects.ts); defaults when none was. */
  readonly dialects: Dialects;
}

/**
 * Errors the server asks a protocol for, in the cloud's own shape:
 * - throttling: the cloud's throttling error (AWS: 400 ThrottlingException);
 * - internal: a 500 (AWS KMSInternalException);
 * - unavailable: a 503 (AWS DependencyTimeoutException / ServiceUnavailable);
 * - tooLarge: the body exceeded the cap.
 */
export type ServerErrorKind = 'throttling' | 'internal' | 'unavailable' | 'tooLarge';

export interface Protocol {
  /**
   * The cloud's name, as users pass it as `cloud` and as its folder is called: `aws`, `alicloud`, `huaweicloud`. The
   * server counts requests as `<cloud>:<Operation>`; fault targets and the consistency control take it.
   */
  readonly cloud: string;
  /**
   * Earlier names of this cloud (`alibaba`, `huawei`), still working: fault targets and the consistency control take
   * them, and request counts are readable under them too (`alibaba:CreateKey` beside `alicloud:CreateKey`).
   */
  readonly aliases?: readonly string[];
  /**
   * The name the store keeps this cloud's keys under (`StoredKey.cloud`, the state file, consistency delays) and
   * the request log shows; defaults to `cloud`. Alibaba and Huawei keep their earlier names there, so state files
   * written before and scripts reading the log keep working.
   */
  readonly storeCloud?: string;
  /**
   * Where this cloud's API is not documented and tests need the emulator to answer in more than one way: point →
   * variants, the first the assumed default. Chosen through POST /_emulator/dialect; read from `context.dialects`.
   */
  readonly dialect?: DialectPoints;
  /** True when this request belongs to this cloud (headers, path, query; `body` may be used when present). */
  matches(request: ProtocolRequest): boolean;
  /** The operation name for counters and faults, e.g. `CreateKey`; an unknown name is returned as sent. Must not throw. */
  operation(request: ProtocolRequest): string;
  /** Serves the request. Thrown errors become `errorResponse('internal')` (the server never crashes). */
  handle(request: ProtocolRequest, context: ProtocolContext): Promise<ProtocolResponse> | ProtocolResponse;
  /** `context` is given by the server (a protocol whose error shape has dialect variants reads them there). */
  errorResponse(kind: ServerErrorKind, request: ProtocolRequest, context?: ProtocolContext): ProtocolResponse;
}

/** Every name a protocol answers to: its cloud name first, then its earlier names. */
export function namesOf(protocol: Protocol): readonly string[] {
  return [protocol.cloud, ...(protocol.aliases ?? [])];
}

/** The name the store (and the request log, and the consistency delays) knows the protocol's cloud by. */
export function storeCloudOf(protocol: Protocol): string {
  return protocol.storeCloud ?? protocol.cloud;
}

/** Every name of the cloud that `name` names among `protocols` (store name, cloud name, earlier names); `[name]` when none. */
export function cloudNames(protocols: readonly Protocol[], name: string): readonly string[] {
  const protocol = protocols.find((p) => storeCloudOf(p) === name || namesOf(p).includes(name));
  return protocol ? [...new Set([storeCloudOf(protocol), ...namesOf(protocol)])] : [name];
}
