// The AWS KMS operations on the shared store: AWS's JSON members in (wire.ts), AWS's JSON out. Keys, import,
// aliases and tags here; the operations that use a key's material (Encrypt, Decrypt, MACs, GetPublicKey) in
// operations-crypto.ts; on-demand rotation and its listings in operations-rotation.ts.

import { decrypt, encrypt, generateMac, getPublicKey, verifyMac } from './operations-crypto';
import { getKeyRotationStatus, listKeyRotations, rotateKeyOnDemand } from './operations-rotation';
import { AwsError, invalidValue } from './errors';
import { optBoolean, optEnum, optInteger, optNumber, optPattern, optString, optStringList, optTags, paginate, reqBlob, reqEnum, reqString, type Json } from './wire';
import {
  AWS_CLOUD, KEY_SPECS, KEY_USAGES, ORIGINS, USAGES_BY_SPEC, WRAPPING_ALGORITHMS_ENUM, WRAPPING_KEY_SPECS_ENUM,
  aliasArn, generateMaterial, isChinaRegion, keyArn, keyById, keyMetadata, refOf, resolveKey,
  wrappingAlgorithmsFor, type AwsCall, type AwsKeySpec,
} from './operations-keys';

const MAX_EXPIRY_DAYS = 365;
/** KeyMaterialId: 64 lowercase hex characters. */
const KEY_MATERIAL_ID = /^[a-f0-9]+$/;
/** KeyMaterialDescription, as the service model constrains it. */
const KEY_MATERIAL_DESCRIPTION = /^[a-zA-Z0-9:/_\s.-]+$/;

type Handler = (body: Json, call: AwsCall) => Json;

// ---- keys ---------------------------------------------------------------------------------------

function createKey(body: Json, call: AwsCall): Json {
  const keySpec = (optEnum(body, 'KeySpec', KEY_SPECS) ?? optEnum(body, 'CustomerMasterKeySpec', KEY_SPECS) ?? 'SYMMETRIC_DEFAULT') as AwsKeySpec;
  const origin = optEnum(body, 'Origin', ORIGINS) ?? 'AWS_KMS';
  let keyUsage = optEnum(body, 'KeyUsage', KEY_USAGES);
  const description = optString(body, 'Description', { max: 8192 }) ?? '';
  const tags = optTags(body, 'Tags');
  const multiRegion = optBoolean(body, 'MultiRegion') ?? false;
  optString(body, 'Policy', { min: 1, max: 131072 });
  optString(body, 'CustomKeyStoreId');
  optBoolean(body, 'BypassPolicyLockoutSafetyCheck');

  if (keySpec === 'SM2' && !isChinaRegion(call.region)) {
    throw new AwsError('ValidationException', 'KeySpec SM2 is only available in the China Regions (cn-north-1, cn-northwest-1)');
  }
  if (keyUsage === undefined) {
    if (keySpec !== 'SYMMETRIC_DEFAULT') throw new AwsError('ValidationException', `You must specify a KeyUsage value for a ${keySpec} KMS key (allowed: ${USAGES_BY_SPEC[keySpec].join(', ')})`);
    keyUsage = 'ENCRYPT_DECRYPT';
  }
  if (!USAGES_BY_SPEC[keySpec].includes(keyUsage)) {
    throw new AwsError('ValidationException', `KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec} (allowed: ${USAGES_BY_SPEC[keySpec].join(', ')})`);
  }
  if (origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE') {
    throw new AwsError('CustomKeyStoreNotFoundException', `Origin ${origin} needs a custom key store, which the emulator does not have`);
  }
  const external = origin === 'EXTERNAL';
  const key = call.store.createKey({
    cloud: AWS_CLOUD,
    namespace: call.ns,
    origin,
    external,
    keySpec,
    keyUsage,
    description,
    tags,
    attributes: { multiRegion },
    generatedMaterial: external ? undefined : generateMaterial(keySpec),
  });
  return { KeyMetadata: keyMetadata(key, call.region) };
}

function describeKey(body: Json, call: AwsCall): Json {
  // As a describe sees it: a change may still be on its way (emulator/consistency.ts).
  const key = resolveKey(call.store, call.region, reqString(body, 'KeyId', { min: 1, max: 2048 }), true, true);
  optStringList(body, 'GrantTokens');
  return { KeyMetadata: keyMetadata(key, call.region) };
}

function listKeys(body: Json, call: AwsCall): Json {
  const keys = call.store.listKeys(AWS_CLOUD, call.ns).map((k) => ({ KeyId: k.id, KeyArn: keyArn(call.region, k.id) }));
  const page = paginate(keys, body, 1000, 'Keys');
  return page;
}

function enableKey(body: Json, call: AwsCall): Json {
  call.store.enableKey(refOf(keyById(body, call)));
  return {};
}

