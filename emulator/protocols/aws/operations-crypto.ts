// The AWS operations that prove which material a key holds: Encrypt/Decrypt (symmetric AES-GCM
// blobs that name their key, or RSA-OAEP), GenerateMac/VerifyMac (HMAC) and GetPublicKey.

import type { StoredKey } from '../../store';
import { decryptWithMaterial, encryptWithMaterial, hmac, hmacMatches, keyIdOfCiphertext, materialIdOfCiphertext, publicKeyOfPrivate, rsaOaepDecrypt, rsaOaepEncrypt, type HmacHash } from '../../key-crypto';
import { AwsError } from './errors';
import { optEnum, optString, optStringList, optStringMap, reqBlob, reqEnum, type Json } from './wire';
import { AWS_CLOUD, MAC_ALGORITHM_BY_SPEC, encryptionAlgorithms, keyArn, keyById, refOf, resolveKey, signingAlgorithms, type AwsCall } from './operations-keys';

export function encrypt(body: Json, call: AwsCall): Json {
  const key = keyById(body, call, true);
  const plaintext = reqBlob(body, 'Plaintext', { min: 1, max: 4096 });
  const context = optStringMap(body, 'EncryptionContext');
  const algorithm = optEnum(body, 'EncryptionAlgorithm', ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] as const) ?? 'SYMMETRIC_DEFAULT';
  requireUsage(key, 'ENCRYPT_DECRYPT', call);
  requireAlgorithm(key, algorithm, encryptionAlgorithms(key), 'EncryptionAlgorithm');
  const { material, materialId } = call.store.materialForUse(refOf(key));
  let blob: Buffer;
  // Symmetric ciphertexts carry the id of the CURRENT material, so Decrypt finds it after later rotations.
  if (algorithm === 'SYMMETRIC_DEFAULT') blob = encryptWithMaterial(key.id, material, plaintext, context, materialId);
  else if (algorithm === 'SM2PKE') throw new AwsError('UnsupportedOperationException', 'The emulator does not encrypt with SM2 KMS keys');
  else blob = rsaOaepEncrypt(material, algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256', plaintext);
  // AWS's EncryptResponse has no KeyMaterialId (Decrypt's and GenerateDataKey's have): the id is inside the blob.
  return { CiphertextBlob: blob.toString('base64'), KeyId: keyArn(call.region, key.id), EncryptionAlgorithm: algorithm };
}

export function decrypt(body: Json, call: AwsCall): Json {
  const blob = reqBlob(body, 'CiphertextBlob', { min: 1, max: 6144 });
  const context = optStringMap(body, 'EncryptionContext');
  const algorithm = optEnum(body, 'EncryptionAlgorithm', ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] as const) ?? 'SYMMETRIC_DEFAULT';
  const keyIdInput = optString(body, 'KeyId', { min: 1, max: 2048 });
  optStringList(body, 'GrantTokens');
  let key: StoredKey;
  if (algorithm === 'SYMMETRIC_DEFAULT') {
    const embedded = keyIdOfCiphertext(blob);
    if (!embedded) throw new AwsError('InvalidCiphertextException', 'The ciphertext is not a KMS ciphertext blob');
    const owner = call.store.findKey(AWS_CLOUD, call.ns, embedded);
    if (!owner) throw new AwsError('InvalidCiphertextException', 'The ciphertext refers to a key that does not exist in this account and region');
    if (keyIdInput !== undefined && resolveKey(call.store, call.region, keyIdInput, true).id !== owner.id) {
      throw new AwsError('IncorrectKeyException', 'The key ID in the request does not identify the KMS key that encrypted the ciphertext');
    }
    key = owner;
  } else {
    if (keyIdInput === undefined) throw new AwsError('ValidationException', 'KeyId is required to decrypt with an asymmetric KMS key');
    key = resolveKey(call.store, call.region, keyIdInput, true);
  }
  requireUsage(key, 'ENCRYPT_DECRYPT', call);
  requireAlgorithm(key, algorithm, encryptionAlgorithms(key), 'EncryptionAlgorithm');
  if (algorithm !== 'SYMMETRIC_DEFAULT') {
    const { material } = call.store.materialForUse(refOf(key));
    const plaintext = rsaOaepDecrypt(material, algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256', blob);
    return { KeyId: keyArn(call.region, key.id), Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: algorithm };
  }
  // The material the ciphertext names (CURRENT or NON_CURRENT); the key must be Enabled, so a key PendingImport
  // because any of its materials is missing refuses with KMSInvalidStateException, as AWS does.
  const { material, materialId } = call.store.materialForDecrypt(refOf(key), materialIdOfCiphertext(blob));
  const plaintext = decryptWithMaterial(key.id, material, blob, context);
  return { KeyId: keyArn(call.region, key.id), Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: algorithm, KeyMaterialId: materialId };
}

