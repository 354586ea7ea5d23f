// AWS-specific knowledge about keys: key specs and usages, ARNs, how KeyId / ARN / alias strings
// resolve to a stored key, which wrapping algorithms each key spec takes, and KeyMetadata.

import { generateKeyPairSync, randomBytes, createPrivateKey } from 'node:crypto';
import type { EmulatorClock } from '../../clock';
import type { KeyRef, KeyStore, StoredKey } from '../../store';
import { generateWrappingKeyPair } from '../../../core/wrapping';
import type { WrappingAlgorithm } from '../../../core/wrapping';
import { AwsError } from './errors';
import { associatedExpiry } from '../../key-materials';
import { reqString, type Json } from './wire';

export const AWS_ACCOUNT_ID = '111122223333';
export const AWS_CLOUD = 'aws';

export const KEY_SPECS = [
  'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512',
  'RSA_2048', 'RSA_3072', 'RSA_4096',
  'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SM2',
] as const;
export type AwsKeySpec = (typeof KEY_SPECS)[number];
export const KEY_USAGES = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const;
export const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;
export const WRAPPING_ALGORITHMS_ENUM = ['RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256', 'SM2PKE'] as const;
export const WRAPPING_KEY_SPECS_ENUM = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'] as const;

/** Usages each key spec allows; the first is the default only for SYMMETRIC_DEFAULT (others must say). */
export const USAGES_BY_SPEC: Record<AwsKeySpec, readonly string[]> = {
  SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
  HMAC_224: ['GENERATE_VERIFY_MAC'],
  HMAC_256: ['GENERATE_VERIFY_MAC'],
  HMAC_384: ['GENERATE_VERIFY_MAC'],
  HMAC_512: ['GENERATE_VERIFY_MAC'],
  RSA_2048: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_3072: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_4096: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  ECC_NIST_P256: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_P384: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_P521: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_SECG_P256K1: ['SIGN_VERIFY'],
  SM2: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'],
};

export const MAC_ALGORITHM_BY_SPEC: Partial<Record<string, string>> = {
  HMAC_224: 'HMAC_SHA_224',
  HMAC_256: 'HMAC_SHA_256',
  HMAC_384: 'HMAC_SHA_384',
  HMAC_512: 'HMAC_SHA_512',
};

export function isChinaRegion(region: string): boolean {
  return region.startsWith('cn-');
}

export function partition(region: string): string {
  return isChinaRegion(region) ? 'aws-cn' : 'aws';
}

export function namespaceOf(region: string): string {
  return `${AWS_ACCOUNT_ID}:${region}`;
}

export function keyArn(region: string, keyId: string): string {
  return `arn:${partition(region)}:kms:${region}:${AWS_ACCOUNT_ID}:key/${keyId}`;
}

export function aliasArn(region: string, aliasName: string): string {
  return `arn:${partition(region)}:kms:${region}:${AWS_ACCOUNT_ID}:${aliasName}`;
}

const ARN = /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\d{12}):(key\/.+|alias\/.+)$/;

/**
 * Resolves a KeyId member (key id, key ARN, and where AWS allows them alias name or alias ARN)
 * to a stored key, or throws NotFoundException as KMS does. `described`: as DescribeKey sees keys and aliases
 * (changes may still be on their way: emulator/consistency.ts).
 */
export function resolveKey(store: KeyStore, region: string, value: string, allowAlias: boolean, described = false): StoredKey {
  const ns = namespaceOf(region);
  let target = value;
  if (value.startsWith('arn:')) {
    const match = ARN.exec(value);
    if (!match) throw new AwsError('NotFoundException', `Invalid arn ${value}`);
    const [, part, arnRegion, account, resource] = match;
    if (part !== partition(region) || arnRegion !== region || account !== AWS_ACCOUNT_ID) {
      throw new AwsError('NotFoundException', `${value} does not exist in this account and region (${AWS_ACCOUNT_ID}, ${region})`);
    }
    target = resource.startsWith('key/') ? resource.slice(4) : resource;
  }
  if (target.startsWith('alias/')) {
    if (!allowAlias) throw new AwsError('NotFoundException', `Invalid keyId ${value}: this operation takes a key ID or key ARN, not an alias`);
    const alias = described ? store.describeAlias(AWS_CLOUD, ns, target) : store.findAlias(AWS_CLOUD, ns, target);
    if (!alias) throw new AwsError('NotFoundException', `Alias ${aliasArn(region, target)} is not found.`);
    target = alias.keyId;
  }
  const key = described ? store.describeKey(AWS_CLOUD, ns, target) : store.findKey(AWS_CLOUD, ns, target);
  if (!key) throw new AwsError('NotFoundException', `Key '${keyArn(region, target)}' does not exist`);
  return key;
}

