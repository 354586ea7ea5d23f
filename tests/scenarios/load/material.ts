// TEST ONLY: what the load program (./program) and its test (../load.test.ts) agree on: the key names, and each
// key's own material, derived from one secret seed (HMAC-SHA256(seed, name): 32 bytes, a different one per key),
// so a material imported into the wrong key, or a key missing its own, is caught.
import { createHmac } from 'node:crypto';

export const LOAD_CLOUDS = ['aws', 'alicloud', 'huaweicloud', 'pingan'] as const;
export type LoadCloud = (typeof LOAD_CLOUDS)[number];

/** The emulator's name for each cloud (its request counts are `<name>:<Operation>`, its store keys `cloud: <name>`). */
export const EMULATOR_CLOUD: Record<LoadCloud, string> = { aws: 'aws', alicloud: 'alibaba', huaweicloud: 'huawei', pingan: 'pingan' };

export function keyName(cloud: LoadCloud, index: number): string {
  return `${cloud}-${String(index).padStart(3, '0')}`;
}

/** The names of every key for these counts, clouds interleaved (aws-000, alicloud-000, huaweicloud-000, pingan-000, aws-001, …). */
export function keyNames(counts: Partial<Record<LoadCloud, number>>): Array<{ cloud: LoadCloud; name: string }> {
  const most = Math.max(0, ...LOAD_CLOUDS.map((c) => counts[c] ?? 0));
  const names: Array<{ cloud: LoadCloud; name: string }> = [];
  for (let i = 0; i < most; i++) for (const cloud of LOAD_CLOUDS) if (i < (counts[cloud] ?? 0)) names.push({ cloud, name: keyName(cloud, i) });
  return names;
}

/** The alias a key asks for: AWS and Alibaba `alias/<name>`; Ping An `<name>` (no documented pattern); Huawei's is derived. */
export function aliasFor(cloud: LoadCloud, name: string): string | undefined {
  if (cloud === 'huaweicloud') return undefined;
  return cloud === 'pingan' ? name : `alias/${name}`;
}

export function materialFor(seedBase64: string, name: string): Buffer {
  return createHmac('sha256', Buffer.from(seedBase64, 'base64')).update(name).digest();
}
