// Alibaba Cloud KMS operations on the shared store: Alibaba's parameters in, Alibaba's JSON out.
// The store enforces the key rules; this module checks parameters and shapes replies (ISO UTC times,
// MaterialExpireTime empty = never, PublicKey base64 DER, TokenExpireTime).

import { randomBytes, randomUUID } from 'node:crypto';
import { decryptWithMaterial, encryptWithMaterial, keyIdOfCiphertext } from '../../key-crypto';
import type { KeyStore, StoredKey } from '../../store';
import type { WrappingAlgorithm } from '../../../core/wrapping';
import { AlibabaError, alibabaErrors } from './errors';
import { optionalInteger, requireParam } from './wire';

/** The cloud's name, as users pass it as `cloud`: request counters `alicloud:<Action>`, fault targets. */
export const CLOUD = 'alicloud';
/** The emulator's earlier name for this cloud, still accepted everywhere a cloud is named and counted under too. */
export const OLD_CLOUD_NAME = 'alibaba';
/** The store keeps this cloud's keys under its earlier name (key records, state files, consistency delays). */
export const STORE_CLOUD = OLD_CLOUD_NAME;
export const DEFAULT_REGION = 'cn-hangzhou';
/** The account id the emulator puts in ARNs and Creator. */
export const ALIBABA_EMULATOR_ACCOUNT = '1234567890123456';
const KEY_SPECS = ['Aliyun_AES_256', 'Aliyun_SM4'];
const MAX_PLAINTEXT_BYTES = 6144;

