// What `check` knows about Alibaba Cloud KMS offline, and how to build its adapter.

import type { WrappingAlgorithm } from '../../wrapping';
import type { AdapterConfig, CloudProfile, KmsAdapter } from '../adapter';
import { ImportedKeyError } from '../../errors';

export const ALICLOUD_KEY_SPECS = ['Aliyun_AES_256', 'Aliyun_SM4'] as const;
export type AlicloudKeySpec = (typeof ALICLOUD_KEY_SPECS)[number];

const RSA_ALGORITHMS: readonly WrappingAlgorithm[] = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'];

/**
 * SM4 exists only in Alibaba's managed HSMs (mainland China), so Aliyun_SM4 keys are created with
 * ProtectionLevel HSM, and only HSM keys take SM2PKE-wrapped material (WrappingKeySpec EC_SM2).
 * Aliyun_AES_256 keys are created SOFTWARE, which takes the RSA algorithms only.
 */
export function protectionLevelFor(keySpec: string): 'HSM' | 'SOFTWARE' {
  return keySpec === 'Aliyun_SM4' ? 'HSM' : 'SOFTWARE';
}

function requireKeySpec(keySpec: string): AlicloudKeySpec {
  if (!(ALICLOUD_KEY_SPECS as readonly string[]).includes(keySpec)) {
    throw new ImportedKeyError(
      'InvalidArgument',
      `keySpec "${keySpec}" is not an Alibaba Cloud KMS key spec that takes imported material; allowed: ${ALICLOUD_KEY_SPECS.join(', ')}`,
    );
  }
  return keySpec as AlicloudKeySpec;
}

export const alicloudProfile: CloudProfile = {
  cloud: 'alicloud',
  keySpecs: ALICLOUD_KEY_SPECS,
  defaultKeySpec: 'Aliyun_AES_256',
  wrappingAlgorithms(keySpec: string): readonly WrappingAlgorithm[] {
    return protectionLevelFor(requireKeySpec(keySpec)) === 'HSM' ? [...RSA_ALGORITHMS, 'SM2PKE'] : RSA_ALGORITHMS;
  },
  wrappingKeySpecs(algorithm: WrappingAlgorithm): readonly string[] {
    if (algorithm === 'SM2PKE') return ['EC_SM2'];
    if (RSA_ALGORITHMS.includes(algorithm)) return ['RSA_2048'];
    return [];
  },
  // ScheduleKeyDeletion takes PendingWindowInDays 7–366; 30 matches the AWS default and Terraform's.
  deletionWindowDays: { min: 7, max: 366, default: 30 },
  // KeyMaterialExpireUnix has no documented upper bound.
  maxExpiryDays: undefined,
  keyUsages(keySpec: string): readonly string[] {
    requireKeySpec(keySpec);
    return ['ENCRYPT/DECRYPT'];
  },
  // A key id (UUID or the newer key-… form), an alias, or an ARN acs:kms:REGION:ACCOUNT:key/ID — all accepted by DescribeKey.
  keyIdPattern:
    /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|key-[a-z0-9]{8,64}|alias\/[a-zA-Z0-9_/-]{1,255}|acs:kms:[a-z0-9-]+:\d+:(?:key\/[a-zA-Z0-9-]+|alias\/[a-zA-Z0-9_/-]+))$/,
  createAdapter(config: AdapterConfig): KmsAdapter {
    // Required at call time so that `check` never loads the Alibaba SDK.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { createAlicloudAdapter } = require('./adapter') as typeof import('./adapter');
    return createAlicloudAdapter(config);
  },
};