function disableKey(body: Json, call: AwsCall): Json {
  call.store.disableKey(refOf(keyById(body, call)));
  return {};
}

function scheduleKeyDeletion(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  const days = optInteger(body, 'PendingWindowInDays', 7, 30) ?? 30;
  const updated = call.store.scheduleDeletion(refOf(key), days);
  return {
    KeyId: keyArn(call.region, updated.id),
    DeletionDate: (updated.deletionDate ?? 0) / 1000,
    KeyState: updated.state,
    PendingWindowInDays: days,
  };
}

function cancelKeyDeletion(body: Json, call: AwsCall): Json {
  const key = call.store.cancelDeletion(refOf(keyById(body, call)));
  return { KeyId: keyArn(call.region, key.id) };
}

function updateKeyDescription(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  const description = optString(body, 'Description', { max: 8192 });
  if (description === undefined) throw new AwsError('ValidationException', "1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null");
  call.store.updateDescription(refOf(key), description);
  return {};
}

// ---- import -------------------------------------------------------------------------------------

function getParametersForImport(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  const algorithm = reqEnum(body, 'WrappingAlgorithm', WRAPPING_ALGORITHMS_ENUM);
  const wrappingKeySpec = reqEnum(body, 'WrappingKeySpec', WRAPPING_KEY_SPECS_ENUM);
  if (algorithm === 'RSAES_PKCS1_V1_5') {
    throw new AwsError('ValidationException', 'As of October 10, 2023, KMS does not support the RSAES_PKCS1_V1_5 wrapping algorithm; use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256');
  }
  if (!key.external) throw new AwsError('UnsupportedOperationException', `${keyArn(call.region, key.id)} origin is ${key.origin}, not EXTERNAL`);
  const china = isChinaRegion(call.region);
  if ((wrappingKeySpec === 'SM2' || algorithm === 'SM2PKE') && !china) {
    throw new AwsError('ValidationException', 'The SM2 wrapping key spec and SM2PKE are only available in the China Regions');
  }
  if ((wrappingKeySpec === 'SM2') !== (algorithm === 'SM2PKE')) {
    throw new AwsError('ValidationException', `WrappingAlgorithm ${algorithm} does not go with WrappingKeySpec ${wrappingKeySpec} (SM2PKE needs SM2; RSA algorithms need RSA_2048, RSA_3072 or RSA_4096)`);
  }
  const allowed = wrappingAlgorithmsFor(key.keySpec, call.region);
  if (!allowed.includes(algorithm)) {
    throw new AwsError('UnsupportedOperationException', `WrappingAlgorithm ${algorithm} cannot wrap ${key.keySpec} key material; use one of ${allowed.join(', ')}`);
  }
  const params = call.store.createImportParameters(refOf(key), algorithm, wrappingKeySpec);
  return {
    KeyId: keyArn(call.region, key.id),
    ImportToken: params.importToken.toString('base64'),
    PublicKey: params.publicKeyDer.toString('base64'),
    ParametersValidTo: params.validTo / 1000,
  };
}

function importKeyMaterial(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  const importToken = reqBlob(body, 'ImportToken', { min: 1, max: 6144 });
  const encryptedKeyMaterial = reqBlob(body, 'EncryptedKeyMaterial', { min: 1, max: 6144 });
  const validToSeconds = optNumber(body, 'ValidTo');
  const expirationModel = optEnum(body, 'ExpirationModel', ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'] as const) ?? 'KEY_MATERIAL_EXPIRES';
  const importType = optEnum(body, 'ImportType', ['NEW_KEY_MATERIAL', 'EXISTING_KEY_MATERIAL'] as const);
  const description = optPattern(body, 'KeyMaterialDescription', KEY_MATERIAL_DESCRIPTION, { max: 256 });
  const keyMaterialId = optPattern(body, 'KeyMaterialId', KEY_MATERIAL_ID, { min: 64, max: 64 });

  if (expirationModel === 'KEY_MATERIAL_EXPIRES' && validToSeconds === undefined) {
    throw new AwsError('ValidationException', 'ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES (the default)');
  }
  if (expirationModel === 'KEY_MATERIAL_DOES_NOT_EXPIRE' && validToSeconds !== undefined) {
    throw new AwsError('ValidationException', 'ValidTo must be omitted when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE');
  }
  // The three rotation members are for symmetric encryption keys only.
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    for (const [field, value] of [['ImportType', importType], ['KeyMaterialId', keyMaterialId], ['KeyMaterialDescription', description]] as const) {
      if (value !== undefined) throw new AwsError('ValidationException', `${field} is only for SYMMETRIC_DEFAULT keys, not ${key.keySpec}`);
    }
  }
  if (importType === 'NEW_KEY_MATERIAL' && keyMaterialId !== undefined) {
    throw new AwsError('ValidationException', 'KeyMaterialId cannot be specified with ImportType NEW_KEY_MATERIAL: KMS assigns the id of new key material');
  }
  const { key: updated, materialId } = call.store.importMaterialById(refOf(key), {
    importToken,
    encryptedKeyMaterial,
    expiresAt: validToSeconds === undefined ? undefined : Math.round(validToSeconds * 1000),
    maxExpiryDays: MAX_EXPIRY_DAYS,
    reimport: 'in-place',
    expectedKeyMaterialId: keyMaterialId,
    importType: importType === undefined ? undefined : importType === 'NEW_KEY_MATERIAL' ? 'NEW' : 'EXISTING',
    description,
    allowRotationMaterial: key.keySpec === 'SYMMETRIC_DEFAULT',
  });
  const result: Json = { KeyId: keyArn(call.region, updated.id) };
  // The id of the material just imported (a NEW one pending rotation is not the current one).
  result.KeyMaterialId = materialId;
  return result;
}

