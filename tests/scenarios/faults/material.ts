// TEST ONLY: what the faults program (./program) and its test (../faults.test.ts) agree on: the key names, their
// clouds, and each key's own material, derived from one secret seed (HMAC-SHA256(seed, name): 32 bytes, one per key),
// so material imported into the wrong key, or a key missing its own, is caught.
import { createHmac } from 'node:crypto';

export const FAULT_CLOUDS = ['aws', 'alicloud', 'huaweicloud'] as const;
export type FaultCloud = (typeof FAULT_CLOUDS)[number];

/** The emulator's name for each cloud (its request counts are `<name>:<Operation>`, its store keys `cloud: <name>`). */
export const EMULATOR_CLOUD: Record<FaultCloud, string> = { aws: 'aws', alicloud: 'alibaba', huaweicloud: 'huawei' };

export interface FaultKey {
  name: string;
  cloud: FaultCloud;
}

/** The alias a key asks for (AWS, Alibaba); Huawei's is derived from the resource name. */
export function aliasFor(key: FaultKey): string | undefined {
  return key.cloud === 'huaweicloud' ? undefined : `alias/faults-${key.name}`;
}

export function materialFor(seedBase64: string, name: string): Buffer {
  return createHmac('sha256', Buffer.from(seedBase64, 'base64')).update(name).digest();
}
