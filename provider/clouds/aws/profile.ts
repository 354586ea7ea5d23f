// What `check` knows about AWS KMS offline (API reference, GetParametersForImport / ImportKeyMaterial /
// ScheduleKeyDeletion): plain data, no adapter (the registry, ../index.ts, builds that through ./index.ts).

import type { WrappingAlgorithm } from '../../../core/wrapping';
import type { CloudProfile } from '../adapter';
import { AWS_REGION_VARIABLES, awsRegionFoundElsewhere, resolveAwsRegion } from './settings';

export const AWS_KEY_SPECS = [
  'SYMMETRIC_DEFAULT',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SM2',
] as const;

// RSA private keys only fit through the hybrid RSA_AES wrap; ECC keys may use either (RSA_AES first, per the issue).
const HYBRID: readonly WrappingAlgorithm[] = ['RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1'];
const DIRECT: readonly WrappingAlgorithm[] = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'];

export function awsWrappingAlgorithms(keySpec: string): readonly WrappingAlgorithm[] {
  if (keySpec.startsWith('RSA_')) return [...HYBRID, 'SM2PKE'];
  if (keySpec.startsWith('ECC_') || keySpec === 'SM2') return [...HYBRID, ...DIRECT, 'SM2PKE'];
  if (keySpec === 'SYMMETRIC_DEFAULT' || keySpec.startsWith('HMAC_')) return [...DIRECT, ...HYBRID, 'SM2PKE'];
  return [];
}

export function awsKeyUsages(keySpec: string): readonly string[] {
  if (keySpec === 'SYMMETRIC_DEFAULT') return ['ENCRYPT_DECRYPT'];
  if (keySpec.startsWith('HMAC_')) return ['GENERATE_VERIFY_MAC'];
  if (keySpec.startsWith('RSA_')) return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
  if (keySpec === 'ECC_SECG_P256K1') return ['SIGN_VERIFY'];
  if (keySpec.startsWith('ECC_')) return ['SIGN_VERIFY', 'KEY_AGREEMENT'];
  if (keySpec === 'SM2') return ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'KEY_AGREEMENT'];
  return [];
}

/**
 * Region names as AWS spells them (lower case, no spaces): us-east-1, us-gov-west-1, cn-northwest-1, us-isob-east-1,
 * eusc-de-east-1. An upper-case name would reach AWS and fail its signature check; a space fails in the SDK at `up`.
 */
export const AWS_REGION_PATTERN = /^[a-z]{2,4}(?:-[a-z]+){1,2}-\d{1,2}$/;

/** The region in a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); undefined for a bare key id. */
function awsKeyIdRegion(keyId: string): string | undefined {
  return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1];
}

/** SM2 keys and SM2 wrapping keys exist only in the China Regions (partition aws-cn: cn-north-1, cn-northwest-1). */
function awsRegionLimits(region: string | undefined, use: { keySpec?: string; wrappingAlgorithm?: string }) {
  const resolved = resolveAwsRegion({ region });
  if (resolved === undefined || resolved.startsWith('cn-')) return undefined;
  if (use.keySpec === 'SM2') return { property: 'keySpec', reason: `SM2 keys exist only in the AWS China Regions (cn-north-1, cn-northwest-1); the region is ${resolved}` };
  if (use.wrappingAlgorithm === 'SM2PKE') {
    return { property: 'wrappingAlgorithm', reason: `SM2PKE (SM2 wrapping keys) exists only in the AWS China Regions (cn-north-1, cn-northwest-1); the region is ${resolved}: use RSAES_OAEP_SHA_256` };
  }
  return undefined;
}

export const awsProfile: CloudProfile = {
  cloud: 'aws',
  keySpecs: AWS_KEY_SPECS,
  defaultKeySpec: 'SYMMETRIC_DEFAULT',
  wrappingAlgorithms: awsWrappingAlgorithms,
  wrappingKeySpecs(algorithm: WrappingAlgorithm) {
    // SM2 wrapping keys exist in the China Regions only; RSA_2048 is AWS's own default elsewhere.
    return algorithm === 'SM2PKE' ? ['SM2'] : ['RSA_2048', 'RSA_3072', 'RSA_4096'];
  },
  deletionWindowDays: { min: 7, max: 30, default: 30 },
  maxExpiryDays: 365,
  keyUsages: awsKeyUsages,
  regionLimits: awsRegionLimits,
  // 1–256 characters: alias/ then letters, digits, / _ -; alias/aws/ is reserved for AWS managed keys.
  aliasPattern: /^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/,
  region: {
    pattern: AWS_REGION_PATTERN,
    example: 'us-east-1',
    environment: AWS_REGION_VARIABLES,
    // The SDK signs every request with the region: an endpoint does not replace it.
    endpointSuffices: false,
    foundElsewhere: awsRegionFoundElsewhere,
  },
  // CreateKey's Description: 0–8192 characters (AWS KMS API Reference, CreateKey).
  descriptionMaxLength: 8192,
  // AWS KMS API Reference, Tag: TagKey 1–128, TagValue 0–256 characters; at most 50 tags per KMS key (KMS quotas,
  // "Tags per KMS key"); keys beginning with aws: are reserved for AWS (TagResource refuses them: TagException).
  tagLimits: { maxTags: 50, keyLength: { min: 1, max: 128 }, valueLength: { min: 0, max: 256 }, reservedKeyPrefixes: ['aws:'] },
  // The SDK needs a scheme (a bare host is "Invalid URL" at up); it keeps a path prefix and drops a query.
  endpointForm: { bareHost: false, path: true },
  keyIdRegion: awsKeyIdRegion,
  // Several materials per key and RotateKeyOnDemand between them: symmetric keys only (AWS refuses ImportType for HMAC and asymmetric keys).
  materialRotation: { keySpecs: ['SYMMETRIC_DEFAULT'] },
  // A key id (UUID or multi-Region mrk-<32 hex>) or a key ARN; aliases are refused: adoption pins one key.
  keyIdPattern: /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/)?(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
};
