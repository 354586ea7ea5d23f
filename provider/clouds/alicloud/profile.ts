// What `check` knows about Alibaba Cloud KMS offline: plain data, no adapter (the registry, ../index.ts, builds that
// through ./index.ts).

import type { WrappingAlgorithm } from '../../../core/wrapping';
import type { CloudProfile } from '../adapter';
import { ImportedKeyError } from '../../../core/errors';
import { ALICLOUD_REGION_PATTERN, ALICLOUD_REGION_VARIABLES } from './settings';

export const ALICLOUD_KEY_SPECS = ['Aliyun_AES_256', 'Aliyun_SM4'] as const;
export type AlicloudKeySpec = (typeof ALICLOUD_KEY_SPECS)[number];

/** CreateAlias's AliasName. */
export const ALIAS_PATTERN = /^alias\/[a-zA-Z0-9:/_-]{1,249}$/;

const RSA_ALGORITHMS: readonly WrappingAlgorithm[] = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'];

export const PROTECTION_LEVELS = ['SOFTWARE', 'HSM'] as const;

/**
 * SM4 exists only in Alibaba's managed HSMs (mainland China), so Aliyun_SM4 keys are HSM keys; Aliyun_AES_256
 * keys are SOFTWARE unless the user asks for HSM. The first level is the default.
 */
export function protectionLevelsFor(keySpec: string): readonly string[] {
  return requireKeySpec(keySpec) === 'Aliyun_SM4' ? ['HSM'] : PROTECTION_LEVELS;
}

/** The level a key of this spec is created with: the one asked for, else the spec's default. */
export function protectionLevelFor(keySpec: string, asked?: string): string {
  return asked ?? protectionLevelsFor(keySpec)[0];
}

/**
 * The tables above are keyed by key spec; one they do not have is refused here. `check` never asks with such a spec (it
 * refuses the keySpec first); kept because tests/provider/clouds/alicloud/profile.test.ts pins the refusal ("refuses a
 * key spec Alibaba does not have"), and the adapter's createKey relies on it (protectionLevelsFor).
 */
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
  // Only HSM keys take SM2PKE-wrapped material (WrappingKeySpec EC_SM2); SOFTWARE keys take the RSA algorithms.
  wrappingAlgorithms(keySpec: string, protectionLevel?: string): readonly WrappingAlgorithm[] {
    return protectionLevelFor(keySpec, protectionLevel) === 'HSM' ? [...RSA_ALGORITHMS, 'SM2PKE'] : RSA_ALGORITHMS;
  },
  protectionLevels: protectionLevelsFor,
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
  // CreateAlias takes AliasName alias/<1–249 of letters, digits, : / _ ->.
  aliasPattern: ALIAS_PATTERN,
  region: {
    pattern: ALICLOUD_REGION_PATTERN,
    example: 'cn-hangzhou',
    environment: ALICLOUD_REGION_VARIABLES,
    // With an endpoint the client needs no region (RegionId then defaults to cn-hangzhou).
    endpointSuffices: true,
  },
  // CreateKey's Description: "0 to 8,192 characters in length" (Alibaba Cloud KMS API reference, CreateKey,
  // https://www.alibabacloud.com/help/en/kms/developer-reference/api-createkey).
  descriptionMaxLength: 8192,
  // TagResource (what the adapter calls): "You can add up to 10 tags to a key"; TagResources: a tag key up to 128
  // characters that "cannot start with aliyun or acs:", a tag value up to 128 characters (Alibaba Cloud KMS API
  // reference, api-tagresource and api-kms-2016-01-20-tagresources).
  tagLimits: { maxTags: 10, keyLength: { min: 1, max: 128 }, valueLength: { min: 0, max: 128 }, reservedKeyPrefixes: ['aliyun', 'acs:'] },
  // The client takes https://host, http://host:port or a bare host; RPC calls always go to "/" (no path, no query).
  endpointForm: { bareHost: true, path: false },
  keyIdRegion: (keyId: string) => /^acs:kms:([a-z0-9-]+):/.exec(keyId)?.[1],
  // A key id (UUID or the newer key-… form), an alias, or an ARN acs:kms:REGION:ACCOUNT:key/ID — all accepted by DescribeKey.
  keyIdPattern:
    /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|key-[a-z0-9]{8,64}|alias\/[a-zA-Z0-9_/-]{1,255}|acs:kms:[a-z0-9-]+:\d+:(?:key\/[a-zA-Z0-9-]+|alias\/[a-zA-Z0-9_/-]+))$/,
};
