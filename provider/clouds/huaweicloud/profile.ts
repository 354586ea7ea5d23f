// What `check` knows about Huawei Cloud KMS offline, and how to build its adapter.
import { randomBytes } from 'node:crypto';
import type { WrappingAlgorithm } from '../../wrapping';
import type { AdapterConfig, CloudProfile, KmsAdapter } from '../adapter';

export const KEY_SPECS = ['AES_256', 'SM4'] as const;

/** RSAES_OAEP_SHA_256 is Huawei's default; SM2PKE goes on the wire as SM2_ENCRYPT; the last two are older regions'. */
const ALGORITHMS: readonly WrappingAlgorithm[] = ['RSAES_OAEP_SHA_256', 'SM2PKE', 'RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1'];

export const KEY_ID_PATTERN = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;

/** key_alias is ^[a-zA-Z0-9:/_-]{1,255}$. */
export const ALIAS_MAX = 255;
export const KEY_ALIAS_PATTERN = /^[a-zA-Z0-9:/_-]{1,255}$/;

/** A name made valid as a key_alias: other characters become "-", cut to `max`. */
export function sanitizeAlias(name: string, max: number): string {
  return name.replace(/[^a-zA-Z0-9:/_-]/g, '-').slice(0, max);
}

/** As Pulumi auto-names: the resource name made valid, "-", 7 random hex characters (a replacement gets a new one). */
export function deriveKeyAlias(resourceName: string, suffix: string = randomBytes(4).toString('hex').slice(0, 7)): string {
  const base = sanitizeAlias(resourceName, ALIAS_MAX - suffix.length - 1) || 'imported-key';
  return `${base}-${suffix}`;
}

export const huaweicloudProfile: CloudProfile = {
  cloud: 'huaweicloud',
  keySpecs: KEY_SPECS,
  defaultKeySpec: 'AES_256',
  wrappingAlgorithms(keySpec: string): readonly WrappingAlgorithm[] {
    return (KEY_SPECS as readonly string[]).includes(keySpec) ? ALGORITHMS : [];
  },
  wrappingKeySpecs(algorithm: WrappingAlgorithm): readonly string[] {
    if (algorithm === 'SM2PKE') return ['SM2'];
    return ALGORITHMS.includes(algorithm) ? ['RSA_2048'] : [];
  },
  // Huawei accepts 7-1096 days; 7 is what its console and Terraform provider use when nothing is set.
  deletionWindowDays: { min: 7, max: 1096, default: 7 },
  keyUsages(keySpec: string): readonly string[] {
    return (KEY_SPECS as readonly string[]).includes(keySpec) ? ['ENCRYPT_DECRYPT'] : [];
  },
  keyIdPattern: KEY_ID_PATTERN,
  // A given alias is refused at check when Huawei would refuse it; only a derived one is made valid.
  aliasPattern: KEY_ALIAS_PATTERN,
  deriveAlias: (resourceName: string) => deriveKeyAlias(resourceName),
  createAdapter(config: AdapterConfig): KmsAdapter {
    // Loaded on use so that `check` never reads credentials.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { HuaweiKmsAdapter } = require('./adapter') as typeof import('./adapter');
    return HuaweiKmsAdapter.fromConfig(config);
  },
};