function deleteImportedKeyMaterial(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  const keyMaterialId = optPattern(body, 'KeyMaterialId', KEY_MATERIAL_ID, { min: 64, max: 64 });
  if (!key.external) throw new AwsError('UnsupportedOperationException', `${keyArn(call.region, key.id)} origin is ${key.origin}, not EXTERNAL`);
  // Omitted: the current material.
  const deletedId = keyMaterialId ?? key.keyMaterialId;
  call.store.deleteMaterial(refOf(key), keyMaterialId);
  const result: Json = { KeyId: keyArn(call.region, key.id) };
  if (deletedId) result.KeyMaterialId = deletedId;
  return result;
}

// ---- aliases and tags ---------------------------------------------------------------------------

const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/;

function aliasName(body: Json): string {
  const name = reqString(body, 'AliasName', { min: 1, max: 256 });
  if (!ALIAS_NAME.test(name)) throw invalidValue('AliasName', name, 'Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$');
  return name;
}

function createAlias(body: Json, call: AwsCall): Json {
  const name = aliasName(body);
  if (name.startsWith('alias/aws/')) throw new AwsError('NotAuthorizedException', 'Alias names that begin with alias/aws/ are reserved for AWS managed keys');
  const key = resolveKey(call.store, call.region, reqString(body, 'TargetKeyId', { min: 1, max: 2048 }), false);
  call.store.createAlias(AWS_CLOUD, call.ns, name, refOf(key));
  return {};
}

function updateAlias(body: Json, call: AwsCall): Json {
  const name = aliasName(body);
  const key = resolveKey(call.store, call.region, reqString(body, 'TargetKeyId', { min: 1, max: 2048 }), false);
  call.store.updateAlias(AWS_CLOUD, call.ns, name, refOf(key));
  return {};
}

function deleteAlias(body: Json, call: AwsCall): Json {
  call.store.deleteAlias(AWS_CLOUD, call.ns, aliasName(body));
  return {};
}

function listAliases(body: Json, call: AwsCall): Json {
  const keyIdInput = optString(body, 'KeyId', { min: 1, max: 2048 });
  const keyId = keyIdInput === undefined ? undefined : resolveKey(call.store, call.region, keyIdInput, false, true).id;
  const aliases = call.store.describeAliases(AWS_CLOUD, call.ns, keyId).map((a) => ({
    AliasName: a.name,
    AliasArn: aliasArn(call.region, a.name),
    TargetKeyId: a.keyId,
    CreationDate: a.createdAt / 1000,
    LastUpdatedDate: a.updatedAt / 1000,
  }));
  return paginate(aliases, body, 100, 'Aliases');
}

function tagResource(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  const tags = optTags(body, 'Tags');
  if (tags === undefined) throw new AwsError('ValidationException', "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  call.store.tagKey(refOf(key), tags);
  return {};
}

function untagResource(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  const tagKeys = optStringList(body, 'TagKeys');
  if (tagKeys === undefined) throw new AwsError('ValidationException', "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
  call.store.untagKey(refOf(key), tagKeys);
  return {};
}

function listResourceTags(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  const tags = Object.entries(key.tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
  return paginate(tags, body, 50, 'Tags');
}

export const OPERATIONS: Record<string, Handler> = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  UpdateKeyDescription: updateKeyDescription,
  GetParametersForImport: getParametersForImport,
  ImportKeyMaterial: importKeyMaterial,
  DeleteImportedKeyMaterial: deleteImportedKeyMaterial,
  RotateKeyOnDemand: rotateKeyOnDemand,
  GetKeyRotationStatus: getKeyRotationStatus,
  ListKeyRotations: listKeyRotations,
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  DeleteAlias: deleteAlias,
  ListAliases: listAliases,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
  Encrypt: encrypt,
  Decrypt: decrypt,
  GenerateMac: generateMac,
  VerifyMac: verifyMac,
  GetPublicKey: getPublicKey,
};

/** The AWS operations the emulator serves (for the README and tests). */
export const AWS_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);