const WRAPPING: Record<string, { algorithms: WrappingAlgorithm[]; storeSpec: 'RSA_2048' | 'SM2' }> = {
  RSA_2048: { algorithms: ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'], storeSpec: 'RSA_2048' },
  EC_SM2: { algorithms: ['SM2PKE'], storeSpec: 'SM2' },
};

export interface Call {
  params: Record<string, string>;
  region: string;
  store: KeyStore;
  /** The key the request named (KeyId, resolved): a store refusal is named after it (Rejected.<State>). */
  resolved?: StoredKey;
}
type Handler = (call: Call) => Record<string, unknown>;

/** Alibaba writes seconds-precision UTC: 2026-01-01T00:00:00Z. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function arnOf(key: StoredKey): string {
  return `acs:kms:${key.namespace}:${ALIBABA_EMULATOR_ACCOUNT}:key/${key.id}`;
}

function keyMetadata(key: StoredKey): Record<string, unknown> {
  return {
    KeyId: key.id,
    Arn: arnOf(key),
    KeyState: key.state,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
    Origin: key.origin,
    ProtectionLevel: String(key.attributes.protectionLevel ?? 'SOFTWARE'),
    Description: key.description,
    Creator: ALIBABA_EMULATOR_ACCOUNT,
    CreationDate: isoSeconds(key.createdAt),
    // Empty when the material never expires or there is none, as Alibaba does.
    MaterialExpireTime: key.hasMaterial && key.materialExpiresAt !== undefined ? isoSeconds(key.materialExpiresAt) : '',
    DeleteDate: key.state === 'PendingDeletion' && key.deletionDate !== undefined ? isoSeconds(key.deletionDate) : '',
    PrimaryKeyVersion: String(key.attributes.primaryKeyVersion ?? ''),
    AutomaticRotation: 'Disabled',
    DeletionProtection: 'Disabled',
  };
}

/**
 * KeyId may be an id, alias/NAME, or an ARN acs:kms:REGION:ACCOUNT:key/ID or …:alias/NAME. `described`: as DescribeKey
 * sees keys and aliases (changes may still be on their way: emulator/consistency.ts).
 */
function resolveKey(call: Call, name = 'KeyId', described = false): StoredKey {
  const given = requireParam(call.params, name);
  let region = call.region;
  let ref = given;
  const arn = /^acs:kms:([a-z0-9-]+):(\d+):((?:key|alias)\/.+)$/.exec(given);
  if (arn) {
    region = arn[1];
    ref = arn[3].startsWith('key/') ? arn[3].slice(4) : arn[3];
  }
  let keyId = ref;
  if (ref.startsWith('alias/')) {
    const alias = described ? call.store.describeAlias(STORE_CLOUD, region, ref) : call.store.findAlias(STORE_CLOUD, region, ref);
    if (!alias) throw alibabaErrors.aliasNotFound(ref);
    keyId = alias.keyId;
  }
  const key = described ? call.store.describeKey(STORE_CLOUD, region, keyId) : call.store.findKey(STORE_CLOUD, region, keyId);
  if (!key) throw alibabaErrors.keyNotFound(given);
  call.resolved = key;
  return key;
}

/** PageNumber (from 1) and PageSize (1–100, default 10), as Alibaba's List* operations take them. */
function paging(params: Record<string, string>): { pageNumber: number; pageSize: number } {
  const pageSize = optionalInteger(params, 'PageSize') ?? 10;
  const pageNumber = optionalInteger(params, 'PageNumber') ?? 1;
  if (pageSize < 1 || pageSize > 100) throw alibabaErrors.invalidParameter('PageSize', 'from 1 to 100');
  if (pageNumber < 1) throw alibabaErrors.invalidParameter('PageNumber', 'from 1');
  return { pageNumber, pageSize };
}

function refOf(key: StoredKey): { cloud: string; namespace: string; keyId: string } {
  return { cloud: STORE_CLOUD, namespace: key.namespace, keyId: key.id };
}

function oneOf(params: Record<string, string>, name: string, allowed: readonly string[], fallback?: string): string {
  const value = params[name] || fallback;
  if (value === undefined) throw alibabaErrors.missingParameter(name);
  if (!allowed.includes(value)) throw alibabaErrors.invalidParameter(name, `allowed values: ${allowed.join(', ')}`);
  return value;
}

/** A JSON object in EncryptionContext, or (as @alicloud/kms20160120 1.x sends a map) EncryptionContext.<name> parameters. */
function encryptionContext(params: Record<string, string>): Record<string, string> | undefined {
  const text = params.EncryptionContext;
  if (text === undefined || text === '') {
    const flat = Object.entries(params).filter(([name]) => name.startsWith('EncryptionContext.'));
    return flat.length ? Object.fromEntries(flat.map(([name, value]) => [name.slice('EncryptionContext.'.length), value])) : undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw alibabaErrors.invalidParameter('EncryptionContext', 'it must be a JSON object of strings');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw alibabaErrors.invalidParameter('EncryptionContext', 'it must be a JSON object of strings');
  }
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

export const OPERATIONS: Record<string, Handler> = {
  CreateKey(call) {
    const origin = oneOf(call.params, 'Origin', ['Aliyun_KMS', 'EXTERNAL'], 'Aliyun_KMS');
    const keySpec = oneOf(call.params, 'KeySpec', KEY_SPECS, 'Aliyun_AES_256');
    const keyUsage = oneOf(call.params, 'KeyUsage', ['ENCRYPT/DECRYPT'], 'ENCRYPT/DECRYPT');
    const protectionLevel = oneOf(call.params, 'ProtectionLevel', ['SOFTWARE', 'HSM'], keySpec === 'Aliyun_SM4' ? 'HSM' : 'SOFTWARE');
    // SM4 exists only in Alibaba's managed HSMs.
    if (keySpec === 'Aliyun_SM4' && protectionLevel !== 'HSM') throw alibabaErrors.invalidParameter('ProtectionLevel', 'KeySpec Aliyun_SM4 needs ProtectionLevel HSM');
    const description = call.params.Description ?? '';
    if (description.length > 8192) throw alibabaErrors.invalidParameter('Description', 'at most 8192 characters');
    const external = origin === 'EXTERNAL';
    const key = call.store.createKey({
      cloud: STORE_CLOUD, namespace: call.region, origin, keySpec, keyUsage, description, external,
      attributes: { protectionLevel, primaryKeyVersion: randomUUID() },
      generatedMaterial: external ? undefined : randomBytes(keySpec === 'Aliyun_SM4' ? 16 : 32),
    });
    return { KeyMetadata: keyMetadata(key) };
  },

  DescribeKey: (call) => ({ KeyMetadata: keyMetadata(resolveKey(call, 'KeyId', true)) }),

  ListKeys(call) {
    const keys = call.store.listKeys(STORE_CLOUD, call.region);
    const { pageNumber, pageSize } = paging(call.params);
    const page = keys.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return { Keys: { Key: page.map((k) => ({ KeyId: k.id, KeyArn: arnOf(k) })) }, TotalCount: keys.length, PageNumber: pageNumber, PageSize: pageSize };
  },

  GetParametersForImport(call) {
    const key = resolveKey(call);
    const wrappingKeySpec = oneOf(call.params, 'WrappingKeySpec', Object.keys(WRAPPING));
    const algorithm = oneOf(call.params, 'WrappingAlgorithm', WRAPPING[wrappingKeySpec].algorithms) as WrappingAlgorithm;
    if (wrappingKeySpec === 'EC_SM2' && key.attributes.protectionLevel !== 'HSM') {
      throw alibabaErrors.invalidParameter('WrappingKeySpec', 'EC_SM2 (SM2PKE) is only available for keys with ProtectionLevel HSM');
    }
    const minted = call.store.createImportParameters(refOf(key), algorithm, WRAPPING[wrappingKeySpec].storeSpec);
    return {
      KeyId: key.id,
      ImportToken: minted.importToken.toString('base64'),
      PublicKey: minted.publicKeyDer.toString('base64'),
      TokenExpireTime: isoSeconds(minted.validTo),
    };
  },

  ImportKeyMaterial(call) {
    const key = resolveKey(call);
    const token = requireParam(call.params, 'ImportToken');
    const wrapped = requireParam(call.params, 'EncryptedKeyMaterial');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(wrapped)) throw alibabaErrors.invalidParameter('EncryptedKeyMaterial', 'it must be base64');
    const expireUnix = optionalInteger(call.params, 'KeyMaterialExpireUnix') ?? 0;
    if (expireUnix < 0) throw alibabaErrors.invalidParameter('KeyMaterialExpireUnix', 'seconds since 1970, or 0 for never');
    call.store.importMaterial(refOf(key), {
      // Not base64 at all cannot be one of our tokens: it decodes to bytes the store does not know.
      importToken: Buffer.from(token, 'base64'),
      encryptedKeyMaterial: Buffer.from(wrapped, 'base64'),
      expiresAt: expireUnix === 0 ? undefined : expireUnix * 1000,
      reimport: 'in-place',
    });
    return {};
  },

  DeleteKeyMaterial(call) {
    call.store.deleteMaterial(refOf(resolveKey(call)));
    return {};
  },

  ScheduleKeyDeletion(call) {
    const key = resolveKey(call);
    const days = optionalInteger(call.params, 'PendingWindowInDays');
    if (days === undefined) throw alibabaErrors.missingParameter('PendingWindowInDays');
    if (days < 7 || days > 366) throw alibabaErrors.invalidParameter('PendingWindowInDays', 'a whole number of days from 7 to 366');
    call.store.scheduleDeletion(refOf(key), days);
    return {};
  },

  CancelKeyDeletion(call) {
    call.store.cancelDeletion(refOf(resolveKey(call)));
    return {};
  },

  EnableKey(call) {
    call.store.enableKey(refOf(resolveKey(call)));
    return {};
  },

  DisableKey(call) {
    call.store.disableKey(refOf(resolveKey(call)));
    return {};
  },

  CreateAlias(call) {
    const key = resolveKey(call);
    const aliasName = requireParam(call.params, 'AliasName');
    if (!/^alias\/[a-zA-Z0-9:/_-]{1,249}$/.test(aliasName)) throw alibabaErrors.invalidParameter('AliasName', 'alias/ followed by letters, digits, : / _ -');
    call.store.createAlias(STORE_CLOUD, key.namespace, aliasName, refOf(key));
    return {};
  },

  /** Points an existing alias at another key (a replacement keeps its alias). */
  UpdateAlias(call) {
    const aliasName = requireParam(call.params, 'AliasName');
    if (!call.store.findAlias(STORE_CLOUD, call.region, aliasName)) throw alibabaErrors.aliasNotFound(aliasName);
    const key = resolveKey(call);
    call.store.updateAlias(STORE_CLOUD, key.namespace, aliasName, refOf(key));
    return {};
  },

  DeleteAlias(call) {
    const aliasName = requireParam(call.params, 'AliasName');
    if (!call.store.findAlias(STORE_CLOUD, call.region, aliasName)) throw alibabaErrors.aliasNotFound(aliasName);
    call.store.deleteAlias(STORE_CLOUD, call.region, aliasName);
    return {};
  },

  ListAliases(call) {
    const aliases = call.store.listAliases(STORE_CLOUD, call.region);
    const { pageNumber, pageSize } = paging(call.params);
    const page = aliases.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return {
      Aliases: { Alias: page.map((a) => ({ AliasName: a.name, AliasArn: `acs:kms:${a.namespace}:${ALIBABA_EMULATOR_ACCOUNT}:${a.name}`, KeyId: a.keyId })) },
      TotalCount: aliases.length, PageNumber: pageNumber, PageSize: pageSize,
    };
  },

  /** Description is required but may be empty (Alibaba: "add, modify, or delete the description"). */
  UpdateKeyDescription(call) {
    const key = resolveKey(call);
    const description = call.params.Description;
    if (description === undefined) throw alibabaErrors.missingParameter('Description');
    if (description.length > 8192) throw alibabaErrors.invalidParameter('Description', 'at most 8192 characters');
    call.store.updateDescription(refOf(key), description);
    return {};
  },

  TagResource(call) {
    const key = resolveKey(call);
    let tags: unknown;
    try {
      tags = JSON.parse(requireParam(call.params, 'Tags'));
    } catch {
      throw alibabaErrors.invalidParameter('Tags', 'a JSON array of {"TagKey","TagValue"}');
    }
    if (!Array.isArray(tags) || tags.some((t) => typeof t?.TagKey !== 'string')) {
      throw alibabaErrors.invalidParameter('Tags', 'a JSON array of {"TagKey","TagValue"}');
    }
    call.store.tagKey(refOf(key), Object.fromEntries(tags.map((t: { TagKey: string; TagValue?: unknown }) => [t.TagKey, String(t.TagValue ?? '')])));
    return {};
  },

  Encrypt(call) {
    const key = resolveKey(call);
    const plaintext = Buffer.from(requireParam(call.params, 'Plaintext'), 'utf8');
    if (plaintext.length > MAX_PLAINTEXT_BYTES) throw alibabaErrors.invalidParameter('Plaintext', `at most ${MAX_PLAINTEXT_BYTES} bytes`);
    const { material } = call.store.materialForUse(refOf(key));
    const blob = encryptWithMaterial(key.id, material, plaintext, encryptionContext(call.params));
    return { KeyId: key.id, KeyVersionId: String(key.attributes.primaryKeyVersion ?? ''), CiphertextBlob: blob.toString('base64') };
  },

  Decrypt(call) {
    const blob = Buffer.from(requireParam(call.params, 'CiphertextBlob'), 'base64');
    const keyId = keyIdOfCiphertext(blob);
    if (!keyId) throw new AlibabaError(400, 'InvalidCiphertext', 'The ciphertext is invalid or was not produced by this service.');
    const key = call.store.findKey(STORE_CLOUD, call.region, keyId);
    if (!key) throw alibabaErrors.keyNotFound(keyId);
    const { material } = call.store.materialForUse(refOf(key));
    let plaintext: Buffer;
    try {
      plaintext = decryptWithMaterial(key.id, material, blob, encryptionContext(call.params));
    } catch {
      throw new AlibabaError(400, 'InvalidCiphertext', 'The ciphertext is invalid or its encryption context does not match.');
    }
    return { KeyId: key.id, KeyVersionId: String(key.attributes.primaryKeyVersion ?? ''), Plaintext: plaintext.toString('utf8') };
  },
};
