// RSA_AES_KEY_WRAP_*: a fresh AES-256 key wraps the material with AES key wrap with padding
// (RFC 5649, OpenSSL id-aes256-wrap-pad); RSA-OAEP wraps the AES key; output RSA(aesKey) ‖ KWP(material).
import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { modulusBytes, oaepDecrypt, oaepEncrypt, type OaepHash } from './rsa';
import type { PublicWrappingKey, WrappingAlgorithm, WrappingAlgorithmEntry } from './types';

/** RFC 5649 alternative initial value (the 32-bit constant; Node appends the length indicator). */
const KWP_IV = Buffer.from('a65959a6', 'hex');
const AES_KEY_BYTES = 32;
/** RFC 5649 2: the message length indicator is 32 bits. */
export const KWP_MAX_MATERIAL = 0xffffffff;

export function aesKeyWrapPad(aesKey: Buffer, material: Buffer): Buffer {
  const cipher = createCipheriv('id-aes256-wrap-pad', aesKey, KWP_IV);
  return Buffer.concat([cipher.update(material), cipher.final()]);
}

export function aesKeyUnwrapPad(aesKey: Buffer, wrapped: Buffer): Buffer {
  const decipher = createDecipheriv('id-aes256-wrap-pad', aesKey, KWP_IV);
  return Buffer.concat([decipher.update(wrapped), decipher.final()]);
}

export function rsaAesKeyWrap(name: WrappingAlgorithm, hash: OaepHash): WrappingAlgorithmEntry {
  return {
    name,
    keyKind: 'rsa',
    description: `random AES-256 key, AES key wrap with padding (RFC 5649) of the material, RSA-OAEP-${hash.toUpperCase()} of the AES key`,
    maxMaterialLength: (_key: PublicWrappingKey) => KWP_MAX_MATERIAL,
    wrap(key, material) {
      const aesKey = randomBytes(AES_KEY_BYTES);
      try {
        return Buffer.concat([oaepEncrypt(key as KeyObject, hash, aesKey), aesKeyWrapPad(aesKey, material)]);
      } finally {
        aesKey.fill(0);
      }
    },
    unwrap(privateKey, wrapped) {
      const k = modulusBytes(privateKey);
      const kwp = wrapped.subarray(k);
      if (kwp.length < 16 || kwp.length % 8 !== 0) throw new Error('bad AES key wrap length');
      const aesKey = oaepDecrypt(privateKey, hash, wrapped.subarray(0, k));
      try {
        if (aesKey.length !== AES_KEY_BYTES) throw new Error('wrapped AES key is not 32 bytes');
        return aesKeyUnwrapPad(aesKey, kwp);
      } finally {
        aesKey.fill(0);
      }
    },
  };
}
