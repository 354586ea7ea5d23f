// Shared shapes of the wrapping module: the algorithm names and what one table entry can do.
import type { KeyObject } from 'node:crypto';

export type WrappingAlgorithm =
  | 'RSAES_OAEP_SHA_256'
  | 'RSAES_OAEP_SHA_1'
  | 'RSAES_PKCS1_V1_5'
  | 'RSA_AES_KEY_WRAP_SHA_256'
  | 'RSA_AES_KEY_WRAP_SHA_1'
  | 'SM2PKE';

/** An SM2 public key: the curve point, and the DER SubjectPublicKeyInfo it came from. */
export interface Sm2PublicKey {
  readonly kind: 'sm2';
  /** Uncompressed (04‖x‖y, 65 bytes) or compressed (33 bytes) point, as found in the key. */
  readonly point: Buffer;
  readonly spki: Buffer;
}

/** What decodePublicKey returns: a node KeyObject for RSA, an Sm2PublicKey for SM2. */
export type PublicWrappingKey = KeyObject | Sm2PublicKey;

export type WrappingKeyKind = 'rsa' | 'sm2';

export interface WrappingAlgorithmEntry {
  readonly name: WrappingAlgorithm;
  /** The kind of public key the algorithm encrypts under. */
  readonly keyKind: WrappingKeyKind;
  readonly description: string;
  /** Most bytes of material this algorithm can wrap under `key` (Infinity-like limits for hybrid schemes). */
  maxMaterialLength(key: PublicWrappingKey): number;
  /** Encrypts; the caller has already checked key kind, emptiness and length. */
  wrap(key: PublicWrappingKey, material: Buffer): Buffer;
  /** Decrypts; throws anything on failure (the caller turns it into one UnwrapFailed). */
  unwrap(privateKey: KeyObject, wrapped: Buffer): Buffer;
}

export function isSm2PublicKey(key: unknown): key is Sm2PublicKey {
  return typeof key === 'object' && key !== null && (key as { kind?: unknown }).kind === 'sm2';
}
