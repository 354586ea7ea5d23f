// Test helper: an in-process emulator on a free loopback port for one mocha `describe`.
//
//   const emu = useEmulator();                 // call inside describe(): before() starts, after() closes
//   new KMSClient({ endpoint: emu.url, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS });
//   await emu.advanceClock(86_400);            // move the emulator clock
//   expect((await emu.requestCounts())['aws:CreateKey']).to...
//
// The helpers talk to the emulator over its /_emulator/* HTTP controls, like any other client.

import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator';
import type { StoreSnapshot } from '../../emulator/store-types';

export const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export interface EmulatorHandle {
  /** `http://127.0.0.1:PORT`; valid inside tests (after before() ran). */
  readonly url: string;
  /** The running emulator (store, clock, faults) for white-box assertions. */
  readonly running: RunningEmulator;
  advanceClock(seconds: number): Promise<string>;
  setClock(iso: string): Promise<string>;
  requestCounts(): Promise<Record<string, number>>;
  /** Adds a fault rule (see the README: target, latencyMs, throttleRate, failNext, failStatus, dropNext). */
  addFault(rule: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  reset(): Promise<void>;
}

/**
 * A program's environment for the emulator on every cloud at once, with the emulator's one access key pair:
 * AWS (and its region, us-east-1), Alibaba, Huawei and Ping An, each under the variable names its client reads.
 */
export function everyCloudEnvironment(accessKey: string, secretKey: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: accessKey, AWS_SECRET_ACCESS_KEY: secretKey, AWS_REGION: 'us-east-1',
    ALIBABA_CLOUD_ACCESS_KEY_ID: accessKey, ALIBABA_CLOUD_ACCESS_KEY_SECRET: secretKey,
    HUAWEICLOUD_SDK_AK: accessKey, HUAWEICLOUD_SDK_SK: secretKey,
    PINGAN_ACCESS_KEY_ID: accessKey, PINGAN_ACCESS_KEY_SECRET: secretKey,
  };
}

export function useEmulator(options: EmulatorOptions = {}): EmulatorHandle {
  let running: RunningEmulator | undefined;
  before(async () => {
    running = await startEmulator(options);
  });
  after(async () => {
    await running?.close();
    running = undefined;
  });
  const current = (): RunningEmulator => {
    if (!running) throw new Error('the emulator is not running: call useEmulator() inside describe() and use it inside tests');
    return running;
  };
  return {
    get url() {
      return current().url;
    },
    get running() {
      return current();
    },
    advanceClock: async (seconds) => ((await control(current().url, 'POST', '/_emulator/clock', { advanceSeconds: seconds })) as { now: string }).now,
    setClock: async (iso) => ((await control(current().url, 'POST', '/_emulator/clock', { now: iso })) as { now: string }).now,
    requestCounts: async () => (await control(current().url, 'GET', '/_emulator/requests')) as Record<string, number>,
    addFault: async (rule) => {
      await control(current().url, 'POST', '/_emulator/faults', rule);
    },
    clearFaults: async () => {
      await control(current().url, 'DELETE', '/_emulator/faults');
    },
    reset: async () => {
      await control(current().url, 'POST', '/_emulator/reset');
    },
  };
}

/** Calls a control endpoint; throws with the emulator's message on a non-2xx status. */
export async function control(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * The bytes of a key's CURRENT material while it is imported, read from a store snapshot; undefined when the key has
 * none imported. (Keys hold several materials by id since AWS rotation; the CURRENT one is the one in use.)
 */
export function importedCurrentMaterial(snapshot: StoreSnapshot, keyId: string): Buffer | undefined {
  const current = snapshot.keys.find((k) => k.id === keyId)?.materials?.find((m) => m.state === 'CURRENT' && m.importState === 'IMPORTED');
  const b64 = current && snapshot.secret.materials.find((m) => m.keyId === keyId)?.byId?.[current.id];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64');
}
