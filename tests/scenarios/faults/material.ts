// TEST ONLY: what the faults program (./program) and its test (../faults.test.ts) agree on: the key names, their
// clouds, and each key's own material, derived from one secret seed (HMAC-SHA256(seed, name): 32 bytes, one per key),
// so material imported into the wrong key, or a key missing its own, is caught.
import { createHmac } from 'node:crypto';

export const FAULT_CLOUDS = ['aws', 'alicloud', 'huaweicloud', 'pingan'] as const;
export type FaultCloud = (typeof FAULT_CLOUDS)[number];

/** The emulator's name for each cloud (its request counts are `<name>:<Operation>`, its store keys `cloud: <name>`). */
export const EMULATOR_CLOUD: Record<FaultCloud, string> = { aws: 'aws', alicloud: 'alibaba', huaweicloud: 'huawei', pingan: 'pingan' };

export interface FaultKey {
  name: string;
  cloud: FaultCloud;
  /** false: the key asks for no alias (where the cloud lets an alias be left out). */
  alias?: false;
}

/**
 * The alias a key asks for: AWS and Alibaba `alias/…`; Ping An's CreateCmk takes one with no documented pattern (no
 * `alias/` prefix); Huawei's is derived from the resource name.
 */
export function aliasFor(key: FaultKey): string | undefined {
  if (key.cloud === 'huaweicloud' || key.alias === false) return undefined;
  return key.cloud === 'pingan' ? `faults-${key.name}` : `alias/faults-${key.name}`;
}

export function materialFor(seedBase64: string, name: string): Buffer {
  return createHmac('sha256', Buffer.from(seedBase64, 'base64')).update(name).digest();
}
