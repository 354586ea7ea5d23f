// startEmulator(options): the local KMS emulator, in-process. One loopback port serves every
// cloud's protocol over one shared key store. The CLI (bin/kms-emulator.ts) is a thin wrapper.

import type { AddressInfo } from 'node:net';
import { EmulatorClock } from './clock';
import type { Consistency } from './consistency';
import { Dialects } from './dialects';
import { Faults } from './faults';
import { parseQuotaSetting, Quotas, type QuotaSetting } from './quotas';
import { WrappingKeyPool, type WrappingKeyPoolOptions } from './wrapping-key-pool';
import { statePersistence } from './persistence';
import { protocols as defaultProtocols } from './protocols';
import { cloudNames, namesOf, type Protocol } from './protocols/types';
import { requestCounts } from './controls';
import { createEmulatorServer, DEFAULT_MAX_BODY_BYTES } from './server';
import { KeyStore } from './store';

/** How long an idle keep-alive connection stays open: a minute, as load balancers in front of cloud APIs commonly keep theirs. */
const KEEP_ALIVE_TIMEOUT_MS = 60_000;

export interface EmulatorOptions {
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Keep state in this file (atomic rewrite after every change; loaded at start). */
  stateFile?: string;
  /** The access key every cloud's signature is checked against. Default `test`. */
  accessKey?: string;
  /** The secret key. Default `test`. Also seals the material in the state file. */
  secretKey?: string;
  /** Request body cap in bytes. Default 256 KiB. */
  maxBodyBytes?: number;
  /** One line per request (cloud, operation, status, latency). Default: silent. */
  log?: (line: string) => void;
  /** Override the protocol list (tests). */
  protocols?: readonly Protocol[];
  /** Throttle as the clouds' published request quotas, scaled (`{preset: 'published', scale: 10}`): see quotas.ts. Default off. */
  quotas?: QuotaSetting;
  /** Wrapping key pairs made ahead for GetParametersForImport (wrapping-key-pool.ts): `{size, warm}`; `{size: 0}` turns it off. */
  wrappingKeyPool?: WrappingKeyPoolOptions;
  /** How long an AWS RotateKeyOnDemand takes on the emulator clock, in seconds. Default 3 (key-materials.ts). */
  rotationDelaySeconds?: number;
}

export interface RunningEmulator {
  /** `http://HOST:PORT` */
  url: string;
  host: string;
  port: number;
  store: KeyStore;
  clock: EmulatorClock;
  faults: Faults;
  /** The request quotas in force (`quotas.set({preset: 'published', scale: 10})`); off by default. */
  quotas: Quotas;
  /** The pre-generated wrapping key pairs (`wrappingKeys.stats()`). */
  wrappingKeys: WrappingKeyPool;
  /** How long each cloud's describes lag behind changes (`consistency.setDelay('aws', 2000)`); off by default. */
  consistency: Consistency;
  /** The variants chosen for the clouds' undocumented points (`dialects.set({cloud: 'pingan', keyState: 'digits'})`). */
  dialects: Dialects;
  /** Request counts by `<cloud>:<Operation>` (`aws`, `alicloud`, `huaweicloud`, `pingan`), also under the earlier names `alibaba`, `huawei`. */
  requestCounts(): Record<string, number>;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const credentials = { accessKey: options.accessKey ?? 'test', secretKey: options.secretKey ?? 'test' };
  const clock = new EmulatorClock();
  // Validated before anything starts.
  const quotaSetting = options.quotas === undefined ? undefined : parseQuotaSetting(options.quotas);
  // Warmed only once listening: a start that fails (a state file sealed with another secret, a port taken) must leave
  // no generation running.
  const wrappingKeys = new WrappingKeyPool({ size: options.wrappingKeyPool?.size });
  const rotationDelayMs = options.rotationDelaySeconds === undefined ? undefined : rotationDelayOf(options.rotationDelaySeconds, 'rotationDelaySeconds');
  const store = new KeyStore(clock, wrappingKeys, rotationDelayMs);
  const protocols = options.protocols ?? defaultProtocols;
  const faults = new Faults((cloud) => cloudNames(protocols, cloud));
  const quotas = new Quotas();
  if (quotaSetting) quotas.set(quotaSetting);
  const counts = new Map<string, number>();
  // Only clouds whose protocol names dialect points can be switched (POST /_emulator/dialect).
  const dialects = new Dialects(protocols.flatMap((p) => (p.dialect ? [{ cloud: p.cloud, names: namesOf(p), points: p.dialect }] : [])));
  let closed = false;

  // One save for the clock and the store (persistence.ts): after every change to the store, and when the clock is set
  // through the controls. A stopped emulator saves nothing: a successor may own the state file already.
  let persist = (): void => undefined;
  if (options.stateFile) {
    const state = statePersistence(options.stateFile, credentials.secretKey, clock, store);
    state.restore();
    persist = () => {
      if (!closed) state.persist();
    };
    store.onChange = persist;
    persist(); // the file exists (and is in the current format) from the start
  }

  const server = createEmulatorServer({
    store,
    clock,
    faults,
    quotas,
    counts,
    protocols,
    dialects,
    credentials,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    log: options.log ?? (() => undefined),
    closed: () => closed,
    persist: () => persist(),
  });
  // Idle keep-alive connections live longer than any client keeps them unused: a server that closes a socket at the
  // moment a client reuses it makes that request fail ("socket hang up"). Node's global agent drops idle sockets after
  // 5 s, the Alibaba SDK's agent never does; 5 s here (Node's default) raced both, and failed a test's read in CI.
  // close() ends every connection, idle or not (closeAllConnections), so nothing outlives the emulator.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  for (const spec of options.wrappingKeyPool?.warm ?? []) wrappingKeys.warm(spec);
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    store,
    clock,
    faults,
    quotas,
    wrappingKeys,
    consistency: store.consistency,
    dialects,
    requestCounts: () => requestCounts(counts, protocols),
    close() {
      // A stopped emulator does no more work and writes no more state: a successor may own the state file already.
      closed = true;
      store.onChange = () => undefined;
      closing ??= Promise.all([
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        }),
        // Pairs still being generated are waited for, so nothing of this emulator runs after close().
        wrappingKeys.close(),
      ]).then(() => undefined);
      return closing;
    },
  };
}

/** Seconds (a finite number ≥ 0) → ms; the message names `field` and what is allowed. */
export function rotationDelayOf(seconds: unknown, field: string): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw new Error(`'${field}' must be a number of seconds, 0 or more`);
  return Math.round(seconds * 1000);
}

export type { Protocol, ProtocolRequest, ProtocolResponse, ProtocolContext, ServerErrorKind } from './protocols/types';
export { KeyStore } from './store';
export { Consistency } from './consistency';
export { Dialects } from './dialects';
export { StoreError } from './store-errors';