const MAC_ALGORITHMS = ['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'] as const;

function macHash(algorithm: (typeof MAC_ALGORITHMS)[number]): HmacHash {
  return `sha${algorithm.slice(-3)}` as HmacHash;
}

export function generateMac(body: Json, call: AwsCall): Json {
  const key = keyById(body, call, true);
  const message = reqBlob(body, 'Message', { min: 1, max: 4096 });
  const algorithm = reqEnum(body, 'MacAlgorithm', MAC_ALGORITHMS);
  requireUsage(key, 'GENERATE_VERIFY_MAC', call);
  requireAlgorithm(key, algorithm, MAC_ALGORITHM_BY_SPEC[key.keySpec] ? [MAC_ALGORITHM_BY_SPEC[key.keySpec] as string] : undefined, 'MacAlgorithm');
  const { material } = call.store.materialForUse(refOf(key));
  return { Mac: hmac(macHash(algorithm), material, message).toString('base64'), MacAlgorithm: algorithm, KeyId: keyArn(call.region, key.id) };
}

export function verifyMac(body: Json, call: AwsCall): Json {
  const key = keyById(body, call, true);
  const message = reqBlob(body, 'Message', { min: 1, max: 4096 });
  const mac = reqBlob(body, 'Mac', { min: 1, max: 6144 });
  const algorithm = reqEnum(body, 'MacAlgorithm', MAC_ALGORITHMS);
  requireUsage(key, 'GENERATE_VERIFY_MAC', call);
  requireAlgorithm(key, algorithm, MAC_ALGORITHM_BY_SPEC[key.keySpec] ? [MAC_ALGORITHM_BY_SPEC[key.keySpec] as string] : undefined, 'MacAlgorithm');
  const { material } = call.store.materialForUse(refOf(key));
  if (!hmacMatches(macHash(algorithm), material, message, mac)) throw new AwsError('KMSInvalidMacException', 'The MAC does not verify with this key, message and algorithm');
  return { KeyId: keyArn(call.region, key.id), MacValid: true, MacAlgorithm: algorithm };
}

export function getPublicKey(body: Json, call: AwsCall): Json {
  const key = keyById(body, call, true);
  if (key.keySpec === 'SYMMETRIC_DEFAULT' || key.keySpec.startsWith('HMAC_')) {
    throw new AwsError('UnsupportedOperationException', `${keyArn(call.region, key.id)} is a ${key.keySpec} key: it has no public key`);
  }
  const { material } = call.store.materialForUse(refOf(key));
  const result: Json = {
    KeyId: keyArn(call.region, key.id),
    PublicKey: publicKeyOfPrivate(material).toString('base64'),
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
  };
  const encryption = encryptionAlgorithms(key);
  if (encryption) result.EncryptionAlgorithms = encryption;
  const signing = signingAlgorithms(key);
  if (signing) result.SigningAlgorithms = signing;
  if (key.keyUsage === 'KEY_AGREEMENT') result.KeyAgreementAlgorithms = ['ECDH'];
  return result;
}

function requireUsage(key: StoredKey, usage: string, call: AwsCall): void {
  if (key.keyUsage !== usage) {
    throw new AwsError('InvalidKeyUsageException', `${keyArn(call.region, key.id)} key usage is ${key.keyUsage} which is not valid for this operation (needs ${usage})`);
  }
}

function requireAlgorithm(key: StoredKey, algorithm: string, allowed: string[] | undefined, field: string): void {
  if (!allowed || !allowed.includes(algorithm)) {
    throw new AwsError('InvalidKeyUsageException', `${field} ${algorithm} is not valid for a ${key.keySpec} key (allowed: ${(allowed ?? []).join(', ') || 'none'})`);
  }
}
