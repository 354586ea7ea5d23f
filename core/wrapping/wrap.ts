// wrapKeyMaterial / unwrapKeyMaterial: the checks every algorithm shares, then the table entry.
import { createPrivateKey, KeyObject } from 'node:crypto';
import { ImportedKeyError, needs } from '../errors';
import { getWrappingAlgorithm } from './algorithms';
import { decodePublicKey } from './public-key';
import { isSm2PublicKey, type PublicWrappingKey, type WrappingAlgorithm, type WrappingAlgorithmEntry } from './types';

export interface WrapKeyMaterialRequest {
  algorithm: WrappingAlgorithm | string;
  /** DER SubjectPublicKeyInfo bytes, or base64 / hexadecimal / PEM text, or an already decoded key. */
  publicKey: Buffer | string | PublicWrappingKey;
  material: Buffer;
}

export interface UnwrapKeyMaterialRequest {
  algorithm: WrappingAlgorithm | string;
  /** A private KeyObject, PEM text, or DER PKCS#8 bytes. */
  privateKey: KeyObject | string | Buffer;
  wrapped: Buffer;
}

function keyKindOf(key: PublicWrappingKey): 'rsa' | 'sm2' {
  return isSm2PublicKey(key) ? 'sm2' : 'rsa';
}

function checkKeyFits(entry: WrappingAlgorithmEntry, key: PublicWrappingKey): void {
  const kind = keyKindOf(key);
  if (kind !== entry.keyKind) {
    throw new ImportedKeyError(
      'InvalidPublicKey',
      `publicKey is an ${kind.toUpperCase()} key but ${entry.name} needs an ${entry.keyKind.toUpperCase()} public key`,
    );
  }
}

/** Most bytes of material `algorithm` can wrap under `publicKey`, so check-time code can reject early. */
export function maxMaterialLength(algorithm: WrappingAlgorithm | string, publicKey: Buffer | string | PublicWrappingKey): number {
  const entry = getWrappingAlgorithm(algorithm);
  const key = decodePublicKey(publicKey);
  checkKeyFits(entry, key);
  return entry.maxMaterialLength(key);
}

function describeKey(key: PublicWrappingKey): string {
  return isSm2PublicKey(key) ? 'an SM2 key' : `a ${key.asymmetricKeyDetails?.modulusLength}-bit key`;
}

/** Encrypts key material under a cloud's wrapping public key. Never logs or echoes the material. */
export function wrapKeyMaterial(request: WrapKeyMaterialRequest): Buffer {
  const entry = getWrappingAlgorithm(request.algorithm);
  const material = request.material;
  needs(Buffer.isBuffer(material) || (material as unknown) instanceof Uint8Array, `material must be a Buffer of key material bytes; got ${typeof material}`, 'InvalidKeyMaterial');
  needs(material.length > 0, 'material is empty; key material must be at least 1 byte (32 for AES-256 keys, 16 for SM4)', 'InvalidKeyMaterial');
  const key = decodePublicKey(request.publicKey);
  checkKeyFits(entry, key);
  const max = entry.maxMaterialLength(key);
  if (material.length > max) {
    throw new ImportedKeyError(
      'MaterialTooLong',
      `material is ${material.length} bytes but ${entry.name} with ${describeKey(key)} wraps at most ${max} bytes; ` +
        'use RSA_AES_KEY_WRAP_SHA_256 (or RSA_AES_KEY_WRAP_SHA_1) for longer material such as private keys',
    );
  }
  return entry.wrap(key, Buffer.from(material));
}

function toPrivateKey(input: KeyObject | string | Buffer): KeyObject {
  if (input instanceof KeyObject) {
    needs(input.type === 'private', `privateKey must be a private key, not a ${input.type} key`);
    return input;
  }
  try {
    if (typeof input === 'string') return createPrivateKey(input);
    if (Buffer.isBuffer(input)) return createPrivateKey({ key: input, format: 'der', type: 'pkcs8' });
  } catch {
    // fall through to one message that does not echo the key
  }
  throw new ImportedKeyError('InvalidArgument', 'privateKey must be a private KeyObject, PEM text, or DER PKCS#8 bytes');
}

/**
 * Decrypts wrapped material (the emulator's side of an import). Any failure is one UnwrapFailed that
 * says little on purpose, so a caller cannot learn which check failed (padding oracles).
 */
export function unwrapKeyMaterial(request: UnwrapKeyMaterialRequest): Buffer {
  const entry = getWrappingAlgorithm(request.algorithm);
  const privateKey = toPrivateKey(request.privateKey);
  const wrapped = request.wrapped;
  try {
    if (!Buffer.isBuffer(wrapped) || wrapped.length === 0) throw new Error('no ciphertext');
    const material = entry.unwrap(privateKey, wrapped);
    if (material.length === 0) throw new Error('empty material');
    return material;
  } catch {
    throw new ImportedKeyError('UnwrapFailed', 'unwrapping the key material failed');
  }
}
