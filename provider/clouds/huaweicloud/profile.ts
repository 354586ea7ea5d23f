// What `check` knows about Huawei Cloud KMS offline: plain data, no adapter (the registry, ../index.ts, builds that
// through ./index.ts).
import { randomBytes } from 'node:crypto';
import type { WrappingAlgorithm } from '../../../core/wrapping';
import type { CloudProfile } from '../adapter';
import { ENV, HUAWEICLOUD_REGION_PATTERN } from './settings';

export const KEY_SPECS = ['AES_256', 'SM4'] as const;

/** RSAES_OAEP_SHA_256 is Huawei's default; SM2PKE goes on the wire as SM2_ENCRYPT; the last two are older regions'. */
const ALGORITHMS: readonly WrappingAlgorithm[] = ['RSAES_OAEP_SHA_256', 'SM2PKE', 'RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1'];

export const KEY_ID_PATTERN = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;

/**
 * project_id: "The value returned by the IAM API is used, which contains 32 characters" (Huawei Cloud DEW API
 * reference, CreateKey, https://support.huaweicloud.com/intl/en-us/api-dew/CreateKey.html); IAM's project ids are 32
 * lowercase hexadecimal characters. Required: every KMS path is /v1.0/{project_id}/kms/… (argument or environment).
 */
export const PROJECT_ID_PATTERN = /^[0-9a-f]{32}$/;

/** key_description: "0 to 255 characters" (Huawei Cloud DEW API reference, CreateKey, as above). */
export const DESCRIPTION_MAX = 255;

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
  region: {
    pattern: HUAWEICLOUD_REGION_PATTERN,
    example: 'cn-north-4',
    environment: ENV.region,
    // With an endpoint the signer needs no region (SDK-HMAC-SHA256 does not sign one).
    endpointSuffices: true,
  },
  project: { pattern: PROJECT_ID_PATTERN, describe: '32 lowercase hexadecimal characters, as IAM gives it', environment: ENV.projectId },
  descriptionMaxLength: DESCRIPTION_MAX,
  // No tagLimits: the adapter cannot set tags on Huawei keys yet, so `check` refuses them.
  // A bare host gets https://; a path is kept as a prefix of /v1.0/{project_id}/kms/…; a query would be dropped.
  endpointForm: { bareHost: true, path: true },
};
