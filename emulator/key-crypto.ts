// Cloud-neutral crypto with a key's material, shared by every protocol: AES-256-GCM
// encrypt/decrypt (the ciphertext blob names its key, as the clouds' blobs do, so Decrypt needs
// no key id), HMAC, RSA-OAEP, and the public key of an imported PKCS#8 private key.

import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, constants, privateDecrypt, publicEncrypt, randomBytes, timingSafeEqual } from 'node:crypto';
import { StoreError } from './store-errors';

/** Blobs that name their key only (every cloud but AWS). */
const BLOB_VERSION = 0x01;
/** Blobs that also name the key material (AWS: Decrypt picks the material by the id inside the ciphertext). */
const BLOB_VERSION_WITH_MATERIAL = 0x02;
const MATERIAL_ID_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Canonical bytes of an encryption context, bound into the ciphertext as AAD. */
function contextAad(keyId: string, context: Record<string, string> | undefined): Buffer {
  const entries = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify([keyId, entries]), 'utf8');
}

/**
 * Blob: version 1 ‖ key-id length 1 ‖ key id ‖ iv 12 ‖ tag 16 ‖ AES-256-GCM ciphertext; with `materialId` (64 hex,
 * AWS's KeyMaterialId): version 2 and the id's 32 bytes after the key id.
 */
export function encryptWithMaterial(keyId: string, material: Buffer, plaintext: Buffer, context?: Record<string, string>, materialId?: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', aesKey(material), iv);
  cipher.setAAD(contextAad(keyId, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const id = Buffer.from(keyId, 'utf8');
  const header = materialId === undefined
    ? [Buffer.from([BLOB_VERSION, id.length]), id]
    : [Buffer.from([BLOB_VERSION_WITH_MATERIAL, id.length]), id, Buffer.from(materialId, 'hex')];
  return Buffer.concat([...header, iv, cipher.getAuthTag(), body]);
}

/** Where the iv starts, or undefined when the blob is not one of ours. */
function ivOffset(blob: Buffer): number | undefined {
  if (blob.length < 2 || (blob[0] !== BLOB_VERSION && blob[0] !== BLOB_VERSION_WITH_MATERIAL)) return undefined;
  const start = 2 + blob[1] + (blob[0] === BLOB_VERSION_WITH_MATERIAL ? MATERIAL_ID_BYTES : 0);
  return blob.length < start + IV_BYTES + TAG_BYTES ? undefined : start;
}

/** The key id a ciphertext blob names, or undefined when the blob is not one of ours. */
export function keyIdOfCiphertext(blob: Buffer): string | undefined {
  if (ivOffset(blob) === undefined) return undefined;
  return blob.subarray(2, 2 + blob[1]).toString('utf8');
}

/** The KeyMaterialId a version-2 blob names; undefined for version-1 blobs (and blobs not ours). */
export function materialIdOfCiphertext(blob: Buffer): string | undefined {
  if (ivOffset(blob) === undefined || blob[0] !== BLOB_VERSION_WITH_MATERIAL) return undefined;
  const start = 2 + blob[1];
  return blob.subarray(start, start + MATERIAL_ID_BYTES).toString('hex');
}

export function decryptWithMaterial(keyId: string, material: Buffer, blob: Buffer, context?: Record<string, string>): Buffer {
  const start = ivOffset(blob);
  if (start === undefined) throw new StoreError('InvalidCiphertext', 'The ciphertext or its encryption context is invalid');
  const iv = blob.subarray(start, start + IV_BYTES);
  const tag = blob.subarray(start + IV_BYTES, start + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey(material), iv);
    decipher.setAAD(contextAad(keyId, context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(blob.subarray(start + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new StoreError('InvalidCiphertext', 'The ciphertext or its encryption context is invalid');
  }
}

/** 32-byte material is the AES key; 16-byte material (SM4 specs) is stretched so the emulator can still round-trip. */
function aesKey(material: Buffer): Buffer {
  return material.length === 32 ? material : createHash('sha256').update(material).digest();
}

export type HmacHash = 'sha224' | 'sha256' | 'sha384' | 'sha512';

export function hmac(hash: HmacHash, material: Buffer, message: Buffer): Buffer {
  return createHmac(hash, material).update(message).digest();
}

export function hmacMatches(hash: HmacHash, material: Buffer, message: Buffer, mac: Buffer): boolean {
  const expected = hmac(hash, material, message);
  return expected.length === mac.length && timingSafeEqual(expected, mac);
}

/** DER SubjectPublicKeyInfo of the public half of a PKCS#8 DER private key. */
export function publicKeyOfPrivate(pkcs8Der: Buffer): Buffer {
  const privateKey = createPrivateKey({ key: pkcs8Der, format: 'der', type: 'pkcs8' });
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }) as Buffer;
}

export function rsaOaepEncrypt(pkcs8Der: Buffer, hash: 'sha1' | 'sha256', plaintext: Buffer): Buffer {
  const key = createPublicKey(createPrivateKey({ key: pkcs8Der, format: 'der', type: 'pkcs8' }));
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, plaintext);
}

export function rsaOaepDecrypt(pkcs8Der: Buffer, hash: 'sha1' | 'sha256', ciphertext: Buffer): Buffer {
  try {
    const key = createPrivateKey({ key: pkcs8Der, format: 'der', type: 'pkcs8' });
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, ciphertext);
  } catch {
    throw new StoreError('InvalidCiphertext', 'The ciphertext is invalid');
  }
}