/** What every AWS operation handler gets: the shared store and clock, and where the caller signed for. */
export interface AwsCall {
  store: KeyStore;
  clock: EmulatorClock;
  region: string;
  ns: string;
}

/** The key named by the `KeyId` member (aliases only where AWS takes them). */
export function keyById(body: Json, call: AwsCall, allowAlias = false): StoredKey {
  return resolveKey(call.store, call.region, reqString(body, 'KeyId', { min: 1, max: 2048 }), allowAlias);
}

export function refOf(key: StoredKey): KeyRef {
  return { cloud: key.cloud, namespace: key.namespace, keyId: key.id };
}

/** Which wrapping algorithms AWS accepts for material of this key spec (RSA private keys need RSA_AES). */
export function wrappingAlgorithmsFor(keySpec: string, region: string): readonly WrappingAlgorithm[] {
  const china = isChinaRegion(region);
  if (keySpec.startsWith('RSA_')) return ['RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'];
  const base: WrappingAlgorithm[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'];
  if (china) base.push('SM2PKE');
  return base;
}

/** Material for keys KMS makes itself (origin AWS_KMS): random secret bytes or a fresh PKCS#8 private key. */
export function generateMaterial(keySpec: AwsKeySpec): Buffer {
  if (keySpec === 'SYMMETRIC_DEFAULT') return randomBytes(32);
  if (keySpec.startsWith('HMAC_')) return randomBytes(Number(keySpec.slice(5)) / 8);
  if (keySpec.startsWith('RSA_')) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: Number(keySpec.slice(4)) });
    return privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer;
  }
  if (keySpec === 'SM2') {
    return createPrivateKey(generateWrappingKeyPair('SM2').privateKeyPem).export({ format: 'der', type: 'pkcs8' }) as Buffer;
  }
  const curve = { ECC_NIST_P256: 'prime256v1', ECC_NIST_P384: 'secp384r1', ECC_NIST_P521: 'secp521r1', ECC_SECG_P256K1: 'secp256k1' }[keySpec as string];
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve ?? 'prime256v1' });
  return privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer;
}

export function encryptionAlgorithms(key: StoredKey): string[] | undefined {
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') return undefined;
  if (key.keySpec === 'SYMMETRIC_DEFAULT') return ['SYMMETRIC_DEFAULT'];
  if (key.keySpec.startsWith('RSA_')) return ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];
  if (key.keySpec === 'SM2') return ['SM2PKE'];
  return undefined;
}

export function signingAlgorithms(key: StoredKey): string[] | undefined {
  if (key.keyUsage !== 'SIGN_VERIFY') return undefined;
  if (key.keySpec.startsWith('RSA_')) {
    return ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512', 'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512'];
  }
  const bySpec: Record<string, string[]> = {
    ECC_NIST_P256: ['ECDSA_SHA_256'],
    ECC_NIST_P384: ['ECDSA_SHA_384'],
    ECC_NIST_P521: ['ECDSA_SHA_512'],
    ECC_SECG_P256K1: ['ECDSA_SHA_256'],
    SM2: ['SM2DSA'],
  };
  return bySpec[key.keySpec];
}

/** DescribeKey's KeyMetadata (and CreateKey's). Times are epoch seconds, as the JSON 1.1 protocol sends them. */
export function keyMetadata(key: StoredKey, region: string): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    AWSAccountId: AWS_ACCOUNT_ID,
    KeyId: key.id,
    Arn: keyArn(region, key.id),
    CreationDate: key.createdAt / 1000,
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.state,
    Origin: key.origin,
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    MultiRegion: key.attributes.multiRegion === true,
  };
  const encryption = encryptionAlgorithms(key);
  if (encryption) meta.EncryptionAlgorithms = encryption;
  const signing = signingAlgorithms(key);
  if (signing) meta.SigningAlgorithms = signing;
  const mac = MAC_ALGORITHM_BY_SPEC[key.keySpec];
  if (mac) meta.MacAlgorithms = [mac];
  if (key.keyUsage === 'KEY_AGREEMENT') meta.KeyAgreementAlgorithms = ['ECDH'];
  // Over every associated material that is imported: the earliest ValidTo (key-materials.ts associatedExpiry).
  const expiry = key.external ? associatedExpiry(key) : undefined;
  if (expiry) {
    meta.ExpirationModel = expiry.model;
    if (expiry.validTo !== undefined) meta.ValidTo = expiry.validTo / 1000;
  }
  if (key.keyMaterialId && key.keySpec === 'SYMMETRIC_DEFAULT') meta.CurrentKeyMaterialId = key.keyMaterialId;
  if (key.state === 'PendingDeletion' && key.deletionDate !== undefined) {
    meta.DeletionDate = key.deletionDate / 1000;
    meta.PendingDeletionWindowInDays = key.pendingWindowInDays;
  }
  return meta;
}
